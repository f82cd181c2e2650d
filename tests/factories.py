"""Factories for the table's core records: the one description of a valid record, used by
the tests and by the benchmark's data (`bench/data/`, which builds many with `.build()`
and saves them with `bulk_create`)."""

from __future__ import annotations

import datetime

import factory

from krat.choices import InstitutionKind, Role
from krat.models import County, Institution, PeriodSubmission, ReportingPeriod, TableMembership, User
from krat.services import county_create

PASSWORD = "Sekret-per-teste-1"
MEMBER_SINCE = datetime.date(2010, 1, 1)


class CountyFactory(factory.django.DjangoModelFactory):
    """A county as the application makes one (`county_create`: with every app's defaults);
    the county of an existing slug is returned as it is."""

    class Meta:
        model = County

    name = factory.Sequence(lambda n: f"Qarku {n}")
    slug = factory.Sequence(lambda n: f"qarku-{n}")
    prefecture_name = factory.LazyAttribute(lambda c: f"Prefektura e {c.name}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.filter(slug=kwargs["slug"]).first()
        return existing or county_create(county=model_class(*args, **kwargs))


class InstitutionFactory(factory.django.DjangoModelFactory):
    """An institution, a member of the Technical Table since MEMBER_SINCE (before every
    period of the tests) unless `is_table_member=False`; `is_table_member__since=date`
    and `is_table_member__until=date` give the membership's dates."""

    class Meta:
        model = Institution
        skip_postgeneration_save = True

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"Institucioni {n}")
    kind = InstitutionKind.STATE_POLICE

    @factory.post_generation
    def is_table_member(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            TableMembership.objects.create(
                institution=obj, start_date=kwargs.get("since", MEMBER_SINCE), end_date=kwargs.get("until")
            )


class UserFactory(factory.django.DjangoModelFactory):
    """A person; the password is PASSWORD unless `password=` gives another, or
    `password__hashed=` an already hashed one (one hash for many accounts: hashing is slow
    by design)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"perdoruesi{n}")
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Mbiemri{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.SECRETARIAT
    county = factory.SubFactory(CountyFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        if "hashed" in kwargs:
            obj.password = kwargs["hashed"]
        else:
            obj.set_password(PASSWORD if extracted is None else extracted)

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


class SubmissionFactory(factory.django.DjangoModelFactory):
    """An institution's report for a period, not started unless `state=` says otherwise."""

    class Meta:
        model = PeriodSubmission

    period = factory.SubFactory(PeriodFactory)
    institution = factory.LazyAttribute(lambda s: InstitutionFactory(county=s.period.county))


def sign_in_superuser(client):
    """`client` signed in as a superuser whose session gave the second factor (the admin
    asks for it: tests/security/test_two_factor.py); the superuser."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="", county=None)
    client.force_login(root)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=root, name="phone").persistent_id
    session.save()
    return root
