"""The employment pages: the period's summary, an institution's grid (locked by its stamp),
its spreadsheet import and template, and the export."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases import access as cases_access
from cases import sheets
from cases.choices import DataKind
from cases.forms import EmploymentFormSet, GridStampForm
from cases.models import EmploymentFunnel
from cases.selectors.age_groups import age_groups_for
from cases.selectors.employment import employment_summary
from cases.services.employment import employment_save, employment_stamp
from cases.views.common import page_context, summary_page
from cases.views.exports import export_mode, export_response, log_export
from cases.views.imports import upload_page
from krat import spreadsheets as xl
from krat.http import AuthenticatedHttpRequest, return_path
from krat.models.base import field_label


@require_safe
@login_required
def employment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    return summary_page(
        request, period, section="employment", data=DataKind.EMPLOYMENT, read_summary=employment_summary
    )


@require_http_methods(["GET", "POST"])
@login_required
def employment_entry(request: AuthenticatedHttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    entry_for = cases_access.institution_for_entry(request.user, period, institution, DataKind.EMPLOYMENT)
    age_groups = [g for g in age_groups_for(period.county) if g.is_working_age]
    formset = EmploymentFormSet(
        request.POST or None,
        queryset=EmploymentFunnel.objects.filter(period=period, institution=entry_for).select_related(
            "age_group"
        ),
        form_kwargs={"age_groups": age_groups},
    )
    # The grid's lock as the page showed it; a save without it is refused (GridStampForm).
    stamp_form = GridStampForm(
        request.POST or None,
        initial=None
        if request.method == "POST"
        else {"stamp": employment_stamp(period=period, institution=entry_for)},
    )
    errors: Sequence[object] = []  # the messages shown above the grid
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if not stamp_form.is_valid():
            errors = stamp_form.non_field_errors()
        elif formset.is_valid():
            rows = []
            for form in formset.forms:
                if not form.has_changed() and form.instance.pk is None:
                    continue
                # Django's own deletion test (private, so the stubs leave it out).
                if formset.can_delete and formset._should_delete_form(form):  # type: ignore[attr-defined]
                    continue
                rows.append(form.save(commit=False))
            try:
                employment_save(
                    period=period,
                    institution=entry_for,
                    rows=rows,
                    expected_stamp=stamp_form.cleaned_data["stamp"],
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The employment figures were saved."))
                here = reverse("cases:employment_entry", args=[period.pk, entry_for.pk])
                return redirect(return_path(request, here))
    comparison = employment_summary(period.county, period, suppressed=False, institution=entry_for)
    return render(
        request,
        "cases/employment_entry.html",
        page_context(
            request,
            period,
            "employment",
            formset=formset,
            stamp_form=stamp_form,
            institution=entry_for,
            errors=errors,
            comparison=comparison,
            stage_labels=[field_label(EmploymentFunnel, s) for s in EmploymentFunnel.STAGES],
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def employment_import(request: AuthenticatedHttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    entry_for = cases_access.institution_for_entry(request.user, period, institution, DataKind.EMPLOYMENT)
    age_groups = age_groups_for(period.county)

    def handle(data: bytes, stamps: dict[str, int]) -> int:
        return sheets.employment_import(
            data,
            period=period,
            institution=entry_for,
            age_groups=age_groups,
            expected_stamp=stamps["stamp"],
        )

    return upload_page(
        request,
        period,
        handle,
        reverse("cases:employment_entry", args=[period.pk, entry_for.pk]),
        stamps={"stamp": employment_stamp(period=period, institution=entry_for)},
        section="employment",
        institution=entry_for,
        template_url=reverse("cases:employment_template", args=[period.pk]),
    )


@require_safe
@login_required
def employment_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    template = sheets.employment_template_for(age_groups_for(period.county))
    return xl.xlsx_response(xl.template_bytes(template), "punesim-model.xlsx")


@require_safe
@login_required
def employment_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = export_mode(request, period)
    summary = employment_summary(period.county, period, suppressed=suppressed, institution=institution)
    headers, rows = sheets.employment_export_rows(summary)
    response = export_response(fmt, f"punesim-{period.pk}", _("Employment"), headers, rows)
    log_export(request, period, _("Employment"), suppressed)
    return response
