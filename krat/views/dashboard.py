from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from krat import access, selectors
from krat.http import AuthenticatedHttpRequest


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to their county; national readers choose one."""
    counties = access.visible_counties(request.user)
    if request.user.county_id and request.user.county is not None:
        return redirect("krat:dashboard", slug=request.user.county.slug)
    return render(request, "krat/county_list.html", {"counties": selectors.county_list(counties)})


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    board = selectors.dashboard(user=request.user, county=county)
    return render(request, "krat/dashboard.html", {"county": county, "board": board})
