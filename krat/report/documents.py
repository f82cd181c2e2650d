"""The report as a PDF (WeasyPrint through `krat.pdf`) and as a file name."""

from __future__ import annotations

from krat.pdf import render_pdf
from krat.report.national import Letterhead, NationalCharts, NationalReport
from krat.report.selectors import CoordinationReport


def report_pdf(report: CoordinationReport) -> bytes:
    """The county period report as PDF bytes; render inside `translation.override`."""
    return render_pdf("pdf/report.html", {"report": report})


def national_pdf(
    report: NationalReport, charts: NationalCharts, *, office: Letterhead, legend: str = ""
) -> bytes:
    """The national report as PDF bytes: cover on the national office's letterhead,
    contents, the national totals with their charts, then a page per county."""
    return render_pdf(
        "pdf/report_national.html", {"report": report, "charts": charts, "office": office, "legend": legend}
    )


def report_filename(
    report: CoordinationReport, extension: str, *, language: str, version: int | None = None
) -> str:
    """raporti-durres-2018-01[-v2]-sq.pdf: the county, the period's first month, the
    finalised version if any, and the document's language (two downloads in two languages
    never overwrite each other)."""
    suffix = f"-v{version}" if version else ""
    return f"raporti-{report.county.slug}-{report.period.start:%Y-%m}{suffix}-{language}.{extension}"
