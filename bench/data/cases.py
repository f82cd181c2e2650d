"""The period data of one county-year (`bench.data.core.generate` calls `generate`),
built with the period data's factories (tests/cases/factories.py).

For every period that has begun: full victims grids (both statuses) from six institutions
of the kinds that report victims, a share of 300 street-children interventions a year (more
in the tourist season), and the Labour Offices' employment funnels. Grids pass
`victim_grid_errors`, and a sample of each other kind passes `full_clean()`.
"""

from __future__ import annotations

import datetime

from bench.data.base import CountyYear
from cases.choices import (
    Accompanied,
    DataKind,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
)
from cases.demo import demo_grid, funnel
from cases.models import EmploymentFunnel, StreetChildCount, StreetIntervention, VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.selectors.reporting import settings_for
from cases.services.victims import victim_grid_errors
from krat.models import Municipality
from tests.cases.factories import (
    EmploymentFunnelFactory,
    StreetChildCountFactory,
    StreetInterventionFactory,
    VictimCountFactory,
    VictimReportFactory,
)

VICTIM_REPORTERS = 6
INTERVENTIONS = 300
PLACES = ["Plazhi", "Sheshi kryesor", "Rruga tregtare", "Porti", "Stacioni i autobusëve", "Tregu"]


def generate(part: CountyYear) -> None:
    periods = part.started_periods()
    if not periods or VictimReport.objects.filter(period__in=periods).exists():
        return
    settings = settings_for(part.county)
    groups = age_groups_for(part.county)
    _victims(part, periods, settings.kinds_for(DataKind.VICTIMS), groups)
    _street(part, periods, settings.kinds_for(DataKind.STREET_CHILDREN), groups)
    _employment(part, periods, settings.kinds_for(DataKind.EMPLOYMENT), groups)


def _reporters(part: CountyYear, kinds: list[str]) -> list:
    """The table's members of a kind that reports the figures (they are who is expected to)."""
    return [i for i in part.members if i.kind in kinds and i.is_active]


def _victims(part: CountyYear, periods, kinds, groups) -> None:
    age_keys = [str(g.pk) for g in groups] + ["unknown"]
    reporters = _reporters(part, kinds)[:VICTIM_REPORTERS]
    reports, cells = [], []
    for index, period in enumerate(periods):
        for number, institution in enumerate(reporters):
            for status in (VictimStatus.VICTIM, VictimStatus.POTENTIAL):
                total = part.rng.randint(0, 25)
                grid = demo_grid(total, total // 2, age_keys, index + number)
                assert not victim_grid_errors(grid, groups), victim_grid_errors(grid, groups)
                report = VictimReportFactory.build(
                    county=part.county,
                    period=period,
                    institution=institution,
                    status=status,
                    total=grid.total,
                    referred=grid.referred,
                )
                reports.append(report)
                cells.append((report, grid))
    VictimReport.objects.bulk_create(reports)
    VictimCount.objects.bulk_create(
        [
            VictimCountFactory.build(report=report, dimension=d, category=c, count=n)
            for report, grid in cells
            for (d, c), n in grid.cells.items()
            if n
        ],
        batch_size=1000,
    )


def _street(part: CountyYear, periods, kinds, groups) -> None:
    rng = part.rng
    reporters = _reporters(part, kinds)
    here = list(Municipality.objects.filter(county=part.county))
    elsewhere = list(Municipality.objects.exclude(county=part.county))
    children = [g for g in groups if g.is_child]
    season = range(part.county.tourist_season_start, part.county.tourist_season_end + 1)
    interventions: list[StreetIntervention] = []
    counts: list[StreetChildCount] = []
    for number in range(part.count(INTERVENTIONS)):
        # Half of the interventions fall in the tourist season.
        month = rng.choice(list(season)) if number % 2 else rng.randint(1, 12)
        day = datetime.date(part.year, month, rng.randint(1, 28))
        period = next((p for p in periods if p.contains(day)), None)
        if period is None or day > part.today:
            continue
        cells = []
        for sex in (Sex.FEMALE, Sex.MALE):
            if rng.random() < 0.7:
                cells.append((sex, rng.choice([*children, None]), rng.randint(1, 3)))
        if not cells:
            cells.append((Sex.UNKNOWN, None, 1))
        intervention = StreetInterventionFactory.build(
            county=part.county,
            period=period,
            institution=rng.choice(reporters),
            date=day,
            municipality=rng.choice(here),
            place=rng.choice(PLACES),
            origin=rng.choice([*elsewhere[:8], None]),
            activity=rng.choice(StreetActivity.values),
            accompanied=rng.choice(Accompanied.values),
            action=rng.choice(StreetAction.values),
            children=sum(n for _sex, _group, n in cells),
        )
        interventions.append(intervention)
        counts.extend(
            StreetChildCountFactory.build(intervention=intervention, sex=sex, age_group=group, count=n)
            for sex, group, n in cells
        )
    if not interventions:
        return
    interventions[0].full_clean()
    StreetIntervention.objects.bulk_create(interventions, batch_size=1000)
    StreetChildCount.objects.bulk_create(counts, batch_size=1000)


def _employment(part: CountyYear, periods, kinds, groups) -> None:
    rng = part.rng
    offices = _reporters(part, kinds)[:2]
    adults = [g for g in groups if g.min_age >= 18]
    rows = []
    for period in periods:
        for office in offices:
            for group in VulnerableGroup.values:
                for sex in (Sex.FEMALE, Sex.MALE):
                    for age_group in adults:
                        received = rng.randint(5, 60)
                        interviewed_tenths = rng.randint(6, 10)
                        rows.append(
                            EmploymentFunnelFactory.build(
                                county=part.county,
                                period=period,
                                institution=office,
                                group=group,
                                sex=sex,
                                age_group=age_group,
                                **funnel(
                                    received=received,
                                    interviewed_tenths=interviewed_tenths,
                                    employed_tenths=rng.randint(2, 7),
                                ),
                            )
                        )
    if rows:
        rows[0].full_clean()
    EmploymentFunnel.objects.bulk_create(rows, batch_size=1000)
