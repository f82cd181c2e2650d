"""The core's part of the benchmark data (institutions, people, periods, the Technical
Table, the institutions' submissions) and `generate`, which calls each app's part for each
county-year; see bench/data/__init__.py."""

from __future__ import annotations

import datetime
import math
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bench.data import actionplan, cases, meetings
from bench.data.base import CountyYear
from krat.choices import InstitutionKind, Position, Role
from krat.demo import year_periods
from krat.geography import COUNTIES, slug_for
from krat.models import (
    County,
    Institution,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
    TableMembership,
    User,
)
from krat.models.submission import SECTIONS
from krat.services import counties_load, membership_start
from tests.factories import InstitutionFactory, PeriodFactory, SubmissionFactory, UserFactory

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
# Each app's part of a county-year, in the apps' order (`krat.contributions`).
APP_PARTS = (meetings.generate, actionplan.generate, cases.generate)


def layout(scale: int) -> tuple[int, int]:
    """(counties, years) for a scale."""
    if scale < 4:
        return scale, 1
    if scale < 10:
        return math.ceil(scale / 2), 2
    return len(COUNTIES), math.ceil(scale / 5)


#: Days after its deadline by which a period is closed in the benchmark's data.
CLOSED_AFTER_DAYS = 30


@transaction.atomic
def generate(
    *,
    scale: int,
    seed: int = 2018,
    last_year: int | None = None,
    fraction: float = 1.0,
    close_ended: bool = False,
) -> dict[str, int]:
    """Fill the database; the years end with `last_year` (default: this year, so that the
    current period exists and pages show the state of today). Running it again adds nothing.
    `close_ended`: close the periods whose deadline passed CLOSED_AFTER_DAYS ago, as a county
    does (what `make bench` measures); left open, more years can still be added before them."""
    rng = random.Random(seed)
    today = timezone.localdate()
    counties_load()
    password = make_password(BENCH_PASSWORD)
    county_count, years = layout(scale)
    first_year = (last_year or today.year) - years + 1
    names = sorted(COUNTIES)[:county_count]
    _user(
        "bench.national",
        password,
        role=Role.NATIONAL_OBSERVER,
        county=None,
        first_name="Bench",
        last_name="",
        email="",
    )
    for name in names:
        county = County.objects.get(slug=slug_for(name))
        institutions = _institutions(county, rng, password)
        members = _members(institutions, since=datetime.date(first_year, 1, 1))
        for year in range(first_year, first_year + years):
            part = CountyYear(
                county=county,
                year=year,
                periods=_periods(county, year),
                institutions=institutions,
                members=members,
                rng=rng,
                fraction=fraction,
                today=today,
            )
            for app_part in APP_PARTS:
                app_part(part)
            submissions(part)
    # A county closes a period some weeks after its deadline, once the reports are reviewed:
    # its case figures are then published to every reader (`krat.access.figures_published`),
    # so the national report of an ended period holds them, as in a real year. The current
    # period stays open.
    if close_ended:
        ReportingPeriod.objects.filter(
            county__slug__in=[slug_for(name) for name in names],
            deadline__lt=today - datetime.timedelta(days=CLOSED_AFTER_DAYS),
        ).update(is_closed=True)
    return {"counties": county_count, "years": years, "first_year": first_year}


def _user(username: str, password: str, **fields: object) -> None:
    """The account `username`, made by the factory unless it exists (saved once: one history row)."""
    if not User.objects.filter(username=username).exists():
        UserFactory.build(username=username, password__hashed=password, **fields).save()


def _institutions(county: County, rng: random.Random, password: str) -> list[Institution]:
    existing = {i.name: i for i in Institution.objects.filter(county=county)}
    institutions = []
    for number in range(INSTITUTIONS_PER_COUNTY):
        kind = KIND_MIX[number % len(KIND_MIX)]
        name = f"{kind.label} {county.name} {number + 1}"
        institution = existing.get(name) or InstitutionFactory(
            county=county,
            name=name,
            kind=kind,
            contact_email=f"i{number}@{county.slug}.invalid",
            is_table_member=False,  # the first MEMBERS join in `_members`
        )
        institutions.append(institution)
        first_name = rng.choice(["Arta", "Besnik", "Drita", "Gent", "Lule", "Ilir"])
        _user(
            f"bench.{county.slug}.{number + 1}",
            password,
            role=Role.REPRESENTATIVE,
            county=county,
            institution=institution,
            position=Position.REPRESENTATIVE,
            first_name=first_name,
            last_name=f"Përfaqësuesi {number + 1}",
            email=f"bench.{county.slug}.{number + 1}@example.invalid",
        )
    for role in (Role.SECRETARIAT, Role.CHAIR, Role.OBSERVER):
        _user(
            f"bench.{county.slug}.{role}",
            password,
            role=role,
            county=county,
            first_name="Bench",
            last_name=role,
            email="",
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
    existing = {p.label: p for p in ReportingPeriod.objects.filter(county=county)}
    return [
        existing.get(label)
        or PeriodFactory(county=county, label=label, start_date=start, end_date=end, deadline=deadline)
        for label, start, end, deadline in year_periods(year)
    ]


def submissions(part: CountyYear) -> None:
    """Each member institution's report for each period that has begun, in a realistic mix:
    most approved or submitted (a few late), some returned or in draft, some not started."""
    secretariat = User.objects.filter(county=part.county, role=Role.SECRETARIAT).first()
    now = timezone.now()
    records = []
    for period in part.started_periods():
        if PeriodSubmission.objects.filter(period=period).exists():
            continue
        deadline = timezone.make_aware(datetime.datetime.combine(period.deadline, datetime.time(12)))
        for institution in part.members:
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
                SubmissionFactory.build(
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
