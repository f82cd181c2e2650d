from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from krat import access, selectors
from krat.choices import Role
from krat.http import AuthenticatedHttpRequest
from krat.report import national
from krat.submissions.selectors import report_in_hand, report_url


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person where their work is: a representative to the report they are
    working on (issue 20.1), the others to their county; national readers see all twelve
    counties in the current period at a glance (`krat.report.national`), each opening its
    dashboard."""
    counties = access.visible_counties(request.user)
    if request.user.role == Role.REPRESENTATIVE:
        in_hand = report_in_hand(user=request.user)
        if in_hand is not None:
            return redirect(report_url(in_hand))
    if request.user.county_id and request.user.county is not None:
        return redirect("krat:dashboard", slug=request.user.county.slug)
    start = national.current_start() if access.is_national(request.user) else None
    if start is None:
        return render(request, "krat/county_list.html", {"counties": selectors.county_list(counties)})
    report = national.national_report(start)
    context = national.page_context(report, shaded=request.GET.get("harta"), full=False)
    return render(request, "krat/national_home.html", context)


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    board = selectors.dashboard(user=request.user, county=county)
    return render(request, "krat/dashboard.html", {"county": county, "board": board})
