"""What the navigation's search finds in the meetings app (`krat.search`): meetings, agenda
items, decisions and documents of the counties the reader may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from krat import access
from krat.search import SearchField, SearchHit, SearchKind, register_kind
from meetings.models import AgendaItem, Attachment, Decision, Meeting


def _meeting_url(meeting: Meeting, section: str = "") -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}#{section}" if section else url


def _on(meeting: Meeting) -> dict:
    return {
        "context": meeting.title,
        "date": timezone.localdate(meeting.starts_at),
        "county": meeting.county.name,
    }


def _meeting_hit(meeting: Meeting) -> SearchHit:
    return SearchHit(
        title=meeting.title,
        url=_meeting_url(meeting),
        context=meeting.get_body_display(),
        date=timezone.localdate(meeting.starts_at),
        county=meeting.county.name,
    )


def _agenda_hit(item: AgendaItem) -> SearchHit:
    return SearchHit(title=item.title, url=_meeting_url(item.meeting, "agenda-heading"), **_on(item.meeting))


def _decision_hit(decision: Decision) -> SearchHit:
    return SearchHit(
        title=Truncator(decision.text).chars(120),
        url=_meeting_url(decision.meeting, "decisions-heading"),
        **_on(decision.meeting),
    )


def _document_hit(attachment: Attachment) -> SearchHit:
    return SearchHit(
        title=attachment.title,
        url=_meeting_url(attachment.meeting, "documents-heading"),
        **_on(attachment.meeting),
    )


def register() -> None:
    register_kind(
        SearchKind(
            key="meetings.meeting",
            title=_("Meetings"),
            readable=lambda user: Meeting.objects.filter(county__in=access.visible_counties(user)),
            fields=(
                SearchField("title", 3),
                SearchField("place"),
                SearchField("introduction"),
                SearchField("chair_remarks"),
            ),
            hit=_meeting_hit,
            order=("-starts_at", "-pk"),
            select_related=("county",),
        )
    )
    register_kind(
        SearchKind(
            key="meetings.agenda",
            title=_("Agenda items"),
            readable=lambda user: AgendaItem.objects.filter(
                meeting__county__in=access.visible_counties(user)
            ),
            fields=(SearchField("title", 2), SearchField("discussion")),
            hit=_agenda_hit,
            order=("-meeting__starts_at", "position", "pk"),
            select_related=("meeting__county",),
        )
    )
    register_kind(
        SearchKind(
            key="meetings.decision",
            title=_("Decisions"),
            readable=lambda user: Decision.objects.filter(meeting__county__in=access.visible_counties(user)),
            fields=(SearchField("text", 2), SearchField("status_note")),
            hit=_decision_hit,
            order=("-meeting__starts_at", "pk"),
            select_related=("meeting__county",),
            excerpt_from_title=True,
        )
    )
    register_kind(
        SearchKind(
            key="meetings.document",
            title=_("Meeting documents"),
            readable=lambda user: Attachment.objects.filter(
                meeting__county__in=access.visible_counties(user)
            ),
            fields=(SearchField("title", 2), SearchField("original_name")),
            hit=_document_hit,
            order=("-meeting__starts_at", "pk"),
            select_related=("meeting__county",),
        )
    )
