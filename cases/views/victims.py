"""The victims pages: the period's summary, an institution's grid with its outlier warnings,
its spreadsheet import and template, and the export."""

from __future__ import annotations

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
from cases.choices import DataKind, VictimStatus
from cases.forms import VictimGridForm
from cases.selectors.age_groups import age_groups_for
from cases.selectors.grids import victim_grid_values, victim_grid_versions
from cases.selectors.victims import victims_summary
from cases.services.victims import outlier_warnings, victim_grid_save
from cases.views.common import page_context, summary_page
from cases.views.exports import export_mode, export_response, log_export
from cases.views.imports import upload_page
from krat import access
from krat import spreadsheets as xl
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest, return_path


@require_safe
@login_required
def victims(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    return summary_page(
        request,
        period,
        section="victims",
        data=DataKind.VICTIMS,
        read_summary=victims_summary,
        can_manage=access.can_manage_county(request.user, period.county),
    )


@require_http_methods(["GET", "POST"])
@login_required
def victims_entry(request: AuthenticatedHttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    entry_for = cases_access.institution_for_entry(request.user, period, institution, DataKind.VICTIMS)
    age_groups = age_groups_for(period.county)
    stored = victim_grid_values(period=period, institution=entry_for)
    form = VictimGridForm(request.POST or None, age_groups=age_groups, stored=stored)
    warnings = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if form.is_valid():
            try:
                warnings = victim_grid_save(
                    period=period, institution=entry_for, grids=form.grids, versions=form.versions()
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The victims grid was saved."))
                for warning in warnings:
                    messages.warning(request, warning.message)
                here = reverse("cases:victims_entry", args=[period.pk, entry_for.pk])
                return redirect(return_path(request, here))
    else:
        totals = {status: grid.total for status, grid in stored.items()}
        warnings = outlier_warnings(period=period, institution=entry_for, totals=totals)
    comparison = victims_summary(period.county, period, suppressed=False, institution=entry_for)
    return render(
        request,
        "cases/victims_entry.html",
        page_context(
            request,
            period,
            "victims",
            form=form,
            institution=entry_for,
            warnings=warnings,
            comparison=comparison,
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def victims_import(request: AuthenticatedHttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    entry_for = cases_access.institution_for_entry(request.user, period, institution, DataKind.VICTIMS)
    age_groups = age_groups_for(period.county)

    def handle(data: bytes, stamps: dict[str, int]) -> int:
        grids = sheets.victims_import(data, age_groups)
        versions = {status: stamps[f"{status}-version"] for status in VictimStatus.values}
        for warning in victim_grid_save(period=period, institution=entry_for, grids=grids, versions=versions):
            messages.warning(request, warning.message)
        return sum(len(g.cells) + 2 for g in grids.values()) // len(grids)

    return upload_page(
        request,
        period,
        handle,
        reverse("cases:victims_entry", args=[period.pk, entry_for.pk]),
        stamps={
            f"{status}-version": version
            for status, version in victim_grid_versions(period=period, institution=entry_for).items()
        },
        section="victims",
        institution=entry_for,
        template_url=reverse("cases:victims_template", args=[period.pk]),
    )


@require_safe
@login_required
def victims_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    data = sheets.victims_template(age_groups_for(period.county))
    return xl.xlsx_response(data, "viktima-model.xlsx")


@require_safe
@login_required
def victims_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = export_mode(request, period)
    summary = victims_summary(period.county, period, suppressed=suppressed, institution=institution)
    headers, rows = sheets.victims_export_rows(summary)
    response = export_response(fmt, f"viktima-{period.pk}", _("Victims"), headers, rows)
    log_export(request, period, _("Victims"), suppressed)
    return response
