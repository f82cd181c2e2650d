"""The benchmark's writes of the period data (`krat.benchmarks`, declared as `bench_writes` in
`CasesConfig.ready`); the benchmark's data is made in bench/data/cases.py."""

from __future__ import annotations

from django.urls import reverse

from cases.choices import VictimStatus
from cases.models import VictimReport
from krat.benchmarks import Write, representatives
from krat.models import County, ReportingPeriod

#: The figure the load changes: identified victims referred to services or a shelter.
FIGURE = f"{VictimStatus.VICTIM}-referred"


def figure_writes(county: County, periods: list[ReportingPeriod]) -> list[Write]:
    """A representative saving their institution's victims grid with one figure changed,
    for every grid of the county's `periods` whose identified victims number one or more
    and whose institution has a representative.

    The figure is the identified victims referred to services or a shelter: the grid bounds
    it by the total alone (no breakdown adds it up), so the stored number and the one next
    to it within 0…total (one more, or one less when all are referred) are both valid
    whatever the other cells hold. The total, or a cell of a breakdown that adds up to it,
    could change only with another figure. Each save changes the county's figures
    (`cases.selectors.figures.victim_figures`, which a report for sharing protects)."""
    reports = list(
        VictimReport.objects.filter(
            county=county, period__in=periods, status=VictimStatus.VICTIM, total__gte=1
        ).order_by("period__start_date", "institution_id")
    )
    names = representatives(r.institution_id for r in reports)
    found = []
    for report in reports:
        username = names.get(report.institution_id)
        if username is None:
            continue
        assert report.total is not None  # filtered on total >= 1
        stored = report.referred or 0
        other = stored + 1 if stored < report.total else stored - 1
        found.append(
            Write(
                "figures",
                reverse("cases:victims_entry", args=[report.period_id, report.institution_id]),
                username,
                FIGURE,
                values=(str(other), str(stored)),
            )
        )
    return found
