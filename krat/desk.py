"""What waits for a person in their county: their desk, at the top of the dashboard.

The chair finalises the period report and approves the minutes; the secretariat reviews
the institutions' reports. Each item says what waits and links to where it is done, so
that the common job is one click from home. The core gives the items it owns (reports to
review, period reports to finalise); an app adds its own through `desk_items` in its
`krat.contributions.AppContribution` (the meetings app: minutes to approve).

A fixed number of queries, whatever the number of periods and reports: one per kind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krat import access
from krat.contributions import contributions
from krat.models import County, FinalReport, ReportingPeriod, SubmissionState, User
from krat.submissions.rules import can_review


@dataclass(frozen=True)
class DeskItem:
    """One thing waiting for the reader: `text` says what, `url` is where it is done,
    `action` the link's words; `since` the day it has waited since (items are shown
    oldest first)."""

    text: str
    url: str
    action: str
    since: datetime.date


def _to_review(county: County) -> list[DeskItem]:
    """Each period with institutions' reports submitted and not yet reviewed."""
    periods = (
        ReportingPeriod.objects.filter(county=county)
        .annotate(waiting=Count("submissions", filter=Q(submissions__state=SubmissionState.SUBMITTED)))
        .filter(waiting__gt=0)
        .order_by("start_date")
    )
    return [
        DeskItem(
            text=ngettext(
                "%(count)d report of %(period)s waits for review.",
                "%(count)d reports of %(period)s wait for review.",
                period.waiting,
            )
            % {"count": period.waiting, "period": period.label},
            url=reverse("krat:submission_board", args=[period.pk]),
            action=_("Review the reports"),
            since=period.deadline,
        )
        for period in periods
    ]


def _to_finalise(county: County, today: datetime.date) -> list[DeskItem]:
    """Each period that has ended and whose coordination report was never finalised."""
    periods = (
        ReportingPeriod.objects.filter(county=county, end_date__lt=today)
        .filter(~Exists(FinalReport.objects.filter(period=OuterRef("pk"))))
        .order_by("start_date")
    )
    return [
        DeskItem(
            text=_("The coordination report of %(period)s has not been finalised.")
            % {"period": period.label},
            url=reverse("krat:report_preview", args=[period.pk]),
            action=_("Open the report"),
            since=period.end_date,
        )
        for period in periods
    ]


def desk(*, user: User, county: County, today: datetime.date) -> list[DeskItem]:
    """What waits for `user` in `county`, oldest first."""
    items: list[DeskItem] = []
    if can_review(user, county):
        items += _to_review(county)
    if access.can_chair(user, county):
        items += _to_finalise(county, today)
    for contribution in contributions():
        if contribution.desk_items is not None:
            items += contribution.desk_items(user=user, county=county, today=today)
    return sorted(items, key=lambda item: item.since)
