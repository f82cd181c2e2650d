"""The action plan's long tables in the period report (`templates/actionplan/report_section_*.html`),
written as `krat.templatetags.report_rows` writes the report's rows (and why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.template.defaultfilters import floatformat, join
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from krat.templatetags.report_rows import DASH, Column, day, get, rows, shown

register = template.Library()


def _groups(event: Any) -> SafeString:
    """`{{ event.target_groups|join:", " }}`."""
    return mark_safe(join(get(event, "target_groups"), ", "))  # noqa: S308 (join escapes every part)


#: An event's date, title, municipality and target groups.
_EVENT: tuple[Column, ...] = (("date", day), ("title", shown), ("municipality", shown), (None, _groups))


@register.simple_tag
def held_event_rows(events: Sequence[Any]) -> SafeString:
    """The awareness events held in the period, with the people each reached."""
    return rows(
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>',
        events,
        (*_EVENT, ("reached_cell", shown)),
    )


@register.simple_tag
def planned_event_rows(events: Sequence[Any]) -> SafeString:
    """The awareness events planned for the next period."""
    return rows("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", events, _EVENT)


@register.simple_tag
def tally_rows(tallies: Sequence[Any]) -> SafeString:
    """The plan's progress by objective or by lead institution."""
    return rows(
        "<tr><td>{}</td>" + '<td class="num">{}</td>' * 5 + "</tr>",
        tallies,
        tuple((name, shown) for name in ("label", "done", "on_track", "overdue", "cancelled", "total")),
    )


def _achieved(activity: Any) -> SafeString:
    """`{% if o.achieved is None %}—{% else %}{{ o.achieved|floatformat:"-2" }}{% endif %}
    / {{ o.target|floatformat:"-2" }} {{ o.unit }}`."""
    achieved = get(activity, "achieved")
    done = DASH if achieved is None else floatformat(achieved, "-2")
    return format_html(
        "{} / {} {}", done, floatformat(get(activity, "target"), "-2"), shown(get(activity, "unit"))
    )


@register.simple_tag
def overdue_rows(activities: Sequence[Any]) -> SafeString:
    """The plan's overdue activities, with what each achieved of its target."""
    return rows(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        '<td class="num" data-testid="achieved-{}">{}</td></tr>',
        activities,
        (
            ("code", shown),
            ("description", shown),
            ("lead", shown),
            ("deadline", day),
            ("status_label", shown),
            ("code", shown),
            (None, _achieved),
        ),
    )
