"""Helpers shared by the meetings views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from krat.collation import albanian
from meetings import selectors
from meetings.forms import MeetingFilterForm
from meetings.models import Meeting


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def meeting_filters(request: HttpRequest, county):
    form = MeetingFilterForm(
        request.GET or None,
        years=selectors.meeting_years(county),
        institutions=list(county.institutions.order_by(albanian("name"))),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.MeetingFilters(
            q=data["q"].strip(), year=data["year"], body=data["body"], institution=data["institution"]
        )
    else:
        filters = selectors.MeetingFilters()
    return form, filters


def document_language(request: HttpRequest) -> str:
    """Printed documents are Albanian unless English is asked for with ?lang=en."""
    return "en" if request.GET.get("lang") == "en" else "sq"
