"""The long tables of the period report (its sections' templates), one row per
record, written here instead of by the template engine: a variable costs the engine about
6 µs, and the preview of a busy period prints some 2,000 of them (the overdue activities
alone 500). Each tag writes exactly what its template loop wrote: every value is
localised and escaped as `{{ value }}` is (`_shown`), dates as `|date:"d.m.Y"`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django import template
from django.template.defaultfilters import date, floatformat, join
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: What an empty date or cell prints.
DASH = "—"


def _get(record: Any, name: str) -> Any:
    """`record.name` as the template reads it: a dictionary's entry, else an attribute."""
    return record[name] if isinstance(record, Mapping) else getattr(record, name)


def _shown(value: Any) -> str | SafeString:
    """`{{ value }}`: localised (numbers grouped as the language writes them), then
    escaped by `format_html`; what is safe already stays as it is."""
    if isinstance(value, SafeString):
        return value
    return str(localize(value))


def _day(value: Any) -> str:
    """`{{ value|date:"d.m.Y" }}`: a moment in the site's time zone first, as the template
    engine gives it to the filter."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(date(value, "d.m.Y"))


def _day_or_dash(value: Any) -> str:
    """`{{ value|date:"d.m.Y"|default:"—" }}`."""
    return _day(value) or DASH


@register.simple_tag
def cells(values: Iterable[Any]) -> SafeString:
    """A row's figure cells: "—" for a missing one, a hidden one marked for the page's
    style."""
    return format_html_join(
        "",
        '<td class="num{}">{}</td>',
        (
            (" hidden-cell" if getattr(cell, "hidden", False) else "", DASH if cell is None else _shown(cell))
            for cell in values
        ),
    )


#: A column of a table: the record's field it shows (None: the whole record) and how.
Column = tuple[str | None, Callable[[Any], Any]]


def _rows(row: str, records: Iterable[Any], columns: Sequence[Column]) -> SafeString:
    """`row` (a `format_html` string) for each record, filled with its columns."""
    return format_html_join(
        "",
        row,
        (
            tuple(write(record if name is None else _get(record, name)) for name, write in columns)
            for record in records
        ),
    )


@register.simple_tag
def institution_rows(rows: Sequence[Any]) -> SafeString:
    return _rows(
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        rows,
        (("name", _shown), ("state_label", _shown), ("submitted_at", _day_or_dash)),
    )


@register.simple_tag
def decision_rows(decisions: Sequence[Any]) -> SafeString:
    return _rows(
        '<tr><td class="text">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        decisions,
        (("text", _shown), ("responsible", _shown), ("due_date", _day_or_dash), ("status_label", _shown)),
    )


def _groups(event: Any) -> SafeString:
    """`{{ event.target_groups|join:", " }}`."""
    return mark_safe(join(_get(event, "target_groups"), ", "))  # noqa: S308 (join escapes every part)


#: An event's date, title, municipality and target groups.
_EVENT: tuple[Column, ...] = (("date", _day), ("title", _shown), ("municipality", _shown), (None, _groups))


@register.simple_tag
def held_event_rows(events: Sequence[Any]) -> SafeString:
    return _rows(
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>',
        events,
        (*_EVENT, ("reached_cell", _shown)),
    )


@register.simple_tag
def planned_event_rows(events: Sequence[Any]) -> SafeString:
    return _rows("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", events, _EVENT)


@register.simple_tag
def tally_rows(tallies: Sequence[Any]) -> SafeString:
    """The plan's progress by objective or by lead institution."""
    return _rows(
        "<tr><td>{}</td>" + '<td class="num">{}</td>' * 5 + "</tr>",
        tallies,
        tuple((name, _shown) for name in ("label", "done", "on_track", "overdue", "cancelled", "total")),
    )


def _achieved(activity: Any) -> SafeString:
    """`{% if o.achieved is None %}—{% else %}{{ o.achieved|floatformat:"-2" }}{% endif %}
    / {{ o.target|floatformat:"-2" }} {{ o.unit }}`."""
    achieved = _get(activity, "achieved")
    done = DASH if achieved is None else floatformat(achieved, "-2")
    return format_html(
        "{} / {} {}", done, floatformat(_get(activity, "target"), "-2"), _shown(_get(activity, "unit"))
    )


@register.simple_tag
def overdue_rows(activities: Sequence[Any]) -> SafeString:
    return _rows(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        '<td class="num" data-testid="achieved-{}">{}</td></tr>',
        activities,
        (
            ("code", _shown),
            ("description", _shown),
            ("lead", _shown),
            ("deadline", _day),
            ("status_label", _shown),
            ("code", _shown),
            (None, _achieved),
        ),
    )
