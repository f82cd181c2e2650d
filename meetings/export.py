"""The decisions spreadsheet, written by `krat.spreadsheets` (the one formula guard of every
export): a decision typed as "=HYPERLINK(...)" stays text, dates are date cells."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krat.spreadsheets import Sheet, workbook_bytes
from meetings.models import Decision


def decisions_workbook(decisions: list[Decision]) -> bytes:
    headers = [
        _("Meeting date"),
        _("Meeting"),
        _("Body"),
        _("Decision"),
        _("Responsible institution"),
        _("Due date"),
        _("Status"),
        _("Note on the status"),
    ]
    rows = [
        [
            decision.meeting.date,
            decision.meeting.title,
            decision.meeting.get_body_display(),
            decision.text,
            decision.responsible.name,
            decision.due_date,
            decision.get_status_display(),
            decision.status_note,
        ]
        for decision in decisions
    ]
    return workbook_bytes(
        [
            Sheet(
                title=_("Decisions")[:31], headers=headers, rows=rows, widths=[12, 40, 18, 70, 40, 12, 14, 40]
            )
        ]
    )
