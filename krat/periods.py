"""Rules and look-ups about reporting periods."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from krat.models import County, ReportingPeriod


def overlapping_periods(period: ReportingPeriod):
    from krat.models import ReportingPeriod

    return ReportingPeriod.objects.filter(
        county_id=period.county_id,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).exclude(pk=period.pk)


def validate_no_overlap(period: ReportingPeriod) -> None:
    """Refuse a period that shares a day with another period of the same county."""
    if not (period.county_id and period.start_date and period.end_date):
        return
    clash = overlapping_periods(period).order_by("start_date").first()
    if clash is not None:
        raise ValidationError(
            _("This period overlaps “%(label)s” (%(start)s – %(end)s)."),
            code="period_overlap",
            params={
                "label": clash.label,
                "start": date_format(clash.start_date, "SHORT_DATE_FORMAT"),
                "end": date_format(clash.end_date, "SHORT_DATE_FORMAT"),
            },
        )


def current_period(county: County, today: datetime.date | None = None) -> ReportingPeriod | None:
    """The period containing today, else the latest one that has started, else the next.

    One query whatever the data: candidates are ranked in the database.
    """
    from django.db.models import Case, IntegerField, Value, When

    from krat.models import ReportingPeriod

    today = today or timezone.localdate()
    rank = Case(
        When(start_date__lte=today, end_date__gte=today, then=Value(0)),
        When(start_date__lte=today, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Among started periods the latest first; among future ones the nearest first.
    started_first = Case(When(start_date__lte=today, then="start_date"), default=None)
    period = (
        ReportingPeriod.objects.filter(county=county)
        .annotate(rank=rank, started=started_first)
        .order_by("rank", F("started").desc(nulls_last=True), "start_date")
        .first()
    )
    if period is not None:
        period.county = county  # the instance given: what reads the period's county reads no more
    return period
