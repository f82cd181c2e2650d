"""Demo records of the actionplan app, loaded by `manage.py load_demo` (safe to run again).

Durrës gets this year's plan (twelve activities over the four pillars, some progress in
the current period), the 2018 plan the seed meeting speaks of, and eight awareness events.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from actionplan import services
from actionplan.choices import EventStatus, ProgressStatus, TargetGroupCode
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    TargetGroup,
)
from krat.models import County, Institution, Municipality
from krat.periods import current_period

POLICE = "Drejtoria Vendore e Policisë Durrës"
LABOUR = "Zyra e Punës Durrës"
SOCIAL = "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës"
EDUCATION = "Zyra Vendore Arsimore Durrës"
CPU = "Njësia për Mbrojtjen e Fëmijëve, Bashkia Durrës"
MUNICIPALITY = "Bashkia Durrës"
BORDER = "Policia Kufitare Durrës"
NGO = "Terre des hommes Albania"

# pillar, objective, code, description, lead, partners, start month, deadline (month, day),
# indicator, target, unit, progress status in the current period (None: nothing reported), achieved
ACTIVITIES = [
    (
        "Parandalimi",
        "Ndërgjegjësimi i nxënësve dhe prindërve",
        "1.1.1",
        "Sesione informuese në shkollat 9-vjeçare për rreziqet e trafikimit dhe të punës së fëmijëve",
        EDUCATION,
        [POLICE, CPU],
        2,
        (5, 31),
        "Sesione të zhvilluara",
        20,
        "sesione",
        ProgressStatus.DONE,
        22,
    ),
    (
        "Parandalimi",
        "Ndërgjegjësimi i nxënësve dhe prindërve",
        "1.1.2",
        "Takime me prindërit e komuniteteve rome dhe egjiptiane për braktisjen e shkollës",
        EDUCATION,
        [SOCIAL, MUNICIPALITY],
        3,
        (12, 15),
        "Prindër të takuar",
        150,
        "prindër",
        ProgressStatus.IN_PROGRESS,
        90,
    ),
    (
        "Parandalimi",
        "Parandalimi i lypjes së fëmijëve në sezonin turistik",
        "1.2.1",
        "Program masash para sezonit turistik për fëmijët në situatë rruge, me takim me autoritetet e qyteteve të origjinës",
        MUNICIPALITY,
        [POLICE, CPU, SOCIAL],
        3,
        (5, 31),
        "Program i miratuar",
        1,
        "program",
        ProgressStatus.DONE,
        1,
    ),
    (
        "Parandalimi",
        "Punësimi i grupeve vulnerabël",
        "1.3.1",
        "Intervistimi dhe vlerësimi i punësueshmërisë së familjeve me ndihmë ekonomike",
        LABOUR,
        [SOCIAL],
        1,
        (12, 31),
        "Persona të intervistuar",
        300,
        "persona",
        ProgressStatus.IN_PROGRESS,
        210,
    ),
    (
        "Mbrojtja",
        "Identifikimi dhe referimi i hershëm",
        "2.1.1",
        "Patrullime të përbashkëta në plazhe dhe sheshe gjatë sezonit turistik për fëmijët në situatë rruge",
        POLICE,
        [CPU, SOCIAL],
        6,
        (9, 30),
        "Patrullime",
        40,
        "patrullime",
        ProgressStatus.DELAYED,
        18,
    ),
    (
        "Mbrojtja",
        "Identifikimi dhe referimi i hershëm",
        "2.1.2",
        "Trajnim i punonjësve të vijës së parë për treguesit e trafikimit",
        SOCIAL,
        [POLICE, BORDER, NGO],
        2,
        (4, 30),
        "Punonjës të trajnuar",
        60,
        "punonjës",
        None,
        None,
    ),
    (
        "Mbrojtja",
        "Shërbime për viktimat",
        "2.2.1",
        "Menaxhimi i rasteve të fëmijëve në rrezik dhe vendosja emergjente deri në 72 orë",
        CPU,
        [SOCIAL],
        1,
        (12, 31),
        "Raste të menaxhuara",
        30,
        "raste",
        ProgressStatus.IN_PROGRESS,
        19,
    ),
    (
        "Mbrojtja",
        "Shërbime për viktimat",
        "2.2.2",
        "Referimi i viktimave dhe viktimave të mundshme në formim profesional",
        LABOUR,
        [SOCIAL, NGO],
        4,
        (11, 30),
        "Persona të referuar",
        15,
        "persona",
        None,
        None,
    ),
    (
        "Ndjekja penale",
        "Hetimi i rasteve të trafikimit",
        "3.1.1",
        "Operacione të përbashkëta kundër shfrytëzimit për lypje",
        POLICE,
        [BORDER],
        5,
        (10, 31),
        "Operacione",
        6,
        "operacione",
        ProgressStatus.DONE,
        7,
    ),
    (
        "Ndjekja penale",
        "Hetimi i rasteve të trafikimit",
        "3.1.2",
        "Kontrolle në vendet e punës sezonale për punë të detyruar",
        POLICE,
        [LABOUR],
        6,
        (12, 31),
        "Kontrolle",
        25,
        "kontrolle",
        ProgressStatus.IN_PROGRESS,
        12,
    ),
    (
        "Koordinimi/Bashkëpunimi",
        "Funksionimi i Tryezës Teknike",
        "4.1.1",
        "Mbledhje periodike të Tryezës Teknike dhe raportimi i zbatimit të planit",
        MUNICIPALITY,
        [POLICE, SOCIAL, LABOUR, EDUCATION],
        1,
        (12, 31),
        "Mbledhje",
        3,
        "mbledhje",
        ProgressStatus.IN_PROGRESS,
        2,
    ),
    (
        "Koordinimi/Bashkëpunimi",
        "Kalendari i aktiviteteve ndërgjegjësuese",
        "4.2.1",
        "Hartimi dhe publikimi i kalendarit të aktiviteteve ndërgjegjësuese",
        SOCIAL,
        [EDUCATION, MUNICIPALITY],
        1,
        (3, 31),
        "Kalendar i publikuar",
        1,
        "kalendar",
        ProgressStatus.CANCELLED,
        None,
    ),
]

ACTIVITIES_2018 = [
    (
        "Parandalimi",
        "Ndërgjegjësimi i komunitetit",
        "1.1",
        "Aktivitete ndërgjegjësuese dhe sensibilizuese sipas kalendarit",
        SOCIAL,
        [EDUCATION],
        1,
        (12, 31),
        "Aktivitete",
        12,
        "aktivitete",
    ),
    (
        "Mbrojtja",
        "Fëmijët në situatë rruge",
        "2.1",
        "Masa para sezonit turistik për fëmijët në situatë rruge",
        MUNICIPALITY,
        [POLICE, CPU],
        3,
        (5, 31),
        "Program masash",
        1,
        "program",
    ),
    (
        "Koordinimi/Bashkëpunimi",
        "Punësimi i personave në nevojë",
        "4.1",
        "Integrimi në tregun e punës i personave me ndihmë ekonomike",
        LABOUR,
        [SOCIAL],
        1,
        (12, 31),
        "Persona të punësuar",
        40,
        "persona",
    ),
]


def _plan(county: County, year: int) -> ActionPlan:
    plan = ActionPlan.objects.filter(county=county, year=year).first()
    if plan is None:
        plan = services.plan_save(
            plan=ActionPlan(county=county, year=year, title=f"Plani i veprimit i KRAT {year}"),
            expected_version=None,
        )
    return plan


def _activity(
    plan,
    institutions,
    pillar,
    objective,
    code,
    description,
    lead,
    partners,
    start,
    deadline,
    indicator,
    target,
    unit,
):
    existing = plan.activities.filter(code=code).first()
    if existing:
        return existing
    pillar_obj, _ = Pillar.objects.get_or_create(
        plan=plan, name=pillar, defaults={"position": plan.pillars.count() + 1}
    )
    objective_obj, _ = Objective.objects.get_or_create(
        pillar=pillar_obj, name=objective, defaults={"position": pillar_obj.objectives.count() + 1}
    )
    activity = Activity(
        plan=plan,
        objective=objective_obj,
        code=code,
        description=description,
        lead_institution=institutions[lead],
        start_date=datetime.date(plan.year, start, 1),
        deadline=datetime.date(plan.year, *deadline),
        indicator=indicator,
        target=Decimal(target),
        unit=unit,
    )
    return services.activity_save(
        activity=activity, expected_version=None, partners=[institutions[name] for name in partners]
    )


def _events(county: County, institutions: dict, activities: dict, today: datetime.date) -> None:
    municipalities = {m.name: m for m in Municipality.objects.filter(county=county)}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    season = datetime.date(today.year, county.tourist_season_start, 1)
    G = TargetGroupCode
    # title, date, time, municipality, venue, organiser, partners, groups, activity code, people reached if held
    events = [
        (
            "Java kundër trafikimit në shkolla",
            today - datetime.timedelta(days=60),
            datetime.time(10),
            "Durrës",
            "Shkolla 9-vjeçare “Naim Frashëri”",
            EDUCATION,
            [POLICE],
            [G.PUPILS, G.TEACHERS],
            "1.1.1",
            180,
        ),
        (
            "Takim me prindërit e komunitetit rom",
            today - datetime.timedelta(days=35),
            datetime.time(16),
            "Shijak",
            "Qendra komunitare",
            EDUCATION,
            [SOCIAL, MUNICIPALITY],
            [G.PARENTS, G.ROMA_EGYPTIAN],
            "1.1.2",
            45,
        ),
        (
            "Jo lypjes së fëmijëve: fushatë para sezonit turistik",
            season - datetime.timedelta(days=10),
            datetime.time(11),
            "Durrës",
            "Sheshi “Liria”",
            MUNICIPALITY,
            [POLICE, CPU],
            [G.TOURISTS, G.PARENTS, G.GENERAL_PUBLIC],
            "1.2.1",
            320,
        ),
        (
            "Dita e punësimit për familjet me ndihmë ekonomike",
            today - datetime.timedelta(days=14),
            datetime.time(9),
            "Durrës",
            "Zyra e Punës",
            LABOUR,
            [SOCIAL],
            [G.JOBSEEKERS, G.EMPLOYERS],
            "1.3.1",
            60,
        ),
        (
            "Trajnim për treguesit e trafikimit",
            today + datetime.timedelta(days=9),
            datetime.time(9, 30),
            "Durrës",
            "Salla e Prefekturës",
            SOCIAL,
            [POLICE, BORDER, NGO],
            [G.PROFESSIONALS],
            "2.1.2",
            None,
        ),
        (
            "Informim i punëdhënësve për punën e detyruar",
            today + datetime.timedelta(days=16),
            datetime.time(10),
            "Krujë",
            "Dhoma e Tregtisë",
            POLICE,
            [LABOUR],
            [G.EMPLOYERS],
            "3.1.2",
            None,
        ),
        (
            "Biseda me të rinjtë për rreziqet në internet",
            today + datetime.timedelta(days=23),
            None,
            "Shijak",
            "Shkolla e mesme “Shijak”",
            CPU,
            [EDUCATION],
            [G.YOUTH, G.PUPILS],
            None,
            None,
        ),
        (
            "Panair informues në plazh",
            today + datetime.timedelta(days=40),
            datetime.time(17),
            "Durrës",
            "Plazhi i Durrësit",
            MUNICIPALITY,
            [NGO],
            [G.TOURISTS, G.GENERAL_PUBLIC],
            None,
            None,
        ),
    ]
    for title, date, time, municipality, venue, organiser, partners, group_codes, code, reached in events:
        if AwarenessEvent.objects.filter(county=county, title=title).exists():
            continue
        held = date <= today
        event = AwarenessEvent(
            county=county,
            title=title,
            date=date,
            start_time=time,
            end_time=datetime.time(time.hour + 2, time.minute) if time else None,
            municipality=municipalities[municipality],
            venue=venue,
            organiser=institutions[organiser],
            activity=activities.get(code),
            status=EventStatus.HELD if held else EventStatus.PLANNED,
            people_reached=reached if held else None,
            note="Pjesëmarrje e mirë; materialet u shpërndanë." if held else "",
        )
        services.event_save(
            event=event,
            expected_version=None,
            partners=[institutions[name] for name in partners],
            target_groups=[groups[code] for code in group_codes],
        )


@transaction.atomic
def load(*, county: County, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    services.target_groups_ensure()
    institutions = {i.name: i for i in Institution.objects.filter(county=county)}
    if not all(
        name in institutions for name in (POLICE, LABOUR, SOCIAL, EDUCATION, CPU, MUNICIPALITY, BORDER, NGO)
    ):
        return  # not the demo county

    plan = _plan(county, today.year)
    activities = {}
    period = current_period(county, today)
    for (
        pillar,
        objective,
        code,
        description,
        lead,
        partners,
        start,
        deadline,
        indicator,
        target,
        unit,
        status,
        achieved,
    ) in ACTIVITIES:
        activity = _activity(
            plan,
            institutions,
            pillar,
            objective,
            code,
            description,
            lead,
            partners,
            start,
            deadline,
            indicator,
            target,
            unit,
        )
        activities[code] = activity
        if (
            status
            and period
            and period.is_open
            and period.start_date.year == plan.year
            and not ActivityProgress.objects.filter(activity=activity, period=period).exists()
        ):
            services.progress_save(
                progress=ActivityProgress(
                    activity=activity,
                    period=period,
                    status=status,
                    achieved=Decimal(achieved) if achieved is not None else None,
                    narrative="Raportuar në mbledhjen e Tryezës Teknike.",
                ),
                expected_version=None,
                user=None,
            )

    plan_2018 = _plan(county, 2018)
    for (
        pillar,
        objective,
        code,
        description,
        lead,
        partners,
        start,
        deadline,
        indicator,
        target,
        unit,
    ) in ACTIVITIES_2018:
        _activity(
            plan_2018,
            institutions,
            pillar,
            objective,
            code,
            description,
            lead,
            partners,
            start,
            deadline,
            indicator,
            target,
            unit,
        )

    _events(county, institutions, activities, today)
