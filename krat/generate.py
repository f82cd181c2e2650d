"""Realistic, reproducible data at a chosen scale, for the benchmark (`make bench`).

Scale 1 is one county-year as a busy prefecture has it: 40 institutions with their
representatives and three periods, then whatever each app adds for that county-year
(10 meetings, a 120-activity plan, 150 awareness events, victims grids, 300
street-children interventions, employment funnels). Scale N < 4 is N counties for
one year; 4 to 9 is two years in each of ceil(N / 2) counties; 10 and above is the
national installation the issue describes: all twelve counties, each with
ceil(N / 5) years (scale 10: 12 counties × 2 years). The same seed always gives the
same data.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from krat.choices import InstitutionKind, Position, Role
from krat.contributions import contributions
from krat.geography import COUNTIES, slug_for
from krat.models import County, Institution, ReportingPeriod, TableMembership, User
from krat.services import counties_load, membership_start

RETURN_COMMENT = "Ju lutemi plotësoni seksionin e problemeve."
BENCH_PASSWORD = "Bench-krat-2026"  # noqa: S105 - loopback benchmark accounts only
INSTITUTIONS_PER_COUNTY = 40
MEMBERS = 30  # of the Technical Table, the first of them; the others are invited
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
    members: list[Institution] = dataclasses.field(default_factory=list)  # of the table, all years
    fraction: float = 1.0
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)

    def count(self, full: int) -> int:
        """`full` records at scale 1, reduced by `fraction` (tests use a fraction), at least 1."""
        return max(1, round(full * self.fraction))

    def started_periods(self) -> list[ReportingPeriod]:
        """The periods that have begun by today: only they can hold reported figures."""
        return [p for p in self.periods if p.start_date <= self.today]


def layout(scale: int) -> tuple[int, int]:
    """(counties, years) for a scale."""
    if scale < 4:
        return scale, 1
    if scale < 10:
        return math.ceil(scale / 2), 2
    return len(COUNTIES), math.ceil(scale / 5)


@transaction.atomic
def generate(
    *, scale: int, seed: int = 2018, last_year: int | None = None, fraction: float = 1.0
) -> dict[str, int]:
    """Fill the database; the years end with `last_year` (default: this year, so that the
    current period exists and pages show the state of today)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    counties_load()
    password = make_password(BENCH_PASSWORD)
    county_count, years = layout(scale)
    first_year = (last_year or today.year) - years + 1
    names = sorted(COUNTIES)[:county_count]
    User.objects.get_or_create(
        username="bench.national",
        defaults={"role": Role.NATIONAL_OBSERVER, "password": password, "first_name": "Bench"},
    )
    for name in names:
        county = County.objects.get(slug=slug_for(name))
        institutions = _institutions(county, rng, password)
        members = _members(institutions, since=datetime.date(first_year, 1, 1))
        for year in range(first_year, first_year + years):
            periods = _periods(county, year)
            part = CountyYear(
                county=county,
                year=year,
                periods=periods,
                institutions=institutions,
                members=members,
                rng=rng,
                fraction=fraction,
                today=today,
            )
            # Each app's records (`krat.contributions`), then the institutions' submissions.
            for contribution in contributions():
                if contribution.data_generator is not None:
                    contribution.data_generator(part)
            submissions(part)
    return {"counties": county_count, "years": years, "first_year": first_year}


def _institutions(county: County, rng: random.Random, password: str) -> list[Institution]:
    institutions = []
    for number in range(INSTITUTIONS_PER_COUNTY):
        kind = KIND_MIX[number % len(KIND_MIX)]
        institution, _ = Institution.objects.get_or_create(
            county=county,
            name=f"{kind.label} {county.name} {number + 1}",
            defaults={"kind": kind, "contact_email": f"i{number}@{county.slug}.invalid"},
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


def _members(institutions: list[Institution], since: datetime.date) -> list[Institution]:
    """The first MEMBERS institutions sit at the table from `since` on (a membership made
    earlier by another run starts on `since` if that is earlier); the others are invited."""
    members = institutions[:MEMBERS]
    found = {m.institution_id: m for m in TableMembership.objects.filter(institution__in=members)}
    for institution in members:
        membership = found.get(institution.pk)
        if membership is None:
            membership_start(institution=institution, start_date=since)
        elif membership.start_date > since:
            membership.start_date = since
            membership.full_clean()
            membership.save()
    return members


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


def submissions(part: CountyYear) -> None:
    """Each member institution's report for each period that has begun, in a realistic mix:
    most approved or submitted (a few late), some returned or in draft, some not started."""
    from krat.models import PeriodSubmission, SubmissionState
    from krat.models.submission import SECTIONS

    secretariat = User.objects.filter(county=part.county, role=Role.SECRETARIAT).first()
    members = part.members
    now = timezone.now()
    records = []
    for period in part.started_periods():
        if PeriodSubmission.objects.filter(period=period).exists():
            continue
        deadline = timezone.make_aware(datetime.datetime.combine(period.deadline, datetime.time(12)))
        for institution in members:
            roll = part.rng.random()
            if roll < 0.1:
                continue  # not started: no row
            state = (
                SubmissionState.APPROVED
                if roll < 0.55
                else SubmissionState.SUBMITTED
                if roll < 0.8
                else SubmissionState.RETURNED
                if roll < 0.87
                else SubmissionState.DRAFT
            )
            text = {name: f"{name.replace('_', ' ').capitalize()}: {institution.name}." for name in SECTIONS}
            submitted = state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
            reviewed = state in (SubmissionState.RETURNED, SubmissionState.APPROVED)
            late = part.rng.random() < 0.15
            days = part.rng.randint(1, 6) if late else -part.rng.randint(0, 9)
            submitted_at = min(deadline + datetime.timedelta(days=days), now - datetime.timedelta(days=3))
            records.append(
                PeriodSubmission(
                    period=period,
                    institution=institution,
                    state=state,
                    **text,
                    submitted_at=submitted_at if submitted else None,
                    reviewed_at=submitted_at + datetime.timedelta(days=2) if reviewed else None,
                    reviewed_by=secretariat if reviewed else None,
                    return_comment=RETURN_COMMENT if state == SubmissionState.RETURNED else "",
                )
            )
    PeriodSubmission.objects.bulk_create(records, batch_size=500)
