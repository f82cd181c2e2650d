"""Reads of the table's core: each says which relations it needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.module_loading import import_string

from krat.choices import Position
from krat.models import County, Institution, ReportingPeriod, User
from krat.periods import current_period


def institution_list(county: County) -> QuerySet[Institution]:
    """The county's institutions with their representative and deputy."""
    holders = User.objects.filter(is_active=True).exclude(position=Position.NONE)
    return (
        county.institutions.all()
        .prefetch_related(Prefetch("people", queryset=holders, to_attr="position_holders"))
        .order_by("-is_active", "-is_table_member", "name")
    )


def members_at(county: County, moment: datetime.datetime) -> list[Institution]:
    """The Technical Table's members at `moment`, each as it stood then (name included), by
    the institutions' history: printed minutes do not change when a member leaves later.

    An institution whose history begins after `moment` was not known then and is left out;
    one with no history at all (loaded in bulk) counts as it is now. Two queries."""
    now = {i.pk: i for i in county.institutions.all()}
    then: dict[int, Institution | None] = {}
    for row in Institution.history.filter(id__in=now.keys()).order_by("history_date", "history_id"):
        then.setdefault(row.id, None)  # known to the history…
        if row.history_date <= moment:  # …and, at `moment`, in this state
            then[row.id] = None if row.history_type == "-" else row.instance
    states = [then.get(pk, institution) for pk, institution in now.items()]
    return sorted(
        (i for i in states if i is not None and i.is_table_member and i.is_active), key=lambda i: i.name
    )


def person_list(county: County) -> QuerySet[User]:
    return (
        User.objects.filter(county=county)
        .select_related("institution")
        .order_by("institution__name", "last_name", "first_name")
    )


def period_list(county: County) -> QuerySet[ReportingPeriod]:
    return county.periods.order_by("-start_date")


def county_list() -> QuerySet[County]:
    return County.objects.annotate(
        member_count=Count(
            "institutions", filter=Q(institutions__is_table_member=True, institutions__is_active=True)
        )
    ).order_by("name")


@dataclass
class DashboardPanel:
    """One card on the county dashboard, filled by an app's selector."""

    title: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass
class Dashboard:
    county: County
    members: list[Institution]
    period: ReportingPeriod | None
    panels: list[DashboardPanel]


def dashboard(*, user: User, county: County) -> Dashboard:
    members = list(county.institutions.filter(is_table_member=True, is_active=True).order_by("name"))
    period = current_period(county)
    panels = [
        import_string(path)(user=user, county=county, period=period)
        for path in settings.KRAT_DASHBOARD_PANELS
    ]
    panels = [panel for panel in panels if panel is not None]
    return Dashboard(county=county, members=members, period=period, panels=panels)
