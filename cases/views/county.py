"""The county's own pages of the period data: its home, which opens the current period, and
its settings (which kinds of institution report what, and the age groups)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases.forms import CasesSettingsForm
from cases.selectors.age_groups import age_groups_for
from cases.selectors.audit import audit_period
from cases.selectors.reporting import settings_for
from cases.services.settings import settings_save
from krat import access
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest
from krat.periods import current_period


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    period = current_period(county)
    if period is None:
        return render(request, "cases/no_period.html", {"county": county})
    return redirect("cases:victims", pk=period.pk)


@require_http_methods(["GET", "POST"])
@login_required
def settings_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    settings = settings_for(county)
    groups = age_groups_for(county)
    form = CasesSettingsForm(
        request.POST or None,
        instance=settings,
        initial={"age_bounds": ", ".join(str(g.min_age) for g in groups)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            settings_save(
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
    period = current_period(county)
    # What an observer and the receiver of the report for sharing can work out (issue 15).
    audits = [audit_period(county, period, reader) for reader in ("observer", "sharing")] if period else []
    return render(
        request,
        "cases/settings.html",
        {"county": county, "form": form, "period": period, "audits": audits},
        status=status,
    )
