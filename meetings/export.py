"""The decisions spreadsheet (openpyxl). Cells that a spreadsheet would read as a
formula are neutralised, so a decision typed as "=HYPERLINK(...)" stays text."""

from __future__ import annotations

import datetime
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from meetings.models import Decision

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def decisions_workbook(decisions: list[Decision]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Decisions")[:31]
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
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for decision in decisions:
        meeting = decision.meeting
        sheet.append(
            [
                meeting.date,
                safe_cell(meeting.title),
                meeting.get_body_display(),
                safe_cell(decision.text),
                safe_cell(decision.responsible.name),
                decision.due_date,
                decision.get_status_display(),
                safe_cell(decision.status_note),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
    for column, width in zip("ABCDEFGH", [12, 40, 18, 70, 40, 12, 14, 40], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
