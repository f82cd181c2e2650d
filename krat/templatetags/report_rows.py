"""The long tables of the period report (`templates/krat/report_body.html`), one row per
record, written here instead of by the template engine: a variable costs the engine about
6 µs, and the preview of a busy period prints some 2,000 of them (the overdue activities
alone 500). Each tag writes exactly what its template loop wrote: every value is
localised and escaped as `{{ value }}` is (`_shown`), dates as `|date:"d.m.Y"`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
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
    """A row's figure cells (`krat/report_cells.html`): "—" for a missing one, a hidden one
    marked for the page's style."""
    return format_html_join(
        "",
        '<td class="num{}">{}</td>',
        (
            (" hidden-cell" if getattr(cell, "hidden", False) else "", DASH if cell is None else _shown(cell))
            for cell in values
        ),
    )


@register.simple_tag
def institution_rows(rows: Sequence[Any]) -> SafeString:
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (_shown(_get(r, "name")), _shown(_get(r, "state_label")), _day_or_dash(_get(r, "submitted_at")))
            for r in rows
        ),
    )


@register.simple_tag
def decision_rows(decisions: Sequence[Any]) -> SafeString:
    return format_html_join(
        "",
        '<tr><td class="text">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                _shown(_get(d, "text")),
                _shown(_get(d, "responsible")),
                _day_or_dash(_get(d, "due_date")),
                _shown(_get(d, "status_label")),
            )
            for d in decisions
        ),
    )


def _groups(event: Any) -> SafeString:
    """`{{ event.target_groups|join:", " }}`."""
    return mark_safe(join(_get(event, "target_groups"), ", "))  # noqa: S308 (join escapes every part)


@register.simple_tag
def held_event_rows(events: Sequence[Any]) -> SafeString:
    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>',
        (
            (
                _day(_get(e, "date")),
                _shown(_get(e, "title")),
                _shown(_get(e, "municipality")),
                _groups(e),
                _shown(_get(e, "reached_cell")),
            )
            for e in events
        ),
    )


@register.simple_tag
def planned_event_rows(events: Sequence[Any]) -> SafeString:
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (_day(_get(e, "date")), _shown(_get(e, "title")), _shown(_get(e, "municipality")), _groups(e))
            for e in events
        ),
    )


@register.simple_tag
def tally_rows(tallies: Sequence[Any]) -> SafeString:
    """The plan's progress by objective or by lead institution."""
    return format_html_join(
        "",
        '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                _shown(_get(o, "label")),
                _shown(_get(o, "done")),
                _shown(_get(o, "on_track")),
                _shown(_get(o, "overdue")),
                _shown(_get(o, "cancelled")),
                _shown(_get(o, "total")),
            )
            for o in tallies
        ),
    )


@register.simple_tag
def overdue_rows(activities: Sequence[Any]) -> SafeString:
    def achieved(o: Any) -> SafeString:
        done = DASH if _get(o, "achieved") is None else floatformat(_get(o, "achieved"), "-2")
        return format_html("{} / {} {}", done, floatformat(_get(o, "target"), "-2"), _shown(_get(o, "unit")))

    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num" data-testid="achieved-{}">{}</td></tr>',
        (
            (
                _shown(_get(o, "code")),
                _shown(_get(o, "description")),
                _shown(_get(o, "lead")),
                _day(_get(o, "deadline")),
                _shown(_get(o, "status_label")),
                _shown(_get(o, "code")),
                achieved(o),
            )
            for o in activities
        ),
    )
