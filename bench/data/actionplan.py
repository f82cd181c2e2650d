"""The action plan and awareness calendar of one county-year (`bench.data.core.generate`
calls `generate`), built with the plan's factories (tests/actionplan/factories.py).

The plan has the four usual pillars, three objectives each and 120 activities, with
progress for every period that has begun; the calendar 150 events over the year (held,
cancelled or planned as their date allows). A sample of each kind passes `full_clean()`.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from actionplan.choices import DEFAULT_PILLARS, EventStatus, ProgressStatus
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    TargetGroup,
)
from actionplan.services import target_groups_ensure
from bench.data.base import CountyYear
from krat.models import Municipality, ReportingPeriod
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ProgressFactory,
)

ACTIVITIES = 120
OBJECTIVES_PER_PILLAR = 3
EVENTS = 150
INDICATORS = [
    ("Sesione të zhvilluara", "sesione"),
    ("Persona të trajnuar", "persona"),
    ("Fëmijë të identifikuar", "fëmijë"),
    ("Familje të mbështetura", "familje"),
    ("Materiale të shpërndara", "materiale"),
]
EVENT_TITLES = [
    "Java kundër trafikimit në shkolla",
    "Takim informues me prindërit",
    "Fushatë në plazh për fëmijët në situatë rruge",
    "Tryezë me punëdhënësit",
    "Takim me komunitetin rom dhe egjiptian",
    "Dita Evropiane kundër Trafikimit",
]
VENUES = ["Shkolla 9-vjeçare", "Sheshi kryesor", "Plazhi", "Salla e bashkisë", "Qendra komunitare"]


def generate(part: CountyYear) -> None:
    county, year, rng = part.county, part.year, part.rng
    if ActionPlan.objects.filter(county=county, year=year).exists():
        return
    plan = PlanFactory(county=county, year=year, title=f"Plani i veprimit i KRAT {year}")
    pillars = Pillar.objects.bulk_create(
        [PillarFactory.build(plan=plan, name=name, position=n + 1) for n, name in enumerate(DEFAULT_PILLARS)]
    )
    objectives = Objective.objects.bulk_create(
        [
            ObjectiveFactory.build(pillar=pillar, name=f"Objektivi {p + 1}.{o + 1}", position=o + 1)
            for p, pillar in enumerate(pillars)
            for o in range(OBJECTIVES_PER_PILLAR)
        ]
    )
    activities = []
    count = part.count(ACTIVITIES)
    for number in range(count):
        objective = objectives[number % len(objectives)]
        pillar_number = objectives.index(objective) // OBJECTIVES_PER_PILLAR + 1
        start = datetime.date(year, rng.randint(1, 9), 1)
        deadline = start + datetime.timedelta(days=rng.randint(30, 120))
        indicator, unit = INDICATORS[number % len(INDICATORS)]
        activities.append(
            ActivityFactory.build(
                plan=plan,
                objective=objective,
                code=f"{pillar_number}.{objective.position}.{number // len(objectives) + 1}",
                description=f"Aktiviteti {number + 1}: {indicator.lower()} në qarkun {county.name}",
                lead_institution=rng.choice(part.institutions),
                start_date=start,
                deadline=deadline,
                indicator=indicator,
                target=Decimal(rng.randint(5, 200)),
                unit=unit,
                budget=Decimal(rng.randint(0, 50) * 10_000) if number % 3 else None,
                budget_source="Buxheti i bashkisë" if number % 3 else "",
            )
        )
    activities[0].full_clean()
    Activity.objects.bulk_create(activities)
    partners = Activity.partners.through
    partners.objects.bulk_create(
        [
            partners(activity_id=a.pk, institution_id=i.pk)
            for a in activities
            for i in rng.sample([i for i in part.institutions if i != a.lead_institution], 2)
        ]
    )

    progress = []
    for period in part.started_periods():
        for activity in activities:
            status = _status(rng, activity, period)
            progress.append(
                ProgressFactory.build(
                    activity=activity,
                    period=period,
                    status=status,
                    achieved=(activity.target * Decimal(rng.randint(0, 100)) / 100).quantize(Decimal("1"))
                    if status != ProgressStatus.NOT_STARTED
                    else None,
                    narrative="U zhvilluan takimet e planifikuara me partnerët.",
                )
            )
    if progress:
        progress[0].full_clean()
    ActivityProgress.objects.bulk_create(progress, batch_size=1000)
    _events(part, activities)


def _status(rng: random.Random, activity: Activity, period: ReportingPeriod) -> str:
    """As a plan runs: not started before its start, under way until its deadline, and
    mostly done once the deadline has passed (some delayed, a few cancelled)."""
    if activity.start_date > period.end_date:
        return ProgressStatus.NOT_STARTED
    if activity.deadline > period.end_date:
        return rng.choice(
            [ProgressStatus.IN_PROGRESS] * 4 + [ProgressStatus.NOT_STARTED, ProgressStatus.DELAYED]
        )
    return rng.choice(
        [ProgressStatus.DONE] * 14
        + [ProgressStatus.DELAYED] * 3
        + [ProgressStatus.IN_PROGRESS] * 2
        + [ProgressStatus.CANCELLED]
    )


def _events(part: CountyYear, activities: list[Activity]) -> None:
    rng = part.rng
    municipalities = list(Municipality.objects.filter(county=part.county))
    target_groups_ensure()  # the migration's rows, gone if a test flushed the tables
    groups = list(TargetGroup.objects.all())
    events = []
    for number in range(part.count(EVENTS)):
        date = datetime.date(part.year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        past = date < part.today
        status = (
            (EventStatus.CANCELLED if number % 15 == 0 else EventStatus.HELD) if past else EventStatus.PLANNED
        )
        start = datetime.time(rng.randint(9, 15))
        events.append(
            EventFactory.build(
                county=part.county,
                title=EVENT_TITLES[number % len(EVENT_TITLES)],
                date=date,
                start_time=start,
                end_time=datetime.time(start.hour + 2),
                municipality=rng.choice(municipalities),
                venue=rng.choice(VENUES),
                description="Informim për rreziqet e trafikimit dhe shërbimet në dispozicion.",
                organiser=rng.choice(part.institutions),
                activity=rng.choice(activities) if number % 2 else None,
                status=status,
                people_reached=rng.randint(10, 300) if status == EventStatus.HELD else None,
            )
        )
    events[0].full_clean(exclude=["target_groups", "partners"])
    AwarenessEvent.objects.bulk_create(events)
    through = AwarenessEvent.target_groups.through
    through.objects.bulk_create(
        [through(awarenessevent_id=e.pk, targetgroup_id=g.pk) for e in events for g in rng.sample(groups, 2)]
    )
