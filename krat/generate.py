"""Realistic, reproducible data at a chosen scale, for the benchmark (`make bench`).

Scale 1 is one county-year as a busy prefecture has it: 40 institutions with their
representatives and three periods, then whatever each app adds for that county-year
(10 meetings, a 120-activity plan, 150 awareness events, victims grids, 300
street-children interventions, employment funnels). Scale N is N county-years:
one county for N < 4, otherwise two years in each of ceil(N / 2) counties (at most
twelve). The same seed always gives the same data.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import import_string

from krat.choices import InstitutionKind, Position, Role
from krat.geography import COUNTIES, slug_for
from krat.models import County, Institution, ReportingPeriod, User
from krat.services import counties_load

BENCH_PASSWORD = "Bench-krat-2026"  # noqa: S105 - loopback benchmark accounts only
INSTITUTIONS_PER_COUNTY = 40
KIND_MIX = [
    InstitutionKind.MUNICIPALITY,
    InstitutionKind.CHILD_PROTECTION_UNIT,
    InstitutionKind.STATE_POLICE,
    InstitutionKind.SOCIAL_SERVICES,
    InstitutionKind.LABOUR_OFFICE,
    InstitutionKind.EDUCATION,
    InstitutionKind.HEALTH,
    InstitutionKind.NGO,
    InstitutionKind.INTERNATIONAL,
    InstitutionKind.OTHER,
]


@dataclass
class CountyYear:
    """What an app's generator gets: one county, one year, its periods and institutions."""

    county: County
    year: int
    periods: list[ReportingPeriod]
    institutions: list[Institution]
    rng: random.Random


def layout(scale: int) -> tuple[int, int]:
    """(counties, years) for a scale."""
    years = 1 if scale < 4 else 2
    return min(12, math.ceil(scale / years)), years


@transaction.atomic
def generate(*, scale: int, seed: int = 2018, first_year: int = 2025) -> dict[str, int]:
    rng = random.Random(seed)
    counties_load()
    password = make_password(BENCH_PASSWORD)
    county_count, years = layout(scale)
    names = sorted(COUNTIES)[:county_count]
    User.objects.get_or_create(
        username="bench.national",
        defaults={"role": Role.NATIONAL_OBSERVER, "password": password, "first_name": "Bench"},
    )
    for name in names:
        county = County.objects.get(slug=slug_for(name))
        institutions = _institutions(county, rng, password)
        for year in range(first_year, first_year + years):
            periods = _periods(county, year)
            part = CountyYear(county=county, year=year, periods=periods, institutions=institutions, rng=rng)
            for path in settings.KRAT_DATA_GENERATORS:
                import_string(path)(part)
    return {"counties": county_count, "years": years}


def _institutions(county: County, rng: random.Random, password: str) -> list[Institution]:
    institutions = []
    for number in range(INSTITUTIONS_PER_COUNTY):
        kind = KIND_MIX[number % len(KIND_MIX)]
        institution, _ = Institution.objects.get_or_create(
            county=county,
            name=f"{kind.label} {county.name} {number + 1}",
            defaults={
                "kind": kind,
                "is_table_member": number < 30,
                "contact_email": f"i{number}@{county.slug}.invalid",
            },
        )
        institutions.append(institution)
        User.objects.get_or_create(
            username=f"bench.{county.slug}.{number + 1}",
            defaults={
                "role": Role.REPRESENTATIVE,
                "county": county,
                "institution": institution,
                "position": Position.REPRESENTATIVE,
                "password": password,
                "first_name": rng.choice(["Arta", "Besnik", "Drita", "Gent", "Lule", "Ilir"]),
                "last_name": f"Përfaqësuesi {number + 1}",
                "email": f"bench.{county.slug}.{number + 1}@example.invalid",
            },
        )
    for role in (Role.SECRETARIAT, Role.CHAIR, Role.OBSERVER):
        User.objects.get_or_create(
            username=f"bench.{county.slug}.{role}",
            defaults={
                "role": role,
                "county": county,
                "password": password,
                "first_name": "Bench",
                "last_name": role,
            },
        )
    return institutions


def _periods(county: County, year: int) -> list[ReportingPeriod]:
    spans = [
        ((1, 1), (4, 30), "Janar – Prill"),
        ((5, 1), (8, 31), "Maj – Gusht"),
        ((9, 1), (12, 31), "Shtator – Dhjetor"),
    ]
    periods = []
    for (sm, sd), (em, ed), label in spans:
        end = datetime.date(year, em, ed)
        period, _ = ReportingPeriod.objects.get_or_create(
            county=county,
            label=f"{label} {year}",
            defaults={
                "start_date": datetime.date(year, sm, sd),
                "end_date": end,
                "deadline": end + datetime.timedelta(days=10),
            },
        )
        periods.append(period)
    return periods
