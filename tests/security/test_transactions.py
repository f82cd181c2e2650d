"""Every write of more than one row is one transaction: fail it half-way, nothing is left.

Each test makes an inner write raise after the first rows went in (a later save, create or
bulk_create), then compares the county's complete data (`krat.portability.county_data`,
history included) with what it was before.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.serializers.base import DeserializedObject
from django.urls import reverse

from actionplan import services as plan_services
from actionplan.models import ActionPlan, Activity, AwarenessEvent, Pillar
from actionplan.spreadsheet import plan_import
from cases.choices import Accompanied, StreetAction, StreetActivity, VictimStatus
from cases.models import AgeGroup, EmploymentFunnel, StreetChildCount, StreetIntervention, VictimCount
from cases.selectors.age_groups import age_groups_for
from cases.selectors.grids import victim_grid_versions
from cases.selectors.reporting import settings_for
from cases.services.employment import employment_save, employment_stamp
from cases.services.settings import age_groups_set, settings_save
from cases.services.street import interventions_import
from cases.services.victims import victim_grid_save
from krat import portability
from krat.models import County, Institution
from krat.submissions import services as submission_services
from meetings import services as meeting_services
from meetings.choices import AttendanceStatus, MeetingStatus
from meetings.forms import MeetingForm
from meetings.models import Attendance
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
)
from tests.actionplan.test_spreadsheet import GOOD, workbook
from tests.cases.factories import grid, intervention
from tests.meetings.factories import MeetingFactory
from tests.security.forms import form_data

pytestmark = pytest.mark.django_db


class HalfWay(Exception):
    """The failure injected in the middle of a write."""


@contextmanager
def fails_on_call(target, attribute: str, n: int):
    """`target.attribute` works n-1 times, then raises HalfWay."""
    original = getattr(target, attribute)
    count = 0

    def wrapper(*args, **kwargs):
        nonlocal count
        count += 1
        if count >= n:
            raise HalfWay
        return original(*args, **kwargs)

    with mock.patch.object(target, attribute, wrapper):
        yield


def snapshot(county: County) -> dict:
    return portability.county_data(county).rows


def test_attendance_of_several_institutions(world):
    meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
    rows = [
        meeting_services.AttendanceRow(institution=world.own_institution, status=AttendanceStatus.PRESENT),
        meeting_services.AttendanceRow(institution=world.other_institution, status=AttendanceStatus.EXCUSED),
    ]
    before = snapshot(world.own)
    with fails_on_call(Attendance, "save", 2), pytest.raises(HalfWay):
        meeting_services.attendance_record(
            meeting=meeting, rows=rows, guests="OIM", expected_version=meeting.version
        )
    assert snapshot(world.own) == before


def test_a_record_form_and_its_many_to_many_links(world, client):
    """`record_form_view`: the record and `save_m2m()` are one write (a meeting's invitees)."""
    meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
    client.force_login(world.users["secretariat"])
    url = reverse("meetings:edit", args=[meeting.pk])
    data = form_data(client.get(url).context["form"])
    data["title"] = "Titulli i ri"
    data["invited_institutions"] = [str(world.own_institution.pk)]
    before = snapshot(world.own)
    with fails_on_call(MeetingForm, "_save_m2m", 1), pytest.raises(HalfWay):
        client.post(url, data)
    assert snapshot(world.own) == before


def test_a_new_plan_and_its_default_pillars(world):
    before = snapshot(world.own)
    with fails_on_call(Pillar.objects, "create", 3), pytest.raises(HalfWay):
        plan_services.plan_save(
            plan=ActionPlan(county=world.own, year=2019, title="Plani"), expected_version=None
        )
    assert snapshot(world.own) == before
    assert not ActionPlan.objects.exists()


def test_an_activity_and_its_partners(world):
    plan = PlanFactory(county=world.own)
    objective = ObjectiveFactory(pillar=PillarFactory(plan=plan))
    activity = ActivityFactory.build(plan=plan, objective=objective, lead_institution=world.own_institution)
    before = snapshot(world.own)
    with fails_on_call(plan_services, "_check_partners", 1), pytest.raises(HalfWay):
        plan_services.activity_save(
            activity=activity, expected_version=None, partners=[world.other_institution]
        )
    assert snapshot(world.own) == before


def test_an_event_and_its_partners_and_target_groups(world):
    event = EventFactory.build(county=world.own, organiser=world.own_institution)
    before = snapshot(world.own)
    with fails_on_call(plan_services, "_check_partners", 1), pytest.raises(HalfWay):
        plan_services.event_save(event=event, expected_version=None, partners=[world.other_institution])
    assert snapshot(world.own) == before
    assert not AwarenessEvent.objects.exists()


def test_a_plan_import(world):
    plan = PlanFactory(county=world.own, year=2018)
    for name in ("Zyra e Punës Durrës", "Njësia për Mbrojtjen e Fëmijëve"):
        Institution.objects.get_or_create(county=world.own, name=name, defaults={"kind": "other"})
    before = snapshot(world.own)
    with fails_on_call(Activity, "save", 2), pytest.raises(HalfWay):
        plan_import(plan=plan, data=workbook(GOOD))
    assert snapshot(world.own) == before


def test_new_age_groups(world):
    before = snapshot(world.own)
    with fails_on_call(AgeGroup.objects, "bulk_create", 1), pytest.raises(HalfWay):
        age_groups_set(county=world.own, bounds=[0, 10, 18])
    assert snapshot(world.own) == before


def test_the_period_data_settings_and_their_age_groups(world):
    settings = settings_for(world.own)
    before = snapshot(world.own)
    settings.victims_kinds = ["state_police"]
    with fails_on_call(AgeGroup.objects, "bulk_create", 1), pytest.raises(HalfWay):
        settings_save(settings=settings, expected_version=settings.version, bounds=[0, 12, 18])
    assert snapshot(world.own) == before


def test_a_victims_grid(world):
    before = snapshot(world.own)
    with fails_on_call(VictimCount.objects, "create", 5), pytest.raises(HalfWay):
        victim_grid_save(
            period=world.period,
            institution=world.own_institution,
            grids={VictimStatus.VICTIM: grid(4), VictimStatus.POTENTIAL: grid(1)},
            versions=victim_grid_versions(period=world.period, institution=world.own_institution),
        )
    assert snapshot(world.own) == before


def test_an_intervention_and_its_children_counts(world):
    intervention(world.own, world.own_institution, world.period.start_date)  # the municipality
    before = snapshot(world.own)
    with fails_on_call(StreetChildCount.objects, "create", 2), pytest.raises(HalfWay):
        intervention(world.own, world.own_institution, world.period.start_date, girls=2, boys=1)
    assert snapshot(world.own) == before


def test_an_interventions_import(world):
    intervention(world.own, world.own_institution, world.period.start_date)  # the municipality
    before = snapshot(world.own)
    items = []
    for girls in (1, 2):
        record = StreetIntervention(
            date=world.period.start_date,
            municipality_id=portability.county_rows(StreetIntervention, world.own).first().municipality_id,
            place="Plazhi",
            activity=StreetActivity.BEGGING,
            accompanied=Accompanied.NO,
            action=StreetAction.RETURNED_TO_FAMILY,
        )
        group = age_groups_for(world.own)[0]
        items.append((record, {("female", group.pk): girls}))
    with fails_on_call(StreetChildCount.objects, "create", 2), pytest.raises(HalfWay):
        interventions_import(county=world.own, institution=world.own_institution, items=items)
    assert snapshot(world.own) == before


def test_an_employment_grid(world):
    old = EmploymentFunnel(group="economic_aid", sex="female", received=3)
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[old],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    before = snapshot(world.own)
    rows = [
        EmploymentFunnel(group="economic_aid", sex="male", received=1),
        EmploymentFunnel(group="economic_aid", sex="female", received=2),
    ]
    with fails_on_call(EmploymentFunnel, "save", 2), pytest.raises(HalfWay):
        employment_save(
            period=world.period,
            institution=world.other_institution,
            rows=rows,
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )
    assert snapshot(world.own) == before


def test_a_submission_draft_and_its_nothing_to_report_marks(world):
    submission = submission_services.submission_open(period=world.period, institution=world.own_institution)
    before = snapshot(world.own)
    submission.refresh_from_db()
    for field in submission_services.EDITABLE_FIELDS:
        if isinstance(getattr(submission, field), str):
            setattr(submission, field, "Tekst i ri")
    with fails_on_call(submission_services, "_set_part_marks", 1), pytest.raises(HalfWay):
        submission_services.submission_save_draft(
            submission=submission,
            user=world.users["representative"],
            expected_version=submission.version,
            nothing_to_report_parts=set(),
        )
    assert snapshot(world.own) == before


def test_a_county_import(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_counties", verbosity=0)
    MeetingFactory(county=world.own)
    archive = io.BytesIO()
    portability.export_county(world.own, archive)
    from tests.security.test_portability import _wipe

    _wipe(world.own)
    before = snapshot(world.own)
    archive.seek(0)
    with fails_on_call(DeserializedObject, "save", 10), pytest.raises(HalfWay):
        portability.import_county(archive)
    assert snapshot(world.own) == before
    assert not Institution.objects.filter(county=world.own).exists()
