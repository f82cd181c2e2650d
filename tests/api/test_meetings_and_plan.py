"""Decisions, awareness events and activity progress: who writes, with If-Match, with the
forms' rules, and messages in the language asked for."""

import datetime

import pytest

from actionplan.models import ActivityProgress, AwarenessEvent, TargetGroup
from actionplan.services import target_groups_ensure
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PlanFactory,
    municipality_of,
)
from tests.meetings.factories import DecisionFactory, MeetingFactory


def etag(record) -> str:
    return f'W/"{record.pk}-{record.version}"'


@pytest.fixture
def decision(world):
    meeting = MeetingFactory(county=world.own, period=world.period)
    return DecisionFactory(meeting=meeting, responsible=world.own_institution)


@pytest.fixture
def activity(world):
    plan = PlanFactory(county=world.own, year=2018)
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    return ActivityFactory(objective=objective, lead_institution=world.own_institution)


# --- Decisions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reading_a_decision_gives_its_etag(api, world, decision):
    response = api(world.users["observer"]).get(f"/api/v1/decisions/{decision.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == etag(decision)
    assert response.json()["responsible"] == world.own_institution.pk


@pytest.mark.django_db
def test_the_responsible_institution_moves_a_decision_on(api, world, decision):
    client = api(world.users["representative"])
    url = f"/api/v1/decisions/{decision.pk}/"
    response = client.patch(
        url, {"status": "done", "status_note": "U krye"}, format="json", HTTP_IF_MATCH=etag(decision)
    )
    assert response.status_code == 200, response.json()
    decision.refresh_from_db()
    assert (decision.status, decision.status_note, decision.version) == ("done", "U krye", 2)
    assert response["ETag"] == etag(decision)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_representative", "observer", "chair"])
def test_others_of_the_county_cannot_change_a_decision(api, world, decision, role):
    response = api(world.users[role]).patch(
        f"/api/v1/decisions/{decision.pk}/", {"status": "done"}, format="json", HTTP_IF_MATCH=etag(decision)
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_another_countys_decision_does_not_exist(api, world, decision):
    client = api(world.users["other_secretariat"])
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert client.get("/api/v1/decisions/").json()["count"] == 0


@pytest.mark.django_db
def test_a_write_without_if_match_is_428_and_with_an_old_etag_412(api, world, decision):
    client = api(world.users["secretariat"])
    url = f"/api/v1/decisions/{decision.pk}/"
    old = etag(decision)
    assert client.patch(url, {"status": "done"}, format="json").status_code == 428
    assert client.patch(url, {"status": "in_progress"}, format="json", HTTP_IF_MATCH=old).status_code == 200
    response = client.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH=old)
    assert response.status_code == 412
    decision.refresh_from_db()
    assert decision.status == "in_progress"


@pytest.mark.django_db
def test_field_errors_are_json_in_the_language_asked_for(api, world, decision):
    url = f"/api/v1/decisions/{decision.pk}/"
    english = api(world.users["secretariat"], language="en").patch(
        url, {"status": "nonsense"}, format="json", HTTP_IF_MATCH=etag(decision)
    )
    assert english.status_code == 400
    assert english["Content-Language"] == "en"
    assert "is not a valid choice" in english.json()["status"][0]
    albanian = api(world.users["secretariat"]).patch(
        url, {"status": "nonsense"}, format="json", HTTP_IF_MATCH=etag(decision)
    )
    assert albanian["Content-Language"] == "sq"
    assert albanian.json()["status"] == ["“nonsense” nuk është zgjedhje e vlefshme."]


@pytest.mark.django_db
def test_decisions_filter_by_period_and_institution(api, world, decision):
    client = api(world.users["secretariat"])
    assert client.get(f"/api/v1/decisions/?period={world.period.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/decisions/?institution={world.other_institution.pk}").json()["count"] == 0


# --- Awareness events -----------------------------------------------------------------------------


def event_body(world, **changes):
    target_groups_ensure()
    body = {
        "title": "Dita kundër trafikimit",
        "date": "2030-10-18",
        "municipality": municipality_of(world.own).pk,
        "target_groups": [TargetGroup.objects.first().pk],
        "status": "planned",
    }
    return {**body, **changes}


@pytest.mark.django_db
def test_a_representative_adds_an_event_of_their_own_institution(api, world):
    body = event_body(world, organiser=world.other_institution.pk)
    response = api(world.users["representative"]).post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.json()
    event = AwarenessEvent.objects.get()
    assert event.organiser == world.own_institution  # never the one asked for
    assert event.county == world.own
    assert response["ETag"] == etag(event)


@pytest.mark.django_db
def test_observers_cannot_add_events_and_the_models_rules_hold(api, world):
    assert (
        api(world.users["observer"]).post("/api/v1/events/", event_body(world), format="json").status_code
        == 403
    )
    body = event_body(world, status="held", people_reached=40)  # held in the future
    response = api(world.users["secretariat"], language="en").post(
        "/api/v1/events/", {**body, "organiser": world.own_institution.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == ["An event in the future cannot have been held yet."]


@pytest.mark.django_db
def test_another_countys_municipality_is_refused_as_unknown(api, world):
    body = event_body(world, municipality=municipality_of(world.other, "Vlorë").pk)
    response = api(world.users["representative"]).post("/api/v1/events/", body, format="json")
    assert response.status_code == 400
    assert "municipality" in response.json()


@pytest.mark.django_db
def test_only_the_organiser_edits_an_event(api, world):
    event = EventFactory(county=world.own, organiser=world.own_institution)
    url = f"/api/v1/events/{event.pk}/"
    response = api(world.users["other_representative"]).patch(
        url, {"title": "X"}, format="json", HTTP_IF_MATCH=etag(event)
    )
    assert response.status_code == 403
    response = api(world.users["representative"]).patch(
        url, {"title": "Java e sigurisë"}, format="json", HTTP_IF_MATCH=etag(event)
    )
    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.title == "Java e sigurisë"


@pytest.mark.django_db
def test_events_filter_by_period(api, world):
    EventFactory(county=world.own, organiser=world.own_institution, date=datetime.date(2018, 2, 1))
    EventFactory(county=world.own, organiser=world.own_institution, date=datetime.date(2019, 2, 1))
    client = api(world.users["observer"])
    assert client.get("/api/v1/events/").json()["count"] == 2
    assert client.get(f"/api/v1/events/?period={world.period.pk}").json()["count"] == 1


# --- Progress --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_institution_records_and_corrects_progress(api, world, activity):
    client = api(world.users["representative"])
    body = {"activity": activity.pk, "period": world.period.pk, "status": "in_progress", "achieved": "2"}
    response = client.post("/api/v1/progress/", body, format="json")
    assert response.status_code == 201, response.json()
    progress = ActivityProgress.objects.get()
    assert progress.updated_by == world.users["representative"]
    again = client.post("/api/v1/progress/", body, format="json")
    assert again.status_code == 400
    response = client.patch(
        f"/api/v1/progress/{progress.pk}/", {"status": "done"}, format="json", HTTP_IF_MATCH=etag(progress)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "done"


@pytest.mark.django_db
def test_a_progress_record_keeps_its_activity_and_period(api, world, activity):
    theirs = ActivityFactory(
        objective=activity.objective, lead_institution=world.other_institution, code="9.9"
    )
    progress = ActivityProgress.objects.create(activity=activity, period=world.period, status="in_progress")
    response = api(world.users["representative"]).patch(
        f"/api/v1/progress/{progress.pk}/",
        {"activity": theirs.pk, "period": world.foreign_period.pk, "status": "done"},
        format="json",
        HTTP_IF_MATCH=etag(progress),
    )
    assert response.status_code == 200, response.json()
    progress.refresh_from_db()
    assert (progress.activity, progress.period, progress.status) == (activity, world.period, "done")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_representative", "observer", "chair"])
def test_others_cannot_record_progress(api, world, activity, role):
    body = {"activity": activity.pk, "period": world.period.pk, "status": "in_progress"}
    assert api(world.users[role]).post("/api/v1/progress/", body, format="json").status_code == 403


@pytest.mark.django_db
def test_progress_for_a_closed_period_is_refused(api, world, activity):
    world.period.is_closed = True
    world.period.save()
    body = {"activity": activity.pk, "period": world.period.pk, "status": "in_progress"}
    response = api(world.users["secretariat"], language="en").post("/api/v1/progress/", body, format="json")
    assert response.status_code == 400
    assert "closed" in response.json()["non_field_errors"][0]


@pytest.mark.django_db
def test_another_countys_activity_is_unknown(api, world, activity):
    body = {"activity": activity.pk, "period": world.foreign_period.pk, "status": "in_progress"}
    response = api(world.users["other_secretariat"]).post("/api/v1/progress/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"activity"}
