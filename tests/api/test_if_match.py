"""Every API write to a stored record needs the ETag it was based on (If-Match).

For each write the schema offers on a stored record (PUT, PATCH, and POST actions on one):
without If-Match → 428 with the message in Albanian and nothing changes; with an ETag that
is not the stored one's → 412 and nothing changes; with the stored one's → saved. A new
write in the schema fails `test_every_write_to_a_stored_record_is_listed` until it is here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import reverse

from actionplan.models import ActivityProgress, TargetGroup
from actionplan.services import target_groups_ensure
from cases.models import EmploymentFunnel, VictimReport
from cases.selectors.age_groups import age_groups_for
from krat.models import PeriodSubmission
from krat.submissions.services import submission_open
from tests.actionplan.factories import ActivityFactory, EventFactory, ObjectiveFactory, PlanFactory
from tests.api.test_period_data import SECTIONS
from tests.api.test_period_data import body as victims_body
from tests.cases.factories import intervention, save_victims
from tests.meetings.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Write:
    """A write to a stored record: what makes the record, the address, the body, and what
    the write changes in the database (read back to see whether it did)."""

    make: Callable  # world → (address of the record, what `state` needs)
    body: Callable  # (world, record) → body
    state: Callable  # record → something the write changes
    suffix: str = ""  # an action's path after the record's


def _decision(world):
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    return f"/api/v1/decisions/{decision.pk}/", decision


def _event(world):
    target_groups_ensure()
    event = EventFactory(county=world.own, organiser=world.own_institution)
    return f"/api/v1/events/{event.pk}/", event


def _progress(world):
    plan = PlanFactory(county=world.own, year=2018)
    activity = ActivityFactory(
        objective=ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi")),
        lead_institution=world.own_institution,
    )
    progress = ActivityProgress.objects.create(activity=activity, period=world.period, status="in_progress")
    return f"/api/v1/progress/{progress.pk}/", progress


def _street(world):
    record = intervention(world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2)
    return f"/api/v1/street-interventions/{record.pk}/", record


def _victims(world):
    save_victims(world.period, world.own_institution, 4)
    return f"/api/v1/victim-grids/{world.period.pk}-{world.own_institution.pk}/", world


def _employment(world):
    return f"/api/v1/employment-grids/{world.period.pk}-{world.other_institution.pk}/", world


def _submission(world):
    submission = submission_open(period=world.period, institution=world.own_institution)
    return f"/api/v1/submissions/{submission.pk}/", submission


def _fresh(record: models.Model) -> models.Model:
    return type(record).objects.get(pk=record.pk)


def _street_body(world, record):
    group = next(g for g in age_groups_for(world.own) if g.is_child)
    return {
        "date": "2018-02-03",
        "municipality": record.municipality_id,
        "place": "Sheshi Liria",
        "activity": "begging",
        "accompanied": "no",
        "action": "cpu",
        "counts": [{"sex": "female", "age_group": group.pk, "count": 3}],
    }


EMPLOYMENT_ROW = {"group": "economic_aid", "sex": "female", "age_group": None, "received": 9}
PARTS = ["cases.victims", "actionplan.progress", "cases.street_children", "cases.employment"]

WRITES = {
    ("put", "/api/v1/decisions/{id}/"): Write(
        _decision, lambda w, r: {"status": "done", "status_note": "U krye"}, lambda r: _fresh(r).status
    ),
    ("patch", "/api/v1/decisions/{id}/"): Write(
        _decision, lambda w, r: {"status": "done"}, lambda r: _fresh(r).status
    ),
    ("put", "/api/v1/events/{id}/"): Write(
        _event,
        lambda w, r: {
            "title": "Java e sigurisë",
            "date": "2018-05-20",
            "municipality": r.municipality_id,
            "status": "planned",
            "target_groups": [TargetGroup.objects.first().pk],
        },
        lambda r: _fresh(r).title,
    ),
    ("patch", "/api/v1/events/{id}/"): Write(
        _event, lambda w, r: {"title": "Java e sigurisë"}, lambda r: _fresh(r).title
    ),
    ("put", "/api/v1/progress/{id}/"): Write(
        _progress,
        lambda w, r: {"status": "done", "achieved": "5", "narrative": "U krye."},
        lambda r: _fresh(r).status,
    ),
    ("patch", "/api/v1/progress/{id}/"): Write(
        _progress, lambda w, r: {"status": "done"}, lambda r: _fresh(r).status
    ),
    ("put", "/api/v1/street-interventions/{id}/"): Write(_street, _street_body, lambda r: _fresh(r).place),
    ("patch", "/api/v1/street-interventions/{id}/"): Write(
        _street, lambda w, r: {"place": "Sheshi Liria"}, lambda r: _fresh(r).place
    ),
    ("put", "/api/v1/victim-grids/{key}/"): Write(
        _victims,
        lambda w, r: victims_body(5),
        lambda w: (
            VictimReport.objects.get(period=w.period, institution=w.own_institution, status="victim").total
        ),
    ),
    ("put", "/api/v1/employment-grids/{key}/"): Write(
        _employment,
        lambda w, r: {"rows": [EMPLOYMENT_ROW]},
        lambda w: list(EmploymentFunnel.objects.values_list("received", flat=True)),
    ),
    ("post", "/api/v1/submissions/{id}/submit/"): Write(
        _submission,
        lambda w, r: {**SECTIONS, "nothing_to_report_parts": PARTS},
        lambda r: PeriodSubmission.objects.get(pk=r.pk).state,
        suffix="submit/",
    ),
}


def test_every_write_to_a_stored_record_is_listed(client, world):
    client.force_login(world.users["secretariat"])
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    writes = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("put", "patch", "post", "delete") and "{" in path
    }
    assert writes == set(WRITES)


@pytest.fixture(params=sorted(WRITES), ids=lambda key: f"{key[0]} {key[1]}")
def write(request, world, api):
    """The write, its record's address, the secretariat's client, and the state before."""
    method, _path = request.param
    spec = WRITES[request.param]
    address, record = spec.make(world)
    client = api(world.users["secretariat"])
    etag = client.get(address)["ETag"]
    assert etag, address

    def send(**headers):
        call = getattr(client, method)
        return call(address + spec.suffix, spec.body(world, record), format="json", **headers)

    return send, etag, lambda: spec.state(record)


def test_a_write_without_if_match_is_428_in_albanian_and_changes_nothing(write):
    send, _etag, state = write
    before = state()
    response = send()
    assert response.status_code == 428
    assert response.json()["detail"].startswith("Dërgoni në kokën If-Match")
    assert state() == before


def test_a_write_with_another_version_is_412_and_changes_nothing(write):
    send, etag, state = write
    before = state()
    stale = etag.rstrip('"') + '9"'  # the same record, a version it never had
    assert send(HTTP_IF_MATCH=stale).status_code == 412
    assert send(HTTP_IF_MATCH="*").status_code == 428  # "any version" is no version
    assert state() == before


def test_a_write_with_the_stored_version_is_saved(write):
    send, etag, state = write
    before = state()
    response = send(HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert state() != before
