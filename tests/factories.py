"""Factories for the table's core records."""

from __future__ import annotations

import datetime

import factory

from krat.choices import InstitutionKind, Role
from krat.models import County, Institution, ReportingPeriod, User

PASSWORD = "Sekret-per-teste-1"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Qarku {n}")
    slug = factory.Sequence(lambda n: f"qarku-{n}")
    prefecture_name = factory.LazyAttribute(lambda c: f"Prefektura e {c.name}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"Institucioni {n}")
    kind = InstitutionKind.STATE_POLICE
    is_table_member = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"perdoruesi{n}")
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Mbiemri{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.SECRETARIAT
    county = factory.SubFactory(CountyFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    county = factory.SubFactory(CountyFactory)
    label = factory.Sequence(lambda n: f"Periudha {n}")
    start_date = datetime.date(2018, 1, 1)
    end_date = datetime.date(2018, 4, 30)
    deadline = datetime.date(2018, 5, 10)
