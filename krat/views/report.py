"""The period coordination report: preview, PDF, workbook, summary, finalisation, national view."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat import access
from krat.audit import Carried, log_download, log_downloads
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest
from krat.models import FinalReport, PeriodReport, ReportingPeriod
from krat.pdf import pdf_response
from krat.report import documents, national, selectors, services
from krat.report.forms import FinaliseForm, SummaryForm
from krat.report.national import NationalReport
from krat.report.workbook import national_workbook, report_workbook
from krat.spreadsheets import xlsx_response
from krat.suppression import LEGEND

LANGUAGES = ("sq", "en")


def period_for_report(user, pk: int, *, finalise: bool = False) -> ReportingPeriod:
    """The period whose report `user` asked for: 404 for another county, 403 for a
    representative (and for anyone but the chair when finalising)."""
    # With its saved summary: the report shows it (one query less).
    period = get_object_or_404(ReportingPeriod.objects.select_related("county", "coordination_report"), pk=pk)
    access.require_readable(user, period.county)
    access.require(access.can_read_whole_county(user, period.county))
    if finalise:
        access.require(access.can_chair(user, period.county))
    return period


def final_report_for_user(user, pk: int) -> FinalReport:
    """The finalised version `user` asked for: 404 for another county's, 403 for a
    representative, and 404 for the table's version (exact figures) to a reader outside
    the table — it is not listed to them either (`access.can_read_final_report`)."""
    final = get_object_or_404(FinalReport.objects.select_related("period__county"), pk=pk)
    county = final.period.county
    access.require_readable(user, county)
    access.require(access.can_read_whole_county(user, county))
    if not access.can_read_final_report(user, final):
        raise Http404
    return final


def _shared(request: AuthenticatedHttpRequest, period: ReportingPeriod) -> bool:
    """`?ndarje=1` for sharing, `0` for the table; the county's setting otherwise.
    Whoever does not see exact figures (observers) always gets the shared version."""
    if not access.sees_exact_figures(request.user, period.county):
        return True
    asked = request.GET.get("ndarje")
    if asked in ("0", "1"):
        return asked == "1"
    return period.county.suppress_in_printed_report


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGES else "sq"


@require_safe
@login_required
def report_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = period_for_report(request.user, pk)
    county = period.county
    exact = access.sees_exact_figures(request.user, county)
    shared = _shared(request, period)
    document = render_to_string(
        "krat/report_document.html",
        {
            "report": selectors.period_report(
                county,
                period,
                shared=shared,
                published=access.figures_published(request.user, period),
                kept=True,
            )
        },
    )
    return render(
        request,
        "krat/report_preview.html",
        {
            "county": county,
            "period": period,
            "document": document,
            "shared": shared,
            "sees_exact": exact,
            "can_edit_summary": access.can_manage_county(request.user, county),
            "can_finalise": access.can_chair(request.user, county),
            "finals": selectors.final_versions(period, exact=exact),
            "finalise_form": FinaliseForm(initial={"shared": shared}, period_closed=period.is_closed),
        },
    )


@require_safe
@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = period_for_report(request.user, pk)
    shared = _shared(request, period)
    with translation.override(_language(request)):
        report = selectors.period_report(
            period.county, period, shared=shared, published=access.figures_published(request.user, period)
        )
        pdf = documents.report_pdf(report)
        log_download(
            request, county=period.county, period=period, what=_("Period report (PDF)"), suppressed=shared
        )
    return pdf_response(pdf, documents.report_filename(report, "pdf", language=_language(request)))


@require_safe
@login_required
def report_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = period_for_report(request.user, pk)
    shared = _shared(request, period)
    with translation.override(_language(request)):
        report = selectors.period_report(
            period.county, period, shared=shared, published=access.figures_published(request.user, period)
        )
        content = report_workbook(report)
        log_download(
            request, county=period.county, period=period, what=_("Period report (XLSX)"), suppressed=shared
        )
    return xlsx_response(content, documents.report_filename(report, "xlsx", language=_language(request)))


@require_http_methods(["GET", "POST"])
@login_required
def report_summary_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = period_for_report(request.user, pk)
    access.require(access.can_manage_county(request.user, period.county))
    stored = PeriodReport.objects.filter(period=period).first()
    form = SummaryForm(request.POST or None, instance=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_summary_save(
                period=period,
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The summary was saved."))
            return redirect("krat:report_preview", pk=period.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "krat/report_summary_form.html",
        {"county": period.county, "period": period, "form": form},
        status=status,
    )


@require_POST
@login_required
def report_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = period_for_report(request.user, pk, finalise=True)
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report was not finalised: check the form."))
        return redirect("krat:report_preview", pk=period.pk)
    try:  # before the PDF is built: a refusal should not cost seconds
        services.final_report_check(
            period=period, reason=form.cleaned_data["reason"], shared=form.cleaned_data["shared"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("krat:report_preview", pk=period.pk)
    shared = form.cleaned_data["shared"]
    language = form.cleaned_data["language"] or "sq"
    if not form.cleaned_data["confirmed"]:
        # Nothing is stored before the chair has read what the report lacks (issue 20.5).
        return render(
            request,
            "krat/report_finalise_confirm.html",
            {
                "county": period.county,
                "period": period,
                "gaps": selectors.finalise_gaps(period),
                "shared": shared,
                "language": language,
                "reason": form.cleaned_data["reason"],
            },
        )
    with translation.override(language):
        report = selectors.period_report(period.county, period, shared=shared)
        pdf = documents.report_pdf(report)
    try:
        final = services.final_report_create(
            period=period,
            user=request.user,
            pdf=pdf,
            shared=shared,
            language=language,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Version %(number)d of the report was finalised.") % {"number": final.number}
        )
    return redirect("krat:report_preview", pk=period.pk)


@require_safe
@login_required
def final_report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    final = final_report_for_user(request.user, pk)
    period = final.period
    data = bytes(final.pdf)
    if FinalReport.checksum(data) != final.sha256:
        return HttpResponseServerError(
            _("The stored report no longer matches its checksum; it was not sent. Tell the administrator.")
        )
    log_download(
        request,
        county=period.county,
        period=period,
        what=_("Finalised period report, version %(number)d") % {"number": final.number},
        suppressed=final.shared,
    )
    start = period.start_date
    return pdf_response(
        data, f"raporti-{period.county.slug}-{start:%Y-%m}-v{final.number}-{final.language}.pdf"
    )


# --- National -------------------------------------------------------------------------------------


def _require_national(user) -> None:
    if not access.is_national(user):
        raise PermissionDenied


def _log_national(request: AuthenticatedHttpRequest, report: NationalReport, what: str) -> None:
    """The national report carries each county's figures of its period (small numbers
    hidden): a row in each county's download log."""
    log_downloads(
        request,
        what=what,
        carried=[
            Carried(county_id=r.county_pk, period_id=r.period_pk, suppressed=True)
            for r in report.rows
            # A county listed as "not reported" or "not yet published" carries no case figure.
            if r.period_pk is not None and r.published
        ],
    )


def _national_report(request: HttpRequest, start: str) -> NationalReport:
    """How every national view opens: a national reader only, a real date, and some county
    with a period starting on that day (else 404), built in the active language."""
    _require_national(request.user)
    try:
        day = datetime.date.fromisoformat(start)
    except ValueError:
        raise Http404 from None
    report = national.national_report(day)
    if not report.has_data:
        raise Http404
    return report


@require_safe
@login_required
def national_report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_national(request.user)
    return render(request, "krat/report_national_list.html", {"periods": national.national_periods()})


@require_safe
@login_required
def national_report(request: AuthenticatedHttpRequest, start: str) -> HttpResponse:
    report = _national_report(request, start)
    context = national.page_context(report, shaded=request.GET.get("harta"), full=True)
    return render(request, "krat/report_national.html", context)


@require_safe
@login_required
def national_report_pdf(request: AuthenticatedHttpRequest, start: str) -> HttpResponse:
    with translation.override(_language(request)):
        report = _national_report(request, start)
        charts = national.national_charts(report, shaded=request.GET.get("harta"), width=300)
        pdf = documents.national_pdf(report, charts, office=national.national_office(), legend=str(LEGEND))
        _log_national(request, report, _("National report (PDF)"))
    return pdf_response(pdf, f"raporti-kombetar-{start}-{_language(request)}.pdf")


@require_safe
@login_required
def national_report_xlsx(request: AuthenticatedHttpRequest, start: str) -> HttpResponse:
    with translation.override(_language(request)):
        report = _national_report(request, start)
        content = national_workbook(report)
        _log_national(request, report, _("National report (XLSX)"))
    return xlsx_response(content, f"raporti-kombetar-{start}-{_language(request)}.xlsx")


def preview_url(period: ReportingPeriod) -> str:
    return reverse("krat:report_preview", args=[period.pk])
