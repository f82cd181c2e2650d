"""The reports as XLSX workbooks: the period report's tables (a sheet or more per section, the
same figures as the PDF) and the national report's row per county."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from krat.report.selectors import sections
from krat.spreadsheets import Sheet, workbook_bytes


def _shown(cell):
    if cell is None:
        return ""
    return cell.shown if hasattr(cell, "shown") else cell


def report_sheets(report: dict[str, Any]) -> list[Sheet]:
    """A sheet or more per section that has tables (each section gives its own:
    `krat.contributions.ReportSection.sheets`), in the report's order."""
    return [
        sheet
        for section in sections()
        if section.sheets is not None and section.key in report
        for sheet in section.sheets(report[section.key])
    ]


def report_workbook(report: dict[str, Any]) -> bytes:
    return workbook_bytes(report_sheets(report))


def national_workbook(report: dict) -> bytes:
    """One row per county, every county (one with no period or no report reads "not
    reported" and its figures stay empty cells, never 0). Submissions are two numbers
    (reports submitted, member institutions), not the text "3/13", so that a reader can
    sum and divide them."""
    labels = report["labels"]
    keys = [k for k in labels if k != "submissions"]
    return workbook_bytes(
        [
            Sheet(
                title=_("Counties"),
                headers=[
                    _("County"),
                    _("Period"),
                    _("Reported"),
                    _("Reports submitted"),
                    _("Member institutions"),
                    *[labels[k] for k in keys],
                ],
                rows=[
                    [
                        r["county"],
                        r["period"],
                        _("yes") if r["reported"] else _("not reported"),
                        r.get("submissions"),
                        r.get("members"),
                        *[_shown(r[k]) if r["reported"] else None for k in keys],
                    ]
                    for r in report["rows"]
                ],
            )
        ]
    )
