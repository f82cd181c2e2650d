"""The plan's structure: plans, pillars, objectives, activities; import and export."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actionplan import selectors, services, spreadsheet
from actionplan.access import activity_for_user, plan_for_user, records_progress_for
from actionplan.forms import ActivityForm, ObjectiveForm, PillarForm, PlanForm, PlanImportForm
from actionplan.models import ActionPlan, Objective, Pillar
from krat import access
from krat import spreadsheets as xl
from krat.audit import log_download
from krat.http import AuthenticatedHttpRequest
from krat.views.common import record_form_view


def _plan_url(plan: ActionPlan) -> str:
    return reverse("actionplan:plan_detail", args=[plan.pk])


def selected_period(request: HttpRequest, plan: ActionPlan, periods: list):
    """The period asked for in `?periudha=`, else the one containing today."""
    wanted = request.GET.get("periudha", "")
    for period in periods:
        if str(period.pk) == wanted:
            return period
    return selectors.default_period(plan, periods, timezone.localdate())


@require_safe
@login_required
def plan_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    return render(
        request,
        "actionplan/plan_list.html",
        {
            "county": county,
            "plans": selectors.plan_list(county),
            "can_manage": access.can_manage_county(request.user, county),
        },
    )


def _save_plan(plan, form):
    return services.plan_save(plan=plan, expected_version=form.cleaned_data["version"])


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    year = timezone.localdate().year
    return record_form_view(
        request,
        form=PlanForm(
            request.POST or None,
            county=county,
            initial={"year": year, "title": _("KRAT action plan %(year)s") % {"year": year}},
        ),
        save=_save_plan,
        template="actionplan/plan_form.html",
        success_message=_("The action plan was saved."),
        success_url=_plan_url,
        context={"county": county},
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=PlanForm(request.POST or None, instance=plan, county=plan.county),
        save=_save_plan,
        template="actionplan/plan_form.html",
        success_message=_("The action plan was saved."),
        success_url=_plan_url,
        context={"county": plan.county, "plan": plan},
    )


@require_safe
@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    periods = selectors.plan_periods(plan)
    period = selected_period(request, plan, periods)
    user = request.user
    rows = [
        replace(
            row,
            can_record=bool(
                period
                and period.is_open
                and records_progress_for(user, county=plan.county, lead_id=row.lead_id)
            ),
        )
        for row in selectors.plan_rows(plan, period=period, today=timezone.localdate())
    ]
    return render(
        request,
        "actionplan/plan_detail.html",
        {
            "county": plan.county,
            "plan": plan,
            "sections": selectors.plan_outline(plan, rows),
            "activity_count": len(rows),
            "periods": periods,
            "period": period,
            "can_manage": access.can_manage_county(user, plan.county),
            "can_read_history": access.can_read_history(user, plan.county),
        },
    )


@require_safe
@login_required
def plan_overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    periods = selectors.plan_periods(plan)
    period = selected_period(request, plan, periods)
    return render(
        request,
        "actionplan/plan_overview.html",
        {
            "county": plan.county,
            "plan": plan,
            "periods": periods,
            "period": period,
            "overview": selectors.plan_overview(plan, period),
        },
    )


# --- Pillars and objectives --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def pillar_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk, manage=True)
    form = PillarForm(request.POST or None, instance=Pillar(plan=plan, position=plan.pillars.count() + 1))
    return record_form_view(
        request,
        form=form,
        save=lambda pillar, form: services.pillar_save(
            pillar=pillar, expected_version=form.cleaned_data["version"]
        ),
        template="actionplan/simple_form.html",
        success_message=_("The pillar was saved."),
        success_url=lambda pillar: _plan_url(plan),
        context={"county": plan.county, "plan": plan, "heading": _("New pillar")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def pillar_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("plan__county"), pk=pk)
    plan = plan_for_user(request.user, pillar.plan_id, manage=True)
    return record_form_view(
        request,
        form=PillarForm(request.POST or None, instance=pillar),
        save=lambda pillar, form: services.pillar_save(
            pillar=pillar, expected_version=form.cleaned_data["version"]
        ),
        template="actionplan/simple_form.html",
        success_message=_("The pillar was saved."),
        success_url=lambda pillar: _plan_url(plan),
        context={"county": plan.county, "plan": plan, "heading": pillar.name},
    )


@require_http_methods(["GET", "POST"])
@login_required
def objective_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=ObjectiveForm(request.POST or None, plan=plan, initial={"pillar": request.GET.get("shtylla")}),
        save=lambda objective, form: services.objective_save(
            objective=objective, expected_version=form.cleaned_data["version"]
        ),
        template="actionplan/simple_form.html",
        success_message=_("The objective was saved."),
        success_url=lambda objective: _plan_url(plan),
        context={"county": plan.county, "plan": plan, "heading": _("New objective")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def objective_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("pillar"), pk=pk)
    plan = plan_for_user(request.user, objective.pillar.plan_id, manage=True)
    return record_form_view(
        request,
        form=ObjectiveForm(request.POST or None, instance=objective, plan=plan),
        save=lambda objective, form: services.objective_save(
            objective=objective, expected_version=form.cleaned_data["version"]
        ),
        template="actionplan/simple_form.html",
        success_message=_("The objective was saved."),
        success_url=lambda objective: _plan_url(plan),
        context={"county": plan.county, "plan": plan, "heading": objective.name},
    )


# --- Activities --------------------------------------------------------------------------


def _save_activity(activity, form):
    return services.activity_save(activity=activity, expected_version=form.cleaned_data["version"])


@require_http_methods(["GET", "POST"])
@login_required
def activity_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=ActivityForm(
            request.POST or None, plan=plan, initial={"objective": request.GET.get("objektivi")}
        ),
        save=_save_activity,
        template="actionplan/activity_form.html",
        success_message=_("The activity was saved."),
        success_url=lambda activity: reverse("actionplan:activity_detail", args=[activity.pk]),
        context={"county": plan.county, "plan": plan},
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk, manage=True)
    plan = activity.plan
    return record_form_view(
        request,
        form=ActivityForm(request.POST or None, instance=activity, plan=plan),
        save=_save_activity,
        template="actionplan/activity_form.html",
        success_message=_("The activity was saved."),
        success_url=lambda activity: reverse("actionplan:activity_detail", args=[activity.pk]),
        context={"county": plan.county, "plan": plan, "activity": activity},
    )


# --- Spreadsheets ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a filled template: all rows are saved, or none and every problem is listed."""
    plan = plan_for_user(request.user, pk, manage=True)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > xl.MAX_UPLOAD_BYTES:
            problems = [_("The file is larger than %(limit)d MB.") % {"limit": xl.MAX_UPLOAD_BYTES // 2**20}]
        else:
            try:
                count = spreadsheet.plan_import(plan=plan, data=upload.read())
            except xl.SpreadsheetError as error:
                problems = error.messages
            else:
                messages.success(request, _("%(count)d activities were imported.") % {"count": count})
                return redirect(_plan_url(plan))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "actionplan/plan_import.html",
        {"county": plan.county, "plan": plan, "form": form, "problems": problems},
        status=status,
    )


@require_safe
@login_required
def plan_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk, manage=True)
    return xl.xlsx_response(spreadsheet.template_file(plan), f"plani-shabllon-{plan.year}.xlsx")


@require_safe
@login_required
def plan_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    content = spreadsheet.plan_export(plan)
    log_download(request, county=plan.county, what=_("Action plan %(year)s") % {"year": plan.year})
    return xl.xlsx_response(content, f"plani-{plan.county.slug}-{plan.year}.xlsx")
