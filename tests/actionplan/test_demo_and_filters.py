"""The demo loads twice without change; the calendar list filters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from actionplan import demo
from actionplan.choices import EventStatus
from actionplan.models import ActionPlan, Activity, ActivityProgress, AwarenessEvent, TargetGroup
from krat.demo import demo_load
from tests.actionplan import access_cases
from tests.actionplan.factories import EventFactory, municipality_of

pytestmark = pytest.mark.django_db


def test_the_demo_is_complete_and_idempotent():
    today = datetime.date(2026, 11, 28)
    county = demo_load(today)
    demo.load(county=county, today=today)
    counts = [m.objects.count() for m in (ActionPlan, Activity, ActivityProgress, AwarenessEvent)]
    demo.load(county=county, today=today)
    assert [m.objects.count() for m in (ActionPlan, Activity, ActivityProgress, AwarenessEvent)] == counts
    assert set(ActionPlan.objects.values_list("title", flat=True)) == {
        "Plani i veprimit i KRAT 2026",
        "Plani i veprimit i KRAT 2018",
    }
    plan = ActionPlan.objects.get(year=2026)
    assert plan.activities.count() == 12
    assert {p.name for p in plan.pillars.all()} == {
        "Parandalimi",
        "Mbrojtja",
        "Ndjekja penale",
        "Koordinimi/Bashkëpunimi",
    }
    assert ActivityProgress.objects.filter(period__label="Shtator – Dhjetor 2026").count() >= 8
    events = AwarenessEvent.objects.all()
    assert events.count() == 8
    held = events.filter(status=EventStatus.HELD)
    assert held.exists() and all(e.people_reached and e.date <= today for e in held)
    assert events.filter(status=EventStatus.PLANNED, date__gt=today).exists()
    begging = events.get(title__contains="lypjes")
    assert begging.date < datetime.date(2026, county.tourist_season_start, 1)


def test_the_event_list_filters_by_month_status_group_and_municipality(client, world):
    access_cases.build(world)
    from actionplan.services import target_groups_ensure

    target_groups_ensure()
    pupils = TargetGroup.objects.get(code="pupils")
    shijak = municipality_of(world.own, "Shijak")
    match = EventFactory(
        county=world.own, title="Në Shijak", date=datetime.date(2018, 6, 5), municipality=shijak
    )
    match.target_groups.add(pupils)
    EventFactory(county=world.own, title="Në qershor pa nxënës", date=datetime.date(2018, 6, 7))
    EventFactory(county=world.own, title="Në korrik", date=datetime.date(2018, 7, 1))
    client.force_login(world.users["observer"])
    url = reverse("actionplan:event_list", args=[world.own.slug])

    def titles(**query):
        return [e.title for e in client.get(url, query).context["events"]]

    assert titles(month="06.2018") == ["Në Shijak", "Në qershor pa nxënës"]
    assert titles(month="06.2018", target_groups=pupils.pk) == ["Në Shijak"]
    assert titles(municipality=shijak.pk) == ["Në Shijak"]
    assert titles(status="held") == []


def test_the_month_view_moves_between_months(client, world):
    access_cases.build(world)
    client.force_login(world.users["observer"])
    response = client.get(reverse("actionplan:event_month", args=[world.own.slug]), {"muaji": "2018-05"})
    html = response.content.decode()
    assert "?muaji=2018-04" in html and "?muaji=2018-06" in html
    assert world.extra["event"].title in html
    december = client.get(reverse("actionplan:event_month", args=[world.own.slug]), {"muaji": "2018-12"})
    assert "?muaji=2019-01" in december.content.decode()


def test_the_month_is_also_a_list_of_its_days_for_a_phone(client, world):
    """Issue 20, point 9: the phone's list holds the month's events, or says there are none."""
    access_cases.build(world)
    client.force_login(world.users["observer"])
    url = reverse("actionplan:event_month", args=[world.own.slug])
    html = client.get(url, {"muaji": "2018-05"}).content.decode()
    listed = html[html.index('<ol class="list-unstyled month-list') : html.index("</ol>")]
    assert world.extra["event"].title in listed
    assert "Nuk ka aktivitete të planifikuara." not in html
    empty = client.get(url, {"muaji": "2019-02"}).content.decode()
    assert "Nuk ka aktivitete të planifikuara." in empty
