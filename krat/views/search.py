"""The navigation's search box: what the reader may open, grouped by kind (krat/search.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from krat import access
from krat.http import AuthenticatedHttpRequest
from krat.search import MAX_QUERY_LENGTH, registered_kinds, site_search

SHOWN_PER_KIND = 10
SHOWN_OF_ONE_KIND = 100


@require_safe
@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    only = request.GET.get("lloji", "")
    if only not in {kind.key for kind in registered_kinds()}:
        only = ""
    results = site_search(request.user, text, only=only, limit=SHOWN_OF_ONE_KIND if only else SHOWN_PER_KIND)
    return render(
        request,
        "krat/search.html",
        {
            "results": results,
            "only": only,
            "max_length": MAX_QUERY_LENGTH,
            "show_county": access.is_national(request.user),
        },
    )
