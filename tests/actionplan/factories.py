"""Factories for the action plan and the calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from actionplan.choices import EventStatus, ProgressStatus
from actionplan.models import ActionPlan, Activity, ActivityProgress, AwarenessEvent, Objective, Pillar
from krat.models import Municipality
from tests.factories import CountyFactory, InstitutionFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    county = factory.SubFactory(CountyFactory)
    year = 2018
    title = factory.LazyAttribute(lambda p: f"Plani i veprimit i KRAT {p.year}")


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Shtylla {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    pillar = factory.SubFactory(PillarFactory)
    name = factory.Sequence(lambda n: f"Objektivi {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    objective = factory.SubFactory(ObjectiveFactory)
    plan = factory.LazyAttribute(lambda a: a.objective.pillar.plan)
    code = factory.Sequence(lambda n: f"1.{n}")
    description = "Sesione informuese në shkolla"
    lead_institution = factory.LazyAttribute(lambda a: InstitutionFactory(county=a.plan.county))
    start_date = factory.LazyAttribute(lambda a: datetime.date(a.plan.year, 1, 1))
    deadline = factory.LazyAttribute(lambda a: datetime.date(a.plan.year, 6, 30))
    indicator = "Sesione"
    target = Decimal(10)
    unit = "sesione"


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityProgress

    activity = factory.SubFactory(ActivityFactory)
    status = ProgressStatus.IN_PROGRESS
    achieved = Decimal(3)


def municipality_of(county, name: str = "Durrës") -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(name=name, defaults={"county": county})
    return municipality


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwarenessEvent

    county = factory.SubFactory(CountyFactory)
    title = factory.Sequence(lambda n: f"Aktivitet ndërgjegjësues {n}")
    date = datetime.date(2018, 5, 20)
    municipality = factory.LazyAttribute(lambda e: municipality_of(e.county, f"Bashkia {e.county.slug}"))
    organiser = factory.LazyAttribute(lambda e: InstitutionFactory(county=e.county))
    status = EventStatus.PLANNED
