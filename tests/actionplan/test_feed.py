"""The public calendar feed, read back with a real iCalendar parser."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from actionplan.choices import EventStatus
from tests.actionplan.factories import EventFactory
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return CountyFactory(name="Durrës", slug="durres")


def test_the_feed_holds_planned_and_held_events_and_never_internal_notes(client, county):
    planned = EventFactory(
        county=county,
        title="Jo lypjes së fëmijëve",
        date=datetime.date(2018, 5, 20),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        venue="Sheshi “Liria”",
        description="Fushatë para sezonit turistik",
        note="SEKRET: vetëm për tryezën",
    )
    held = EventFactory(
        county=county,
        title="Sesion në shkollë",
        date=datetime.date(2018, 3, 2),
        status=EventStatus.HELD,
        people_reached=120,
        note="Shënim i brendshëm",
    )
    EventFactory(county=county, title="U anulua", status=EventStatus.CANCELLED)
    EventFactory(county=CountyFactory(), title="Tjetër qark")

    response = client.get(reverse("actionplan:event_feed", args=["durres"]))  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Tirane"]
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Jo lypjes së fëmijëve", "Sesion në shkollë"}

    first = events["Jo lypjes së fëmijëve"]
    assert first.decoded("dtstart") == datetime.datetime(2018, 5, 20, 10, tzinfo=ZoneInfo("Europe/Tirane"))
    assert first.decoded("dtend") == datetime.datetime(2018, 5, 20, 12, tzinfo=ZoneInfo("Europe/Tirane"))
    assert str(first["location"]) == f"Sheshi “Liria”, {planned.municipality.name}"
    assert "Fushatë para sezonit turistik" in str(first["description"])
    assert str(first["uid"]) == f"krat-awareness-{planned.pk}@durres.krat"

    all_day = events["Sesion në shkollë"]
    assert all_day.decoded("dtstart") == datetime.date(2018, 3, 2)
    assert str(all_day["uid"]) != str(first["uid"])
    assert held.note.encode() not in response.content
    assert b"SEKRET" not in response.content
    assert "120" not in str(all_day["description"])
    assert set(all_day) == {
        "UID",
        "DTSTAMP",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "LOCATION",
        "DESCRIPTION",
        "STATUS",
        "SEQUENCE",
    }


def test_the_feed_of_an_unknown_county_is_404(client):
    assert client.get(reverse("actionplan:event_feed", args=["askund"])).status_code == 404


@pytest.mark.parametrize(
    ("start_time", "expected_end"),
    [
        # Two hours after an evening start is the next morning, never earlier the same day.
        (datetime.time(23), datetime.datetime(2018, 7, 15, 1)),
        (datetime.time(22, 30), datetime.datetime(2018, 7, 15, 0, 30)),
        (datetime.time(10), datetime.datetime(2018, 7, 14, 12)),
    ],
)
def test_an_event_without_an_end_ends_after_it_starts_across_midnight(
    client, county, start_time, expected_end
):
    EventFactory(county=county, title="Natë në plazh", date=datetime.date(2018, 7, 14), start_time=start_time)
    calendar = Calendar.from_ical(client.get(reverse("actionplan:event_feed", args=["durres"])).content)
    (event,) = calendar.walk("VEVENT")
    zone = ZoneInfo("Europe/Tirane")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime.datetime.combine(datetime.date(2018, 7, 14), start_time, tzinfo=zone)
    assert end == expected_end.replace(tzinfo=zone)
    assert end > start
