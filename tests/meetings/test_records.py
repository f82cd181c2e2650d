"""Records that stay true (issue 16): no silent duplicate meeting, decisions named by their
meeting, the summary saying only what was recorded, and approved minutes frozen."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from meetings.choices import Body, MeetingStatus
from meetings.models import Meeting
from tests.meetings.factories import DecisionFactory, MeetingFactory, aware

pytestmark = pytest.mark.django_db


def flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def secretariat(world, client):
    client.force_login(world.users["secretariat"])
    return client


# --- 8. No silent duplicates ----------------------------------------------------------------


def plan(world, **overrides) -> dict:
    return {
        "body": Body.TECHNICAL_TABLE,
        "title": "Takimi i dytë i prillit",
        "starts_at": "25.04.2018 10:00",
        "place": "Prefektura",
        **overrides,
    }


class TestDuplicates:
    @pytest.fixture
    def existing(self, world):
        return MeetingFactory(
            county=world.own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25))
        )

    def test_the_same_body_date_and_time_asks_for_confirmation(self, world, secretariat, existing):
        url = reverse("meetings:create", args=[world.own.slug])
        response = secretariat.post(url, plan(world))
        assert response.status_code == 400
        page = flat(response.content.decode())
        assert "Takimi i prillit" in page and "25.04.2018 10:00" in page
        assert "Krijoje gjithsesi" in page  # the tick that confirms, now shown
        assert Meeting.objects.count() == 1

    def test_ticking_create_anyway_creates_the_second_meeting(self, world, secretariat, existing):
        url = reverse("meetings:create", args=[world.own.slug])
        response = secretariat.post(url, plan(world, confirm_duplicate="on"))
        assert response.status_code == 302
        assert Meeting.objects.filter(county=world.own, starts_at=existing.starts_at).count() == 2

    def test_moving_a_meeting_onto_another_asks_too(self, world, secretariat, existing):
        other = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2018, 5, 2)))
        response = secretariat.post(
            reverse("meetings:edit", args=[other.pk]), plan(world, version=other.version)
        )
        assert response.status_code == 400
        other.refresh_from_db()
        assert other.date == datetime.date(2018, 5, 2)

    @pytest.mark.parametrize(
        "overrides",
        [
            {"starts_at": "25.04.2018 11:00"},  # another time
            {"starts_at": "26.04.2018 10:00"},  # another day
            {"body": Body.PLENARY},  # another body
        ],
    )
    def test_another_slot_or_body_is_no_duplicate(self, world, secretariat, existing, overrides):
        response = secretariat.post(
            reverse("meetings:create", args=[world.own.slug]), plan(world, **overrides)
        )
        assert response.status_code == 302

    def test_a_cancelled_meeting_or_another_countys_is_no_duplicate(self, world, secretariat, existing):
        existing.status = MeetingStatus.CANCELLED
        existing.save()
        MeetingFactory(county=world.other, starts_at=existing.starts_at)
        response = secretariat.post(reverse("meetings:create", args=[world.own.slug]), plan(world))
        assert response.status_code == 302


def test_pending_decisions_name_their_meeting_by_title_and_date(world, client):
    april = MeetingFactory(
        county=world.own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25))
    )
    other = MeetingFactory(
        county=world.own, title="Takim i jashtëzakonshëm", starts_at=aware(datetime.date(2018, 4, 25), 15)
    )
    DecisionFactory(meeting=april, responsible=world.own_institution, text="Programi i masave")
    DecisionFactory(meeting=other, responsible=world.own_institution, text="Kalendari")
    later = MeetingFactory(
        county=world.own, title="Takimi i shtatorit", starts_at=aware(datetime.date(2018, 9, 20))
    )
    client.force_login(world.users["observer"])
    for name in ("meetings:summary", "meetings:detail"):
        page = flat(client.get(reverse(name, args=[later.pk])).content.decode())
        assert re.search(r"Takimi i prillit,? \(?25\.04\.2018\)? Programi i masave", page), name
        assert re.search(r"Takim i jashtëzakonshëm,? \(?25\.04\.2018\)? Kalendari", page), name
