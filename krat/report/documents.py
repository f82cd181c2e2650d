"""The report as a PDF (WeasyPrint through `krat.pdf`) and as a file name."""

from __future__ import annotations

from krat.pdf import render_pdf


def report_pdf(report: dict) -> bytes:
    """The county period report as PDF bytes; render inside `translation.override`."""
    return render_pdf("pdf/report.html", {"report": report})


def national_pdf(report: dict) -> bytes:
    return render_pdf("pdf/report_national.html", {"report": report})


def report_filename(report: dict, extension: str, *, language: str, version: int | None = None) -> str:
    """raporti-durres-2018-01[-v2]-sq.pdf: the county, the period's first month, the
    finalised version if any, and the document's language (two downloads in two languages
    never overwrite each other)."""
    start = report["period"]["start"]
    suffix = f"-v{version}" if version else ""
    return f"raporti-{report['county']['slug']}-{start:%Y-%m}{suffix}-{language}.{extension}"
