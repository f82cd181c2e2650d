"""The meetings' long table in the period report (`templates/meetings/report_section_meetings.html`),
written as `krat.templatetags.report_rows` writes the report's rows (and why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from krat.templatetags.report_rows import day_or_dash, rows, shown

register = template.Library()


@register.simple_tag
def decision_rows(decisions: Sequence[Any]) -> SafeString:
    """A meeting's decisions: text, who is responsible, due date and status."""
    return rows(
        '<tr><td class="text">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        decisions,
        (("text", shown), ("responsible", shown), ("due_date", day_or_dash), ("status_label", shown)),
    )
