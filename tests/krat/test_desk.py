"""The chair's desk (issue 20.5): what waits for a person is one click from home, and
approving or finalising first shows what is missing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from krat.desk import desk
from krat.models import SubmissionState
from meetings import services as meeting_services
from meetings.choices import AttendanceStatus, MeetingStatus
from tests.factories import PeriodFactory
from tests.krat.access_cases import make_submission
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2018, 6, 1)  # the world's period (January–April 2018) has ended


def _texts(world, role: str) -> list[str]:
    with translation.override("sq"):
        return [item.text for item in desk(user=world.users[role], county=world.own, today=TODAY)]


def test_the_chair_finds_the_minutes_to_approve_and_the_report_to_finalise(world):
    MeetingFactory(county=world.own, title="Takimi i prillit")
    MeetingFactory(county=world.own, title="Takimi i ardhshëm", status=MeetingStatus.PLANNED)
    MeetingFactory(county=world.other, title="Takimi i Vlorës")
    texts = _texts(world, "chair")
    assert any("Takimi i prillit" in t and "25.04.2018" in t for t in texts)
    assert not any("ardhshëm" in t or "Vlorës" in t for t in texts)
    assert any("Janar – Prill 2018" in t and "finalizuar" in t for t in texts)


def test_each_role_finds_only_what_it_may_do(world):
    MeetingFactory(county=world.own, title="Takimi i prillit")
    make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    secretariat = _texts(world, "secretariat")
    assert secretariat == ["1 raport i periudhës Janar – Prill 2018 pret shqyrtimin."]
    assert not any("shqyrtimin" in t for t in _texts(world, "chair"))
    for role in ("representative", "observer"):
        assert _texts(world, role) == []
    assert desk(user=world.users["other_secretariat"], county=world.own, today=TODAY) == []


def test_a_finalised_report_and_approved_minutes_wait_no_more(world):
    from krat.report import services as report_services

    meeting = MeetingFactory(county=world.own, title="Takimi i prillit")
    meeting_services.minutes_approve(
        meeting=meeting, user=world.users["chair"], expected_version=meeting.version
    )
    report_services.final_report_create(
        period=world.period, user=world.users["chair"], pdf=b"%PDF-1.4", shared=False, language="sq"
    )
    assert _texts(world, "chair") == []


def test_the_desk_costs_the_same_queries_with_more_waiting(world, client):
    client.force_login(world.users["chair"])
    url = reverse("krat:dashboard", args=[world.own.slug])
    MeetingFactory(county=world.own)
    client.get(url)  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        MeetingFactory(county=world.own, title=f"Takimi {n}")
        PeriodFactory(
            county=world.own,
            label=f"Periudha {n}",
            start_date=datetime.date(2017, 1 + 2 * n, 1),
            end_date=datetime.date(2017, 2 + 2 * n, 1),
            deadline=datetime.date(2017, 2 + 2 * n, 10),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("Mirato procesverbalin") >= 6 and page.count("Hap raportin") >= 6
    assert len(many) == len(few)


def test_the_minutes_are_approved_after_reading_what_they_lack(world, client):
    meeting = MeetingFactory(county=world.own, title="Takimi i prillit")
    AgendaItemFactory(meeting=meeting, title="Situata")
    meeting_services.attendance_record(
        meeting=meeting,
        rows=[meeting_services.AttendanceRow(world.own_institution, AttendanceStatus.PRESENT, "Arben")],
        expected_version=meeting.version,
    )
    meeting.refresh_from_db()
    client.force_login(world.users["chair"])
    url = reverse("meetings:approve", args=[meeting.pk])
    # From home: the desk links straight to the confirmation.
    home = client.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
    assert f'href="{url}"' in home
    page = " ".join(client.get(url).content.decode().split())
    assert "Pjesëmarrja nuk është regjistruar për 1 institucion anëtar." in page
    assert "Nuk është regjistruar asnjë vendim." in page
    assert "Fjala hyrëse e kryetarit nuk është shkruar." in page
    assert "1 pikë e rendit të ditës nuk ka diskutim të shkruar." in page
    meeting.refresh_from_db()
    assert not meeting.is_locked  # reading the page approves nothing
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert client.post(url, {"version": version}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_locked
    # Approved, the page no longer offers it.
    assert client.get(url).status_code == 302


def test_minutes_changed_after_the_confirmation_was_read_are_not_approved_unread(world, client):
    meeting = MeetingFactory(county=world.own, title="Takimi i prillit")
    client.force_login(world.users["chair"])
    url = reverse("meetings:approve", args=[meeting.pk])
    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    meeting.chair_remarks = "Shtuar pasi kryetari hapi faqen."
    meeting_services.minutes_save(meeting=meeting, expected_version=meeting.version)
    client.post(url, {"version": version})
    meeting.refresh_from_db()
    assert not meeting.is_locked
