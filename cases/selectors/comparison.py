"""The periods a period is compared with: the previous one and the same one a year earlier,
and the columns the summaries give them (`PeriodColumn`, `PeriodComparison`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Subquery

from krat import access
from krat.models import ReportingPeriod


@dataclass(frozen=True)
class Comparison:
    """The periods a period is compared with (either may be missing)."""

    previous: ReportingPeriod | None
    year_earlier: ReportingPeriod | None

    @property
    def periods(self) -> list[ReportingPeriod | None]:
        return [self.previous, self.year_earlier]

    def for_reader(self, *, suppressed: bool) -> Comparison:
        """The periods shown beside the page's own: in the version for sharing (`suppressed`),
        only those published (`krat.access.period_published`); an open one is left out as a
        missing one is, for its figures would change under the reader and give the change away."""
        if not suppressed:
            return self

        def shown(period: ReportingPeriod | None) -> ReportingPeriod | None:
            return period if period is not None and access.period_published(period) else None

        return Comparison(previous=shown(self.previous), year_earlier=shown(self.year_earlier))


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_periods(period: ReportingPeriod) -> Comparison:
    """Previous: the latest period of the county ending before this one starts.
    Year earlier: the period starting exactly one year before this one, if any.
    One query (the report reads it once and passes it down: `reporting.PeriodReference`)."""
    before = ReportingPeriod.objects.filter(county_id=period.county_id, end_date__lt=period.start_date)
    latest = before.order_by("-end_date").values("pk")[:1]
    year_before = _year_before(period.start_date)
    found = list(before.filter(Q(start_date=year_before) | Q(pk=Subquery(latest))).order_by("-end_date"))
    return Comparison(
        previous=found[0] if found else None,
        year_earlier=next((p for p in found if p.start_date == year_before), None),
    )


def comparison_among(period: ReportingPeriod, periods: Iterable[ReportingPeriod]) -> Comparison:
    """`comparison_periods` of `period` found among the county's `periods`, read already
    (no query): the same previous period and the same year earlier."""
    before = sorted((p for p in periods if p.end_date < period.start_date), key=lambda p: p.end_date)
    year_before = _year_before(period.start_date)
    return Comparison(
        previous=before[-1] if before else None,
        year_earlier=next((p for p in reversed(before) if p.start_date == year_before), None),
    )


@dataclass(frozen=True)
class PeriodColumn:
    """A period as a column of a summary's comparison: its id, its label as the county named
    it (25.04.2018-style dates go with it) and its first and last day."""

    pk: int
    label: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, period: ReportingPeriod) -> PeriodColumn:
        return cls(pk=period.pk, label=period.label, start=period.start_date, end=period.end_date)


def period_column(period: ReportingPeriod | None) -> PeriodColumn | None:
    """The column of `period` (None: no such period to compare with)."""
    return None if period is None else PeriodColumn.of(period)


@dataclass(frozen=True)
class PeriodComparison:
    """What every summary of a period states first: the period, the two it is compared with
    (None where the county has none, or, for sharing, where it is not published), whether
    small numbers are hidden (`suppressed`) and the county's threshold `k` (counts from 1 to
    k − 1 are hidden). Each figure of a summary compared is a list of three cells in the
    order of `columns`, None for a period that is missing."""

    period: PeriodColumn
    previous: PeriodColumn | None
    year_earlier: PeriodColumn | None
    suppressed: bool
    k: int

    @property
    def columns(self) -> list[PeriodColumn | None]:
        """This period, the previous one, the same one a year earlier."""
        return [self.period, self.previous, self.year_earlier]
