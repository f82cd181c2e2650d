"""The reports as XLSX workbooks: the period report's tables (a sheet or more per section, the
same figures as the PDF) and the national report's row per county."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from krat.report.national import NationalReport, Sum
from krat.report.selectors import CoordinationReport, sections
from krat.spreadsheets import Sheet, workbook_bytes
from krat.suppression import Cell


def _shown(cell: Cell | None) -> int | str | None:
    """A figure as a cell of the sheet: its number, or its mark when hidden; an empty
    cell when there is no figure."""
    if cell is None:
        return ""
    return cell.shown


def report_sheets(report: CoordinationReport) -> list[Sheet]:
    """A sheet or more per section that has tables (each section gives its own:
    `krat.contributions.ReportSection.sheets`), in the report's order."""
    return [
        sheet
        for section in sections()
        if section.sheets is not None and section.key in report.data
        for sheet in section.sheets(report.data[section.key])
    ]


def report_workbook(report: CoordinationReport) -> bytes:
    return workbook_bytes(report_sheets(report))


def _sum_cells(total: Sum | None) -> list[int | str | None]:
    """A national total and how many counties it sums: a number (or its mark when hidden)
    and a number; two empty cells when there was no such period."""
    if total is None:
        return [None, None]
    return [_shown(total.cell), total.counted]


def national_workbook(report: NationalReport) -> bytes:
    """The national report as data: a sheet of the national totals with their comparisons,
    a sheet with a row per county, a sheet per breakdown (counties as rows, the national
    totals last), every county (one with no period reads "not
    reported" and its figures stay empty cells, never 0). Numbers are number cells, dates
    date cells; completeness is two numbers (reports submitted, member institutions), not
    the text "3/13", so that a reader can sum and divide them. A hidden figure is its mark
    ("< 3", "x", "not yet published"), as on the page."""
    totals = Sheet(
        title=_("National totals"),
        headers=[
            _("Figure"),
            _("National total"),
            _("Counties summed"),
            _("Counties"),
            _("Previous period"),
            _("Previous period: counties summed"),
            _("A year earlier"),
            _("A year earlier: counties summed"),
        ],
        rows=[
            # Completeness has no comparison: its last four columns stay empty.
            *[
                [label, value, report.completeness.counted, report.completeness.of, *[None] * 4]
                for label, value in (
                    (_("Reports submitted"), report.completeness.submitted),
                    (_("Member institutions"), report.completeness.members),
                )
            ],
            *[
                [
                    t.label,
                    _shown(t.current.cell),
                    t.current.counted,
                    t.current.of,
                    *_sum_cells(t.previous),
                    *_sum_cells(t.year_earlier),
                ]
                for t in report.totals
            ],
        ],
        widths=[34, 16, 16, 12, 16, 20, 16, 20],
    )
    counties = Sheet(
        title=_("Counties"),
        headers=[
            _("County"),
            _("Period"),
            _("Reported"),
            _("State of the period"),
            _("Report finalised on"),
            _("Reports submitted"),
            _("Member institutions"),
            *[h.label for h in report.headlines],
        ],
        rows=[
            [
                r.county,
                r.period,
                _("yes") if r.reported else _("not reported"),
                r.state_label,
                timezone.localtime(r.finalised_at).date() if r.finalised_at else None,
                r.submitted,
                r.members,
                *[_shown(cell) for cell in r.figures],
            ]
            for r in report.rows
        ],
    )
    breakdowns = [
        Sheet(
            title=table.title,
            headers=[_("County"), *table.categories, _("Total")],
            rows=[
                *(
                    [county, *[_shown(c) for c in cells], _shown(total)]
                    for county, cells, total in table.rows
                ),
                [_("National total"), *[_shown(c) for c in table.totals], _shown(table.total)],
                *(
                    [
                        f"{compared.name} ({compared.period})",
                        *[_shown(c) for c in compared.totals],
                        _shown(compared.total),
                    ]
                    for compared in table.comparisons
                ),
            ],
        )
        for table in report.breakdowns
    ]
    return workbook_bytes([totals, counties, *breakdowns])
