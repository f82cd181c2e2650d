"""What each app's part of the benchmark data gets: one county, one year (`CountyYear`)."""

from __future__ import annotations

import dataclasses
import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from krat.models import County, Institution, ReportingPeriod


@dataclass
class CountyYear:
    """One county, one year, its periods and institutions, and the run's random numbers."""

    county: County
    year: int
    periods: list[ReportingPeriod]
    institutions: list[Institution]
    rng: random.Random
    members: list[Institution] = dataclasses.field(default_factory=list)  # of the table, all years
    fraction: float = 1.0
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)

    def count(self, full: int) -> int:
        """`full` records at scale 1, reduced by `fraction` (tests use a fraction), at least 1."""
        return max(1, round(full * self.fraction))

    def started_periods(self) -> list[ReportingPeriod]:
        """The periods that have begun by today: only they can hold reported figures."""
        return [p for p in self.periods if p.start_date <= self.today]
