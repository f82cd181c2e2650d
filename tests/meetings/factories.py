"""Factories for meeting records."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from meetings.choices import AttendanceStatus, Body, MeetingStatus
from meetings.models import MAX_POSITION, AgendaItem, Attendance, Decision, Meeting
from tests.factories import CountyFactory, InstitutionFactory


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    county = factory.SubFactory(CountyFactory)
    body = Body.TECHNICAL_TABLE
    title = "Takim me Tryezën Teknike (KRAT-i)"
    starts_at = factory.LazyFunction(lambda: aware(datetime.date(2018, 4, 25)))
    place = "Prefektura"
    status = MeetingStatus.HELD


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    # Within the model's bound whatever ran before in this process: the counter goes on
    # across tests, and the benchmark's data (built with these factories) takes thousands.
    position = factory.Sequence(lambda n: n % MAX_POSITION + 1)
    title = factory.Sequence(lambda n: f"Pika {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Vendimi {n}")
    responsible = factory.LazyAttribute(lambda d: InstitutionFactory(county=d.meeting.county))
    due_date = datetime.date(2018, 5, 31)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    institution = factory.LazyAttribute(lambda a: InstitutionFactory(county=a.meeting.county))
    status = AttendanceStatus.PRESENT
