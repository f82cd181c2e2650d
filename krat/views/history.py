from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from krat import access, history
from krat.http import AuthenticatedHttpRequest


@require_safe
@login_required
def record_history(request: AuthenticatedHttpRequest, label: str, pk: int) -> HttpResponse:
    entry = history.registered(label)
    if entry is None:
        raise Http404
    model, county_of = entry
    record = get_object_or_404(model, pk=pk)
    county = county_of(record)
    if county is None:
        raise Http404
    access.require_readable(request.user, county)
    access.require(access.can_read_history(request.user, county))
    return render(
        request,
        "krat/record_history.html",
        {
            "county": county,
            "record": record,
            "model_name": model._meta.verbose_name,
            "entries": history.record_history(record),
        },
    )
