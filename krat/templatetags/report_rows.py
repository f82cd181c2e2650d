"""The long tables of the period report, one row per record, written in Python instead of
by the template engine: a variable costs the engine about 6 µs, and the preview of a busy
period prints some 2,000 of them (the overdue activities alone 500). Each tag writes
exactly what its template loop wrote: every value is localised and escaped as `{{ value }}`
is (`shown`), dates as `|date:"d.m.Y"`.

Here are the core's tags (a row's figure cells, the institutions' table) and what the apps'
own (`meetings_report`, `actionplan_report`) write their rows with (`rows` and its columns).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()

#: What an empty date or cell prints.
DASH = "—"


def get(record: Any, name: str) -> Any:
    """`record.name` as the template reads it: a dictionary's entry, else an attribute."""
    return record[name] if isinstance(record, Mapping) else getattr(record, name)


def shown(value: Any) -> str | SafeString:
    """`{{ value }}`: localised (numbers grouped as the language writes them), then
    escaped by `format_html`; what is safe already stays as it is."""
    if isinstance(value, SafeString):
        return value
    return str(localize(value))


def day(value: Any) -> str:
    """`{{ value|date:"d.m.Y" }}`: a moment in the site's time zone first, as the template
    engine gives it to the filter."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(date(value, "d.m.Y"))


def day_or_dash(value: Any) -> str:
    """`{{ value|date:"d.m.Y"|default:"—" }}`."""
    return day(value) or DASH


@register.simple_tag
def cells(values: Iterable[Any]) -> SafeString:
    """A row's figure cells: "—" for a missing one, a hidden one marked for the page's
    style."""
    return format_html_join(
        "",
        '<td class="num{}">{}</td>',
        (
            (" hidden-cell" if getattr(cell, "hidden", False) else "", DASH if cell is None else shown(cell))
            for cell in values
        ),
    )


#: A column of a table: the record's field it shows (None: the whole record) and how.
Column = tuple[str | None, Callable[[Any], Any]]


def rows(row: str, records: Iterable[Any], columns: Sequence[Column]) -> SafeString:
    """`row` (a `format_html` string) for each record, filled with its columns: what a row
    tag returns."""
    return format_html_join(
        "",
        row,
        (
            tuple(write(record if name is None else get(record, name)) for name, write in columns)
            for record in records
        ),
    )


@register.simple_tag
def institution_rows(institutions: Sequence[Any]) -> SafeString:
    return rows(
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        institutions,
        (("name", shown), ("state_label", shown), ("submitted_at", day_or_dash)),
    )
