"""The report as a PDF (WeasyPrint through `krat.pdf`) and as a file name."""

from __future__ import annotations

from krat.pdf import render_pdf


def report_pdf(report: dict) -> bytes:
    """The county period report as PDF bytes; render inside `translation.override`."""
    return render_pdf("pdf/report.html", {"report": report})


def national_pdf(report: dict) -> bytes:
    return render_pdf("pdf/report_national.html", {"report": report})


def report_filename(report: dict, extension: str, *, version: int | None = None) -> str:
    start = report["period"]["start"]
    suffix = f"-v{version}" if version else ""
    return f"raporti-{report['county']['slug']}-{start:%Y-%m}{suffix}.{extension}"
