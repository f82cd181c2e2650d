"""The pages of children in street situations: the period's summary with the list of
interventions, an intervention's form (new or edited), the import and template, and the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases import access as cases_access
from cases import sheets
from cases.choices import DataKind
from cases.forms import StreetInterventionForm
from cases.models import StreetIntervention
from cases.selectors.age_groups import age_groups_for
from cases.selectors.street import intervention_list, intervention_queryset, street_children_summary
from cases.services.street import intervention_save
from cases.views.common import page_context, published_for, suppressed_for
from cases.views.exports import export_mode, export_response, log_export, may_export
from cases.views.imports import upload_page
from krat import spreadsheets as xl
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest, return_path

LIST_PAGE = 50


@require_safe
@login_required
def street(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed = suppressed_for(request, period.county)
    published = published_for(request, period)
    summary = street_children_summary(period.county, period, suppressed=suppressed) if published else None
    entry = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    own = page = institution = None
    if not suppressed or entry:
        # A busy county records hundreds a period: the list comes LIST_PAGE at a time.
        institution = entry[0] if suppressed else None
        page = Paginator(intervention_queryset(period.county, period, institution), LIST_PAGE).get_page(
            request.GET.get("faqja")
        )
        own = list(page.object_list)
    return render(
        request,
        "cases/street_summary.html",
        page_context(
            request,
            period,
            "street",
            summary=summary,
            suppressed=suppressed,
            unpublished=not published,
            exports=may_export(request, period),
            entry=entry,
            interventions=own,
            page=page,
        ),
    )


def _street_form_view(request, period, intervention: StreetIntervention, institutions) -> HttpResponse:
    age_groups = age_groups_for(period.county)
    counts = {(c.sex, c.age_group_id): c.count for c in intervention.counts.all()} if intervention.pk else {}
    form = StreetInterventionForm(
        request.POST or None,
        instance=intervention,
        county=period.county,
        age_groups=age_groups,
        institutions=institutions if len(institutions) > 1 else None,
        counts=counts,
    )
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        if not record.institution_id:
            record.institution = institutions[0]
        try:
            record = intervention_save(
                intervention=record, counts=form.counts(), expected_version=form.cleaned_data.get("version")
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The intervention was saved."))
            # Opened from the representative's report, it goes back there (issue 20.1).
            return redirect(return_path(request, reverse("cases:street", args=[record.period_id])))
    return render(
        request,
        "cases/street_form.html",
        page_context(request, period, "street", form=form, intervention=intervention),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def street_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institutions = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    if not institutions or period.is_closed:
        raise PermissionDenied
    intervention = StreetIntervention(county=period.county, period=period)
    return _street_form_view(request, period, intervention, institutions)


@require_http_methods(["GET", "POST"])
@login_required
def street_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    intervention = cases_access.intervention_for_user(request.user, pk)
    if intervention.period.is_closed and request.method == "POST":
        raise PermissionDenied
    return _street_form_view(request, intervention.period, intervention, [intervention.institution])


@require_http_methods(["GET", "POST"])
@login_required
def street_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institutions = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    if not institutions:
        raise PermissionDenied
    chosen = institutions[0]
    if len(institutions) > 1 and request.POST.get("institution"):
        picked = next((i for i in institutions if str(i.pk) == request.POST["institution"]), None)
        if picked is None:
            raise PermissionDenied
        chosen = picked
    age_groups = age_groups_for(period.county)

    def handle(data: bytes, _stamps: dict) -> int:  # new interventions only: nothing to overwrite
        return sheets.street_import(data, county=period.county, institution=chosen, age_groups=age_groups)

    return upload_page(
        request,
        period,
        handle,
        reverse("cases:street", args=[period.pk]),
        section="street",
        institutions=institutions if len(institutions) > 1 else None,
        template_url=reverse("cases:street_template", args=[period.pk]),
    )


@require_safe
@login_required
def street_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    template = sheets.street_template_for(period.county, age_groups_for(period.county))
    return xl.xlsx_response(xl.template_bytes(template), "femije-model.xlsx")


@require_safe
@login_required
def street_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = export_mode(request, period)
    if institution is not None:
        # A representative's own interventions, exact; never the county's small numbers.
        interventions = intervention_list(period.county, period, institution=institution)
        headers, rows = sheets.interventions_rows(interventions)
        response = export_response(fmt, f"femije-{period.pk}", _("Interventions"), headers, rows)
        log_export(request, period, _("Children in street situations"), False)
        return response
    summary = street_children_summary(period.county, period, suppressed=suppressed)
    headers, rows = sheets.street_export_rows(summary)
    extra = []
    if not suppressed:
        list_headers, list_rows = sheets.interventions_rows(intervention_list(period.county, period))
        extra = [xl.Sheet(title=_("Interventions"), headers=list_headers, rows=list_rows)]
    response = export_response(fmt, f"femije-{period.pk}", _("Children"), headers, rows, extra)
    log_export(request, period, _("Children in street situations"), suppressed)
    return response
