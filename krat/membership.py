"""Who sits at the Technical Table, and when: the rules of memberships and the reads that
count the members of a date or of a stretch of dates.

Every period, meeting and report counts the members of its own dates, never today's:

- a **period** expects a report from each institution that was a member on at least one
  day of it (`members_during(county, period.start_date, period.end_date)`). An institution
  that joined in March sat at the table for part of "Janar – Prill" and holds figures of
  those weeks; one that left in February holds January's. Both are on the period's board
  and are reminded; an institution that joined after the period ended is not.
- a **meeting** counts the members on the day it is held (`members_on`).
- the dashboard and the county list count today's members.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from krat.models import County, Institution, ReportingPeriod, TableMembership


def overlapping(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """Memberships (reached through `prefix`, e.g. "memberships__") with a day from
    `start` to `end`, both included."""
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )


def is_member_during(start: datetime.date, end: datetime.date) -> Exists:
    """For a query of institutions: whether the institution was a member on a day from
    `start` to `end`. An `Exists`, so an institution with two memberships in the stretch
    is still one row."""
    from krat.models import TableMembership

    return Exists(TableMembership.objects.filter(overlapping(start, end), institution=OuterRef("pk")))


def with_member_today(
    institutions: QuerySet[Institution], today: datetime.date | None = None
) -> QuerySet[Institution]:
    """The institutions, each with `is_table_member`: a member of the table today (derived
    from its memberships in the same query, never stored)."""
    today = today or timezone.localdate()
    return institutions.annotate(is_table_member=is_member_during(today, today))


def members_during(county: County | int, start: datetime.date, end: datetime.date) -> QuerySet[Institution]:
    """The county's institutions that were members of the table on a day from `start` to `end`."""
    from krat.models import Institution

    county_id = county if isinstance(county, int) else county.pk
    return Institution.objects.filter(is_member_during(start, end), county_id=county_id)


def members_on(county: County | int, day: datetime.date) -> QuerySet[Institution]:
    """The county's institutions that were members of the table on `day`."""
    return members_during(county, day, day)


def period_members(period: ReportingPeriod) -> QuerySet[Institution]:
    """The institutions expected to report for `period`: members on a day of it."""
    return members_during(period.county_id, period.start_date, period.end_date)


def member_in_period(institution: Institution) -> Exists:
    """For a query of periods: whether `institution` was a member on a day of the period."""
    from krat.models import TableMembership

    return Exists(
        TableMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date")),
            institution=institution,
            start_date__lte=OuterRef("end_date"),
        )
    )


def member_ids_by_period(periods: Iterable[ReportingPeriod]) -> dict[int, set[int]]:
    """For each period, the ids of its members (as `period_members`), in one query
    whatever the number of periods and counties."""
    from krat.models import TableMembership

    periods = list(periods)
    found: dict[int, set[int]] = {p.pk: set() for p in periods}
    if not periods:
        return found
    by_county: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        by_county[period.county_id].append(period)
    rows = TableMembership.objects.filter(
        overlapping(min(p.start_date for p in periods), max(p.end_date for p in periods)),
        institution__county_id__in=by_county.keys(),
    ).values_list("institution_id", "institution__county_id", "start_date", "end_date")
    for institution_id, county_id, start, end in rows:
        for period in by_county[county_id]:
            if start <= period.end_date and (end is None or period.start_date <= end):
                found[period.pk].add(institution_id)
    return found


def memberships_of(institution: Institution) -> list[TableMembership]:
    """The institution's memberships, the latest first."""
    return list(institution.memberships.order_by("-start_date"))


def validate_membership(membership: TableMembership) -> None:
    """The rules across records: no day shared with another membership of the institution,
    and no open membership for an institution that is no longer active."""
    if not (membership.institution_id and membership.start_date):
        return
    if membership.end_date is not None and membership.end_date < membership.start_date:
        return  # the model's check constraint says it
    clash = (
        type(membership)
        .objects.filter(
            overlapping(membership.start_date, membership.end_date or datetime.date.max),
            institution_id=membership.institution_id,
        )
        .exclude(pk=membership.pk)
        .order_by("start_date")
        .first()
    )
    if clash is not None:
        start = date_format(clash.start_date, "SHORT_DATE_FORMAT")
        if clash.end_date is None:
            message = _("This institution is already a member from %(start)s, with no end date.")
            params = {"start": start}
        else:
            message = _("This institution is already a member from %(start)s to %(end)s.")
            params = {"start": start, "end": date_format(clash.end_date, "SHORT_DATE_FORMAT")}
        raise ValidationError(message, code="membership_overlap", params=params)
    if membership.end_date is None and not membership.institution.is_active:
        raise ValidationError(
            _("An inactive institution cannot be a member with no end date: give the last day."),
            code="inactive_member",
        )
