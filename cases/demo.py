"""Demo records of the cases app, loaded by `manage.py load_demo` (safe to run again).

Victims grids from the police and the social services for the periods of this year and
last year (so that comparisons show), about thirty street interventions over this year
with more in the tourist season and origins that repeat, and the Labour Office's paths.
Records are written directly (not through the services) because past demo periods are
closed; every record still passes `full_clean` and the grid rules.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cases.choices import (
    UNKNOWN,
    Accompanied,
    Citizenship,
    Dimension,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
)
from cases.models import EmploymentFunnel, StreetChildCount, StreetIntervention, VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.services.victims import VictimGrid, victim_grid_errors
from krat import generations
from krat.choices import InstitutionKind
from krat.models import County, Institution, Municipality, ReportingPeriod


def split(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, the rounding rest on the first part."""
    whole = sum(weights) or 1
    parts = [total * w // whole for w in weights]
    parts[0] += total - sum(parts)
    return parts


def demo_grid(total: int, referred: int, age_keys: list[str], seed: int) -> VictimGrid:
    grid = VictimGrid(total=total, referred=referred)
    shapes = {
        Dimension.SEX: (["female", "male", UNKNOWN], [6 + seed % 3, 3, 1]),
        Dimension.AGE: (age_keys, [2, 3 + seed % 2, 3, 2, 0]),
        Dimension.EXPLOITATION: (
            ["sexual", "labour", "begging", "criminality", "marriage", "other", UNKNOWN],
            [5, 2, 2 + seed % 2, 0, 1, 0, 0],
        ),
        Dimension.CITIZENSHIP: (["albanian", "foreign", UNKNOWN], [8, 1, 0]),
        Dimension.MOVEMENT: (["internal", "cross_border", UNKNOWN], [6, 3, 1]),
        Dimension.IDENTIFIED_BY: (
            ["police", "social_services", "mobile_unit", "ngo", "self", UNKNOWN],
            [4, 2, 2, 1, 1, 0],
        ),
    }
    for dimension, (keys, weights) in shapes.items():
        for key, n in zip(keys, split(total, (weights + [1] * len(keys))[: len(keys)]), strict=True):
            grid.cells[(dimension, key)] = n
    foreign = grid.cells[(Dimension.CITIZENSHIP, Citizenship.FOREIGN)]
    if foreign:
        grid.cells[(Dimension.COUNTRY, "XK")] = foreign
    return grid


def _save_grid(period: ReportingPeriod, institution: Institution, status: str, grid: VictimGrid) -> None:
    report, created = VictimReport.objects.get_or_create(
        period=period,
        institution=institution,
        status=status,
        defaults={"county": period.county, "total": grid.total, "referred": grid.referred},
    )
    if created:
        VictimCount.objects.bulk_create(
            [
                # Every cell of the demo grid is entered, its zeros too (no value is not zero).
                VictimCount(report=report, dimension=d, category=c, count=n)
                for (d, c), n in grid.cells.items()
            ]
        )
        generations.changed(VictimCount)  # bulk_create sends no signal


def _institution(county: County, kind: str) -> Institution | None:
    return Institution.objects.filter(county=county, kind=kind).order_by("pk").first()


def _victims(county: County, periods: list[ReportingPeriod]) -> None:
    groups = age_groups_for(county)
    age_keys = [str(g.pk) for g in groups] + [UNKNOWN]
    police = _institution(county, InstitutionKind.STATE_POLICE)
    social = _institution(county, InstitutionKind.SOCIAL_SERVICES)
    for index, period in enumerate(periods):
        for institution, base in ((police, 9), (social, 5)):
            if institution is None:
                continue
            for status, extra in ((VictimStatus.VICTIM, 0), (VictimStatus.POTENTIAL, 4)):
                total = base + extra + (index * 3) % 7
                grid = demo_grid(total, total // 2, age_keys, index)
                assert not victim_grid_errors(grid, groups), victim_grid_errors(grid, groups)
                _save_grid(period, institution, status, grid)


ORIGINS = ["Elbasan", "Korçë", "Fier", "Berat", "Elbasan", None, "Korçë", "Durrës", "Fier", "Elbasan"]
PLACES = ["Plazhi i Durrësit", "Sheshi Liria", "Rruga Tregtare", "Porti i Durrësit", "Plazhi i Golemit"]
# Interventions per month: more in the tourist season.
PER_MONTH = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 5, 8: 5, 9: 4, 10: 2, 11: 2, 12: 1}


def _street(county: County, periods: list[ReportingPeriod], today: datetime.date) -> None:
    municipalities = {
        m.name: m for m in Municipality.objects.filter(name__in=[*filter(None, ORIGINS), "Durrës"])
    }
    here = municipalities.get("Durrës") or Municipality.objects.filter(county=county).first()
    reporter = _institution(county, InstitutionKind.CHILD_PROTECTION_UNIT) or _institution(
        county, InstitutionKind.STATE_POLICE
    )
    if here is None or reporter is None:
        return
    groups = [g for g in age_groups_for(county) if g.is_child]
    number = 0
    for month, count in PER_MONTH.items():
        for i in range(count):
            day = datetime.date(today.year, month, 3 + i * 6)
            period = next((p for p in periods if p.contains(day)), None)
            if day > today or period is None:
                continue
            number += 1
            origin_name = ORIGINS[number % len(ORIGINS)]
            intervention, created = StreetIntervention.objects.get_or_create(
                county=county,
                date=day,
                place=PLACES[number % len(PLACES)],
                defaults={
                    "period": period,
                    "institution": reporter,
                    "municipality": here,
                    "origin": municipalities.get(origin_name) if origin_name else None,
                    "activity": [StreetActivity.BEGGING, StreetActivity.SELLING, StreetActivity.WITH_FAMILY][
                        number % 3
                    ],
                    "accompanied": [Accompanied.NO, Accompanied.YES, Accompanied.UNKNOWN][number % 3],
                    "action": [
                        StreetAction.RETURNED_TO_FAMILY,
                        StreetAction.CHILD_PROTECTION_UNIT,
                        StreetAction.MUNICIPALITY_OF_ORIGIN,
                        StreetAction.SOCIAL_SERVICES,
                    ][number % 4],
                    "children": 1 + number % 4 + (1 if number % 3 == 0 else 0),
                },
            )
            if created:
                girls = 1 + number % 4
                cells = [
                    StreetChildCount(
                        intervention=intervention, sex="female", age_group=groups[0], count=girls
                    )
                ]
                if number % 3 == 0:
                    cells.append(
                        StreetChildCount(intervention=intervention, sex="male", age_group=groups[-1], count=1)
                    )
                StreetChildCount.objects.bulk_create(cells)
                generations.changed(StreetChildCount)  # bulk_create sends no signal


def funnel(*, received: int, interviewed_tenths: int, employed_tenths: int) -> dict[str, int]:
    """A Labour Office's path that keeps every rule of `EmploymentFunnel`: of those received,
    `interviewed_tenths` in ten are interviewed; of those, four in ten are ready for work
    (seven in ten of them sent to a vacancy, `employed_tenths` in ten employed), three in ten
    need training (eight in ten of them sent, half of those finishing) and two in ten are
    not employable now. The demo's paths and the benchmark's (`bench/data/cases.py`)."""
    interviewed = received * interviewed_tenths // 10
    ready, needs = interviewed * 4 // 10, interviewed * 3 // 10
    return {
        "received": received,
        "interviewed": interviewed,
        "ready": ready,
        "needs_training": needs,
        "not_employable": interviewed * 2 // 10,
        "referred_vacancy": ready * 7 // 10,
        "referred_training": needs * 8 // 10,
        "employed": ready * employed_tenths // 10,
        "completed_training": needs * 5 // 10,
    }


def _employment(county: County, periods: list[ReportingPeriod]) -> None:
    office = _institution(county, InstitutionKind.LABOUR_OFFICE)
    if office is None:
        return
    adults = [g for g in age_groups_for(county) if g.min_age >= 18]
    for index, period in enumerate(periods):
        rows = [
            (VulnerableGroup.ECONOMIC_AID, "female", adults[0], 40),
            (VulnerableGroup.ECONOMIC_AID, "male", adults[0], 35),
            (VulnerableGroup.ECONOMIC_AID, "female", adults[-1], 55),
            (VulnerableGroup.ECONOMIC_AID, "male", adults[-1], 50),
            (VulnerableGroup.ROMA_EGYPTIAN, "female", adults[-1], 12),
            (VulnerableGroup.TRAFFICKING_SURVIVOR, "female", adults[0], 4),
            (VulnerableGroup.DISABILITY, "male", None, 6),
        ]
        for group, sex, age_group, base in rows:
            record = EmploymentFunnel(
                county=county,
                period=period,
                institution=office,
                group=group,
                sex=sex,
                age_group=age_group,
                **funnel(received=base + (index * 5) % 11, interviewed_tenths=8, employed_tenths=4),
            )
            exists = EmploymentFunnel.objects.filter(
                period=period, institution=office, group=group, sex=sex, age_group=age_group
            ).exists()
            if not exists:
                record.full_clean()
                record.save()


@transaction.atomic
def load(*, county: County, today: datetime.date | None = None) -> None:
    """Load the demo period data of `county`; running it again changes nothing."""
    today = today or timezone.localdate()
    periods = list(
        ReportingPeriod.objects.filter(
            county=county, start_date__year__gte=today.year - 1, start_date__lte=today
        ).order_by("start_date")
    )
    _victims(county, periods)
    _street(county, periods, today)
    _employment(county, periods)
