"""Pages of the period data: summaries for readers, grids for reporting institutions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import access as cases_access
from cases import selectors, services, sheets
from cases.choices import DataKind
from cases.forms import (
    CasesSettingsForm,
    EmploymentFormSet,
    StreetInterventionForm,
    UploadForm,
    VictimGridForm,
)
from cases.models import EmploymentFunnel, StreetIntervention
from krat import access
from krat import spreadsheets as xl
from krat.audit import log_download
from krat.forms import add_errors
from krat.periods import current_period
from krat.suppression import LEGEND

LIST_PAGE = 50


def _periods(county):
    # "county" too: the related manager reads it on every row (a query each when deferred).
    return list(county.periods.order_by("-start_date").only("pk", "label", "start_date", "county"))


def _context(request, period, section: str, **extra) -> dict:
    return {
        "county": period.county,
        "period": period,
        "periods": _periods(period.county),
        "section": section,
        "legend": LEGEND,
        **extra,
    }


def _suppressed_for(request, county) -> bool:
    return not selectors.sees_exact(request.user, county)


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    period = current_period(county)
    if period is None:
        return render(request, "cases/no_period.html", {"county": county})
    return redirect("cases:victims", pk=period.pk)


# --- Settings --------------------------------------------------------------------------------------


@login_required
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    settings = services.settings_for(county)
    groups = services.age_groups_for(county)
    form = CasesSettingsForm(
        request.POST or None,
        instance=settings,
        initial={"age_bounds": ", ".join(str(g.min_age) for g in groups)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                settings=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                bounds=form.cleaned_data["age_bounds"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The period data settings were saved."))
            return redirect("cases:settings", slug=county.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/settings.html", {"county": county, "form": form}, status=status)


# --- Victims ---------------------------------------------------------------------------------------


@login_required
def victims(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    summary = selectors.victims_summary(
        period.county, period, suppressed=_suppressed_for(request, period.county)
    )
    return render(
        request,
        "cases/victims_summary.html",
        _context(
            request,
            period,
            "victims",
            summary=summary,
            entry=cases_access.entry_institutions(request.user, period, DataKind.VICTIMS),
            can_manage=access.can_manage_county(request.user, period.county),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def victims_entry(request: HttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institution = cases_access.institution_for_entry(request.user, period, institution, DataKind.VICTIMS)
    age_groups = services.age_groups_for(period.county)
    stored = selectors.victim_grid_values(period=period, institution=institution)
    form = VictimGridForm(request.POST or None, age_groups=age_groups, stored=stored)
    warnings = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if form.is_valid():
            try:
                warnings = services.victim_grid_save(
                    period=period, institution=institution, grids=form.grids, versions=form.versions()
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The victims grid was saved."))
                for warning in warnings:
                    messages.warning(request, warning.message)
                return redirect("cases:victims_entry", pk=period.pk, institution=institution.pk)
    else:
        totals = {status: grid["total"] for status, grid in stored.items()}
        warnings = services.outlier_warnings(period=period, institution=institution, totals=totals)
    comparison = selectors.victims_summary(period.county, period, suppressed=False, institution=institution)
    return render(
        request,
        "cases/victims_entry.html",
        _context(
            request,
            period,
            "victims",
            form=form,
            institution=institution,
            warnings=warnings,
            comparison=comparison,
        ),
        status=400 if request.method == "POST" else 200,
    )


def _upload(request, period, handle, back: str, **extra) -> HttpResponse:
    """The shared import flow: a file in, everything saved or every problem listed."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if form.is_valid():
            try:
                count = handle(form.cleaned_data["file"].read())
            except xl.SpreadsheetError as error:
                problems = error.messages
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request, _("The spreadsheet was imported (%(count)d rows).") % {"count": count}
                )
                return redirect(back)
    return render(
        request,
        "cases/import.html",
        _context(request, period, extra.pop("section"), form=form, problems=problems, back=back, **extra),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def victims_import(request: HttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institution = cases_access.institution_for_entry(request.user, period, institution, DataKind.VICTIMS)
    age_groups = services.age_groups_for(period.county)

    def handle(data: bytes) -> int:
        grids = sheets.victims_import(data, age_groups)
        for warning in services.victim_grid_save(period=period, institution=institution, grids=grids):
            messages.warning(request, warning.message)
        return sum(len(g.cells) + 2 for g in grids.values()) // len(grids)

    return _upload(
        request,
        period,
        handle,
        reverse("cases:victims_entry", args=[period.pk, institution.pk]),
        section="victims",
        institution=institution,
        template_url=reverse("cases:victims_template", args=[period.pk]),
    )


@login_required
def victims_template(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    data = sheets.victims_template(services.age_groups_for(period.county))
    return xl.xlsx_response(data, "viktima-model.xlsx")


def _export_mode(request, county) -> tuple[bool, object]:
    """(suppressed, institution): the secretariat and the chair choose shared (hidden small
    numbers) or internal; a representative exports its own institution's figures exact;
    observers export hidden small numbers."""
    user = request.user
    if selectors.sees_exact(user, county):
        return request.GET.get("shared") == "1", None
    if user.is_representative:
        return False, user.institution
    return True, None


def _export(fmt: str, name: str, sheet_title: str, headers, rows, extra_sheets=()) -> HttpResponse:
    if fmt == "csv":
        return xl.csv_response(headers, rows, f"{name}.csv")
    if fmt == "xlsx":
        book = [xl.Sheet(title=sheet_title, headers=headers, rows=rows), *extra_sheets]
        return xl.xlsx_response(xl.workbook_bytes(book), f"{name}.xlsx")
    raise Http404


def _log_export(request: HttpRequest, period, what: str, suppressed: bool) -> None:
    log_download(
        request,
        county=period.county,
        what=_("%(what)s, %(period)s") % {"what": what, "period": period.label},
        suppressed=suppressed,
    )


@login_required
def victims_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = _export_mode(request, period.county)
    summary = selectors.victims_summary(period.county, period, suppressed=suppressed, institution=institution)
    headers, rows = sheets.victims_export_rows(summary)
    response = _export(fmt, f"viktima-{period.pk}", _("Victims"), headers, rows)
    _log_export(request, period, _("Victims"), suppressed)
    return response


# --- Children in street situations -----------------------------------------------------------------


@login_required
def street(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed = _suppressed_for(request, period.county)
    summary = selectors.street_children_summary(period.county, period, suppressed=suppressed)
    entry = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    own = page = institution = None
    if not suppressed or entry:
        # A busy county records hundreds a period: the list comes LIST_PAGE at a time.
        institution = entry[0] if suppressed else None
        page = Paginator(
            selectors.intervention_queryset(period.county, period, institution), LIST_PAGE
        ).get_page(request.GET.get("faqja"))
        own = page.object_list
    return render(
        request,
        "cases/street_summary.html",
        _context(
            request,
            period,
            "street",
            summary=summary,
            entry=entry,
            interventions=own,
            page=page,
            listed_for=institution,  # the list's institution (None: all), for the kept fragment
        ),
    )


def _street_form_view(request, period, intervention: StreetIntervention, institutions) -> HttpResponse:
    age_groups = services.age_groups_for(period.county)
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
            record = services.intervention_save(
                intervention=record, counts=form.counts(), expected_version=form.cleaned_data.get("version")
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The intervention was saved."))
            return redirect("cases:street", pk=record.period_id)
    return render(
        request,
        "cases/street_form.html",
        _context(request, period, "street", form=form, intervention=intervention),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def street_create(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institutions = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    if not institutions or period.is_closed:
        raise PermissionDenied
    intervention = StreetIntervention(county=period.county, period=period)
    return _street_form_view(request, period, intervention, institutions)


@login_required
@require_http_methods(["GET", "POST"])
def street_edit(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = cases_access.intervention_for_user(request.user, pk)
    if intervention.period.is_closed and request.method == "POST":
        raise PermissionDenied
    return _street_form_view(request, intervention.period, intervention, [intervention.institution])


@login_required
@require_http_methods(["GET", "POST"])
def street_import(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institutions = cases_access.entry_institutions(request.user, period, DataKind.STREET_CHILDREN)
    if not institutions:
        raise PermissionDenied
    chosen = institutions[0]
    if len(institutions) > 1 and request.POST.get("institution"):
        chosen = next((i for i in institutions if str(i.pk) == request.POST["institution"]), None)
        if chosen is None:
            raise PermissionDenied
    age_groups = services.age_groups_for(period.county)

    def handle(data: bytes) -> int:
        return sheets.street_import(data, county=period.county, institution=chosen, age_groups=age_groups)

    return _upload(
        request,
        period,
        handle,
        reverse("cases:street", args=[period.pk]),
        section="street",
        institutions=institutions if len(institutions) > 1 else None,
        template_url=reverse("cases:street_template", args=[period.pk]),
    )


@login_required
def street_template(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    template = sheets.street_template_for(period.county, services.age_groups_for(period.county))
    return xl.xlsx_response(xl.template_bytes(template), "femije-model.xlsx")


@login_required
def street_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = _export_mode(request, period.county)
    if institution is not None:
        # A representative's own interventions, exact; never the county's small numbers.
        interventions = selectors.intervention_list(period.county, period, institution=institution)
        headers, rows = sheets.interventions_rows(interventions)
        response = _export(fmt, f"femije-{period.pk}", _("Interventions"), headers, rows)
        _log_export(request, period, _("Children in street situations"), False)
        return response
    summary = selectors.street_children_summary(period.county, period, suppressed=suppressed)
    headers, rows = sheets.street_export_rows(summary)
    extra = []
    if not suppressed:
        list_headers, list_rows = sheets.interventions_rows(
            selectors.intervention_list(period.county, period)
        )
        extra = [xl.Sheet(title=_("Interventions"), headers=list_headers, rows=list_rows)]
    response = _export(fmt, f"femije-{period.pk}", _("Children"), headers, rows, extra)
    _log_export(request, period, _("Children in street situations"), suppressed)
    return response


# --- Employment -----------------------------------------------------------------------------------


@login_required
def employment(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    summary = selectors.employment_summary(
        period.county, period, suppressed=_suppressed_for(request, period.county)
    )
    return render(
        request,
        "cases/employment_summary.html",
        _context(
            request,
            period,
            "employment",
            summary=summary,
            entry=cases_access.entry_institutions(request.user, period, DataKind.EMPLOYMENT),
        ),
    )


def _stamp(request: HttpRequest) -> int | None:
    """The employment grid's lock as the page sent it (None: an old page, no check)."""
    try:
        return int(request.POST["stamp"])
    except (KeyError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def employment_entry(request: HttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institution = cases_access.institution_for_entry(request.user, period, institution, DataKind.EMPLOYMENT)
    age_groups = [g for g in services.age_groups_for(period.county) if g.is_working_age]
    formset = EmploymentFormSet(
        request.POST or None,
        queryset=EmploymentFunnel.objects.filter(period=period, institution=institution).select_related(
            "age_group"
        ),
        form_kwargs={"age_groups": age_groups},
    )
    errors = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if formset.is_valid():
            rows = []
            for form in formset.forms:
                if not form.has_changed() and form.instance.pk is None:
                    continue
                if formset.can_delete and formset._should_delete_form(form):
                    continue
                rows.append(form.save(commit=False))
            try:
                services.employment_save(
                    period=period, institution=institution, rows=rows, expected_stamp=_stamp(request)
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The employment figures were saved."))
                return redirect("cases:employment_entry", pk=period.pk, institution=institution.pk)
    comparison = selectors.employment_summary(
        period.county, period, suppressed=False, institution=institution
    )
    return render(
        request,
        "cases/employment_entry.html",
        _context(
            request,
            period,
            "employment",
            formset=formset,
            stamp=_stamp(request)
            if request.method == "POST"
            else services.employment_stamp(period=period, institution=institution),
            institution=institution,
            errors=errors,
            comparison=comparison,
            stage_labels=[EmploymentFunnel._meta.get_field(s).verbose_name for s in EmploymentFunnel.STAGES],
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def employment_import(request: HttpRequest, pk: int, institution: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    institution = cases_access.institution_for_entry(request.user, period, institution, DataKind.EMPLOYMENT)
    age_groups = services.age_groups_for(period.county)

    def handle(data: bytes) -> int:
        return sheets.employment_import(data, period=period, institution=institution, age_groups=age_groups)

    return _upload(
        request,
        period,
        handle,
        reverse("cases:employment_entry", args=[period.pk, institution.pk]),
        section="employment",
        institution=institution,
        template_url=reverse("cases:employment_template", args=[period.pk]),
    )


@login_required
def employment_template(request: HttpRequest, pk: int) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    template = sheets.employment_template_for(services.age_groups_for(period.county))
    return xl.xlsx_response(xl.template_bytes(template), "punesim-model.xlsx")


@login_required
def employment_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    period = cases_access.period_for_user(request.user, pk)
    suppressed, institution = _export_mode(request, period.county)
    summary = selectors.employment_summary(
        period.county, period, suppressed=suppressed, institution=institution
    )
    headers, rows = sheets.employment_export_rows(summary)
    response = _export(fmt, f"punesim-{period.pk}", _("Employment"), headers, rows)
    _log_export(request, period, _("Employment"), suppressed)
    return response
