"""What every export shares: who gets exact figures or hidden small numbers, the CSV or
Excel response, and the download log entry."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from krat import access
from krat import spreadsheets as xl
from krat.audit import log_download
from krat.http import AuthenticatedHttpRequest
from krat.models import Institution, ReportingPeriod
from krat.suppression import UNPUBLISHED_NOTE


def export_mode(
    request: AuthenticatedHttpRequest, period: ReportingPeriod
) -> tuple[bool, Institution | None]:
    """(suppressed, institution): the secretariat and the chair choose shared (hidden small
    numbers) or internal; a representative exports its own institution's figures exact;
    observers export hidden small numbers — of a published period only (404 before:
    `krat.access.figures_published`)."""
    user = request.user
    county = period.county
    if access.sees_exact_figures(user, county):
        return request.GET.get("shared") == "1", None
    own = user.institution if user.is_representative else None
    if own is not None and access.sees_exact_figures(user, county, own):
        return False, own
    if not access.figures_published(user, period):
        raise Http404(UNPUBLISHED_NOTE)
    return True, None


def may_export(request: AuthenticatedHttpRequest, period: ReportingPeriod) -> bool:
    """Whether the page offers the export links (`export_mode` gives the reader something)."""
    try:
        export_mode(request, period)
    except Http404:
        return False
    return True


def export_response(fmt: str, name: str, sheet_title: str, headers, rows, extra_sheets=()) -> HttpResponse:
    if fmt == "csv":
        return xl.csv_response(headers, rows, f"{name}.csv")
    if fmt == "xlsx":
        book = [xl.Sheet(title=sheet_title, headers=headers, rows=rows), *extra_sheets]
        return xl.xlsx_response(xl.workbook_bytes(book), f"{name}.xlsx")
    raise Http404


def log_export(request: AuthenticatedHttpRequest, period, what: str, suppressed: bool) -> None:
    log_download(
        request,
        county=period.county,
        period=period,
        what=_("%(what)s, %(period)s") % {"what": what, "period": period.label},
        suppressed=suppressed,
    )
