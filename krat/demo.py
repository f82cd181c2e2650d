"""Demo data: Durrës County's Technical Table, as a newcomer should first see it.

Every step is get-or-create, so loading twice changes nothing. Apps add their own
demo records through their contribution's `demo_loader` (`krat.contributions`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from krat.choices import InstitutionKind as Kind
from krat.choices import Position, Role
from krat.models import County, Institution, ReportingPeriod, User
from krat.services import counties_load, membership_start

DEMO_PASSWORD = "Krat-demo-2026"  # noqa: S105 - printed on purpose for the demo

INSTITUTIONS = [
    ("Prefektura e Qarkut Durrës", Kind.PREFECTURE),
    ("Bashkia Durrës", Kind.MUNICIPALITY),
    ("Bashkia Shijak", Kind.MUNICIPALITY),
    ("Drejtoria Vendore e Policisë Durrës", Kind.STATE_POLICE),
    ("Policia Kufitare Durrës", Kind.STATE_POLICE),
    ("Drejtoria e Kujdesit Parësor Durrës", Kind.HEALTH),
    ("Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës", Kind.SOCIAL_SERVICES),
    ("Zyra e Punës Durrës", Kind.LABOUR_OFFICE),
    ("Zyra Vendore Arsimore Durrës", Kind.EDUCATION),
    ("Drejtoria Rajonale e Formimit Profesional Durrës", Kind.OTHER),
    ("Inspektorati Shtetëror i Punës Durrës", Kind.OTHER),
    ("Njësia për Mbrojtjen e Fëmijëve, Bashkia Durrës", Kind.CHILD_PROTECTION_UNIT),
    ("Terre des hommes Albania", Kind.INTERNATIONAL),
]


# The table as the Prefect's order of 2018 named it: every demo institution, from the first period.
MEMBERS_SINCE = datetime.date(2018, 1, 1)
MEMBERSHIP_ORDER = "Urdhri i Prefektit të Qarkut Durrës për përbërjen e Tryezës Teknike, 2018"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str
    institution: str | None
    position: str = Position.NONE
    title: str = ""


LOGINS = [
    DemoLogin(
        "sekretaria", "Elona", "Hoxha", Role.SECRETARIAT, "Prefektura e Qarkut Durrës", title="Specialiste"
    ),
    DemoLogin(
        "kryetari",
        "Agron",
        "Meçaj",
        Role.CHAIR,
        "Prefektura e Qarkut Durrës",
        Position.REPRESENTATIVE,
        "Sekretar i Përgjithshëm",
    ),
    DemoLogin(
        "policia",
        "Arben",
        "Krasniqi",
        Role.REPRESENTATIVE,
        "Drejtoria Vendore e Policisë Durrës",
        Position.REPRESENTATIVE,
    ),
    DemoLogin(
        "zyra.punes", "Mirela", "Leka", Role.REPRESENTATIVE, "Zyra e Punës Durrës", Position.REPRESENTATIVE
    ),
    DemoLogin(
        "sherbimi.social",
        "Blerina",
        "Dervishi",
        Role.REPRESENTATIVE,
        "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës",
        Position.REPRESENTATIVE,
    ),
    DemoLogin("vezhguesi", "Gentian", "Shehu", Role.OBSERVER, None, title="Prefekti"),
    DemoLogin("koordinatori", "Ilir", "Marku", Role.NATIONAL_OBSERVER, None, title="Koordinator kombëtar"),
]


def year_periods(year: int) -> list[tuple[str, datetime.date, datetime.date, datetime.date]]:
    """A year's three reporting periods as a prefecture sets them: (label, start, end,
    deadline), the deadline ten days after the end. The demo's and the benchmark's."""
    return [
        (
            f"Janar – Prill {year}",
            datetime.date(year, 1, 1),
            datetime.date(year, 4, 30),
            datetime.date(year, 5, 10),
        ),
        (
            f"Maj – Gusht {year}",
            datetime.date(year, 5, 1),
            datetime.date(year, 8, 31),
            datetime.date(year, 9, 10),
        ),
        (
            f"Shtator – Dhjetor {year}",
            datetime.date(year, 9, 1),
            datetime.date(year, 12, 31),
            datetime.date(year + 1, 1, 10),
        ),
    ]


@transaction.atomic
def demo_load(today: datetime.date) -> County:
    """Load the demo county; returns it. Running it again changes nothing."""
    counties_load()
    county = County.objects.get(slug="durres")
    if not county.prefecture_address:
        county.prefecture_address = "Lagjja 1, Rruga Prokop Mima, Durrës"
        county.save()
    institutions = {}
    for name, kind in INSTITUTIONS:
        institutions[name], _ = Institution.objects.get_or_create(
            county=county, name=name, defaults={"kind": kind}
        )
        if not institutions[name].memberships.exists():
            membership_start(
                institution=institutions[name], start_date=MEMBERS_SINCE, reference=MEMBERSHIP_ORDER
            )
    for year in sorted({2018, today.year - 1, today.year}):
        for label, start, end, deadline in year_periods(year):
            ReportingPeriod.objects.get_or_create(
                county=county,
                label=label,
                defaults={
                    "start_date": start,
                    "end_date": end,
                    "deadline": deadline,
                    "is_closed": end < today,
                },
            )
    for login in LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{login.username}@demo.krat.invalid",
            role=login.role,
            county=None if login.role == Role.NATIONAL_OBSERVER else county,
            institution=institutions[login.institution] if login.institution else None,
            position=login.position,
            job_title=login.title,
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    demo_submissions(county, today)
    return county


DEMO_REPORT = {
    "situation_assessment": "Gjatë periudhës nuk u vunë re rritje të rasteve; sezoni turistik kërkon vëmendje.",
    "action_plan": "U zhvilluan dy takime ndërgjegjësuese në shkolla, sipas planit të veprimit.",
    "cooperation": "Bashkëpunim i rregullt me Policinë dhe Njësinë për Mbrojtjen e Fëmijëve.",
    "results": "U referuan tre persona në nevojë drejt shërbimeve.",
    "problems": "Mungesë transporti për daljet në terren.",
    "proposals": "Trajnim i përbashkët para sezonit turistik.",
}


def demo_submissions(county: County, today: datetime.date) -> None:
    """A few reports in the current period, so the completeness board is not empty.

    The police report is left for the newcomer to fill in. Get-or-create: safe to rerun.
    """
    from django.utils import timezone

    from krat.models import PeriodSubmission, SubmissionState
    from krat.periods import current_period

    period = current_period(county, today)
    if period is None or period.is_closed:
        return
    now = timezone.now()
    plan = [
        ("Zyra e Punës Durrës", SubmissionState.SUBMITTED, "zyra.punes"),
        ("Bashkia Durrës", SubmissionState.APPROVED, None),
        ("Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës", SubmissionState.DRAFT, "sherbimi.social"),
    ]
    reviewer = User.objects.filter(username="sekretaria").first()
    for name, state, author in plan:
        institution = Institution.objects.filter(county=county, name=name).first()
        if institution is None:
            continue
        defaults: dict[str, Any] = {**DEMO_REPORT, "state": state}
        if state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
            defaults.update(submitted_at=now, submitted_by=User.objects.filter(username=author).first())
        if state == SubmissionState.APPROVED:
            defaults.update(reviewed_at=now, reviewed_by=reviewer)
        if state == SubmissionState.DRAFT:
            defaults.update(results="", proposals="")
        PeriodSubmission.objects.get_or_create(period=period, institution=institution, defaults=defaults)
