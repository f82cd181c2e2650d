"""Reads of the table's core: each says which relations it needs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from krat.choices import Position
from krat.collation import albanian
from krat.contributions import contributions
from krat.desk import DeskItem, desk
from krat.membership import members_on, memberships_of, overlapping, with_member_today
from krat.models import County, Institution, ReportingPeriod, TableMembership, User
from krat.periods import current_period
from krat.submissions.selectors import dashboard_panel as submission_panel


def institution_list(county: County) -> list[Institution]:
    """The county's institutions with their representative and deputy, and whether each is
    a member of the table today (`is_table_member`)."""
    holders = User.objects.filter(is_active=True).exclude(position=Position.NONE)
    return list(
        with_member_today(county.institutions.all())
        .prefetch_related(Prefetch("people", queryset=holders, to_attr="position_holders"))
        .order_by("-is_active", "-is_table_member", albanian("name"))
    )


@dataclass(frozen=True)
class InstitutionPage:
    """An institution's page: its memberships of the table (latest first) and its people."""

    institution: Institution
    memberships: list[TableMembership]
    membership_today: TableMembership | None
    people: list[User]


def institution_page(institution: Institution, today: datetime.date | None = None) -> InstitutionPage:
    today = today or timezone.localdate()
    memberships = memberships_of(institution)
    return InstitutionPage(
        institution=institution,
        memberships=memberships,
        membership_today=next((m for m in memberships if m.covers(today)), None),
        people=list(institution.people.filter(is_active=True).order_by("position", albanian("last_name"))),
    )


def person_list(county: County) -> list[User]:
    return list(
        User.objects.filter(county=county)
        .select_related("institution")
        .order_by(albanian("institution__name"), albanian("last_name"), albanian("first_name"))
    )


def period_list(county: County) -> list[ReportingPeriod]:
    return list(county.periods.order_by("-start_date"))


def county_list(pks: Iterable[int] | QuerySet[County], today: datetime.date | None = None) -> list[County]:
    """The counties among `pks`, each with the number of the table's members today. An
    institution's memberships never share a day, so at most one of them covers today:
    counting the memberships counts the institutions."""
    today = today or timezone.localdate()
    return list(
        County.objects.filter(pk__in=pks)
        .annotate(
            member_count=Count(
                "institutions__memberships", filter=overlapping(today, today, "institutions__memberships__")
            )
        )
        .order_by(albanian("name"))
    )


@dataclass
class DashboardPanel:
    """One card on the county dashboard, filled by an app's selector."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dashboard:
    county: County
    members: list[Institution]
    period: ReportingPeriod | None
    panels: list[DashboardPanel]
    desk: list[DeskItem] = field(default_factory=list)  # what waits for the reader (`krat.desk`)


def dashboard(*, user: User, county: County) -> Dashboard:
    """The county's page: today's members of the table, the current period, the apps' cards."""
    members = list(members_on(county, timezone.localdate()).order_by(albanian("name")))
    period = current_period(county)
    # The core's card, then each app's (`krat.contributions`).
    found = [submission_panel] + [c.dashboard_panel for c in contributions() if c.dashboard_panel is not None]
    panels = [panel(user=user, county=county, period=period) for panel in found]
    panels = [panel for panel in panels if panel is not None]
    waiting = desk(user=user, county=county, today=timezone.localdate())
    return Dashboard(county=county, members=members, period=period, panels=panels, desk=waiting)
