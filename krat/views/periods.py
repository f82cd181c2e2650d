from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from krat import access, selectors, services
from krat.forms import ReportingPeriodForm
from krat.http import AuthenticatedHttpRequest
from krat.models import ReportingPeriod
from krat.views.common import record_form_view


def _success_url(period: ReportingPeriod) -> str:
    return reverse("krat:period_list", args=[period.county.slug])


def _save_period(period, form):
    return services.period_save(period=period, expected_version=form.cleaned_data["version"])


@require_safe
@login_required
def period_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    return render(
        request,
        "krat/period_list.html",
        {
            "county": county,
            "periods": selectors.period_list(county),
            "can_manage": access.can_manage_county(request.user, county),
            "can_read_history": access.can_read_history(request.user, county),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def period_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    return record_form_view(
        request,
        form=ReportingPeriodForm(request.POST or None, county=county),
        save=_save_period,
        template="krat/period_form.html",
        success_message=_("The reporting period was saved."),
        success_url=_success_url,
        context={"county": county},
    )


@require_http_methods(["GET", "POST"])
@login_required
def period_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(ReportingPeriod.objects.select_related("county"), pk=pk)
    access.require_readable(request.user, period.county)
    access.require(access.can_manage_county(request.user, period.county))
    return record_form_view(
        request,
        form=ReportingPeriodForm(request.POST or None, instance=period, county=period.county),
        save=_save_period,
        template="krat/period_form.html",
        success_message=_("The reporting period was saved."),
        success_url=_success_url,
        context={"county": period.county, "period": period},
    )
