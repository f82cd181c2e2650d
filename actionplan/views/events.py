"""The awareness calendar: month view, filterable list, event pages and the public feed."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actionplan import feeds, selectors, services
from actionplan.access import can_create_event, can_edit_event, event_for_user, event_organiser_for
from actionplan.forms import EventFilter, EventForm
from krat import access
from krat.http import AuthenticatedHttpRequest
from krat.models import County
from krat.views.common import record_form_view

LIST_PAGE = 50


def _month_asked(request: HttpRequest) -> datetime.date:
    """`?muaji=2026-06` (or 06.2026), else the current month."""
    value = request.GET.get("muaji", "")
    for fmt in ("%Y-%m", "%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date().replace(day=1)
        except ValueError:
            continue
    return timezone.localdate().replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@require_safe
@login_required
def event_month(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    month = _month_asked(request)
    weeks = selectors.month_grid(county, year=month.year, month=month.month)
    return render(
        request,
        "actionplan/event_month.html",
        {
            "county": county,
            "month": month,
            "weeks": weeks,
            # A phone shows the month as a list of its days with events (or says it has none).
            "has_events": any(day.events for week in weeks for day in week if day.in_month),
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "today": timezone.localdate(),
            "can_create": can_create_event(request.user, county),
        },
    )


@require_safe
@login_required
def event_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    filters = EventFilter(request.GET or None, queryset=selectors.event_queryset(county), county=county)
    # Years of a busy calendar hold hundreds of events: LIST_PAGE a page, filters kept.
    page = Paginator(filters.qs, LIST_PAGE).get_page(request.GET.get("faqja"))
    return render(
        request,
        "actionplan/event_list.html",
        {
            "county": county,
            "filter": filters,
            "events": list(page.object_list),
            "page": page,
            "can_create": can_create_event(request.user, county),
        },
    )


def _save_event(event, form):
    return services.event_save(event=event, expected_version=form.cleaned_data["version"])


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    access.require(can_create_event(request.user, county))
    organiser = event_organiser_for(request.user, county)
    initial = {"date": request.GET.get("data")} if request.GET.get("data") else None
    return record_form_view(
        request,
        form=EventForm(request.POST or None, county=county, organiser=organiser, initial=initial),
        save=_save_event,
        template="actionplan/event_form.html",
        success_message=_("The event was saved."),
        success_url=lambda event: reverse("actionplan:event_detail", args=[event.pk]),
        context={"county": county, "organiser": organiser},
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = event_for_user(request.user, pk, edit=True)
    organiser = event.organiser if not access.can_manage_county(request.user, event.county) else None
    return record_form_view(
        request,
        form=EventForm(request.POST or None, instance=event, county=event.county, organiser=organiser),
        save=_save_event,
        template="actionplan/event_form.html",
        success_message=_("The event was saved."),
        success_url=lambda event: reverse("actionplan:event_detail", args=[event.pk]),
        context={"county": event.county, "event": event, "organiser": organiser},
    )


@require_safe
@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = event_for_user(request.user, pk)
    return render(
        request,
        "actionplan/event_detail.html",
        {
            "county": event.county,
            "event": event,
            "partners": list(event.partners.all()),
            "target_groups": list(event.target_groups.all()),
            "can_edit": can_edit_event(request.user, event),
            "can_read_history": access.can_read_history(request.user, event.county),
        },
    )


@require_safe
def event_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The public calendar of a county, for Outlook and phones to subscribe to (no login)."""
    county = get_object_or_404(County, slug=slug)
    response = HttpResponse(
        feeds.calendar_bytes(county, selectors.public_events(county)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="kalendari-{county.slug}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response
