"""What the navigation's search finds in the action plan (`krat.search`): activities of the
plans and events of the calendars of the counties the reader may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from actionplan.models import Activity, AwarenessEvent
from krat import access
from krat.search import SearchField, SearchHit, SearchKind, register_kind


def _activity_hit(activity: Activity) -> SearchHit:
    return SearchHit(
        title=f"{activity.code} {Truncator(activity.description).chars(120)}",
        url=reverse("actionplan:activity_detail", args=[activity.pk]),
        context=activity.plan.title,
        date=activity.deadline,
        county=activity.plan.county.name,
    )


def _event_hit(event: AwarenessEvent) -> SearchHit:
    return SearchHit(
        title=event.title,
        url=reverse("actionplan:event_detail", args=[event.pk]),
        context=event.venue,
        date=event.date,
        county=event.county.name,
    )


def register() -> None:
    register_kind(
        SearchKind(
            key="actionplan.activity",
            title=_("Action plan activities"),
            readable=lambda user: Activity.objects.filter(plan__county__in=access.visible_counties(user)),
            fields=(SearchField("description", 2), SearchField("code", 2), SearchField("indicator")),
            hit=_activity_hit,
            order=("-plan__year", "code", "pk"),
            select_related=("plan__county",),
            excerpt_from_title=True,
        )
    )
    register_kind(
        SearchKind(
            key="actionplan.event",
            title=_("Awareness events"),
            readable=lambda user: AwarenessEvent.objects.filter(county__in=access.visible_counties(user)),
            fields=(
                SearchField("title", 3),
                SearchField("venue"),
                SearchField("description"),
                SearchField("note"),
            ),
            hit=_event_hit,
            order=("-date", "-pk"),
            select_related=("county",),
        )
    )
