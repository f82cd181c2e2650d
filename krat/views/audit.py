from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from krat import access, audit
from krat.http import AuthenticatedHttpRequest


@require_safe
@login_required
def download_log(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    page = Paginator(audit.download_list(county), 50).get_page(request.GET.get("faqja"))
    return render(request, "krat/download_log.html", {"county": county, "page": page, "entries": list(page)})
