"""Every rule of the action plan and the calendar, at model, form and database level."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplan import services
from actionplan.choices import ActivityState, EventStatus, ProgressStatus
from actionplan.forms import ActivityForm, EventForm, ProgressForm
from actionplan.models import ActivityProgress, AwarenessEvent, activity_state
from krat.concurrency import StaleEditError
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressFactory,
    municipality_of,
)
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- The one definition of on track and overdue ----------------------------------------------


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        (ProgressStatus.DONE, D(2018, 3, 1), ActivityState.DONE),
        (ProgressStatus.CANCELLED, D(2018, 3, 1), ActivityState.CANCELLED),
        (ProgressStatus.IN_PROGRESS, D(2018, 3, 1), ActivityState.OVERDUE),
        (ProgressStatus.NOT_STARTED, D(2018, 3, 1), ActivityState.OVERDUE),
        (ProgressStatus.DELAYED, D(2018, 12, 1), ActivityState.OVERDUE),
        (ProgressStatus.IN_PROGRESS, D(2018, 4, 25), ActivityState.ON_TRACK),  # due today: not yet late
        (ProgressStatus.NOT_STARTED, D(2018, 12, 1), ActivityState.ON_TRACK),
    ],
)
def test_activity_state(status, deadline, expected):
    assert activity_state(status=status, deadline=deadline, today=D(2018, 4, 25)) == expected


# --- Activities ----------------------------------------------------------------------------


@pytest.fixture
def plan():
    return PlanFactory(year=2018)


def activity_form(plan, **overrides):
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    lead = InstitutionFactory(county=plan.county)
    data = {
        "objective": objective.pk,
        "code": "1.1",
        "description": "Sesione informuese",
        "lead_institution": lead.pk,
        "start_date": "01.02.2018",
        "deadline": "30.06.2018",
        "indicator": "Sesione",
        "target": "10",
        "unit": "sesione",
        **overrides,
    }
    return ActivityForm(data, plan=plan)


def test_a_good_activity_form_is_valid(plan):
    form = activity_form(plan)
    assert form.is_valid(), form.errors
    activity = services.activity_save(activity=form.save(commit=False), expected_version=None)
    assert activity.plan == plan and activity.version == 1


def test_a_deadline_outside_the_plans_year_is_refused(plan):
    form = activity_form(plan, deadline="15.01.2019")
    assert not form.is_valid()
    assert form.errors["deadline"] == ["The deadline must fall within the plan's year, 2018."]


def test_a_start_after_the_deadline_is_refused(plan):
    form = activity_form(plan, start_date="01.07.2018")
    assert not form.is_valid()
    assert form.errors["start_date"] == ["The start cannot come after the deadline."]


def test_a_negative_target_is_refused(plan):
    form = activity_form(plan, target="-1")
    assert not form.is_valid()
    assert "target" in form.errors


def test_a_lead_institution_of_another_county_is_refused_by_the_form_and_the_model(plan):
    foreign = InstitutionFactory(county=CountyFactory())
    form = activity_form(plan, lead_institution=foreign.pk)
    assert not form.is_valid()
    assert "lead_institution" in form.errors
    activity = ActivityFactory.build(
        plan=plan, objective=ObjectiveFactory(pillar=plan.pillars.create(name="X")), lead_institution=foreign
    )
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert codes(error.value)["lead_institution"] == ["institution_other_county"]


def test_partners_of_another_county_are_refused_by_the_service(plan):
    activity = ActivityFactory(objective=ObjectiveFactory(pillar=plan.pillars.create(name="X")))
    with pytest.raises(ValidationError) as error:
        services.activity_save(
            activity=activity,
            expected_version=activity.version,
            partners=[InstitutionFactory(county=CountyFactory())],
        )
    assert "partners" in error.value.message_dict


def test_the_database_refuses_a_start_after_the_deadline_and_a_negative_target(plan):
    activity = ActivityFactory(objective=ObjectiveFactory(pillar=plan.pillars.create(name="X")))
    for field, value in [("start_date", D(2018, 12, 1)), ("target", Decimal(-1))]:
        setattr(activity, field, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            activity.save()
        activity.refresh_from_db()


def test_a_new_plan_starts_with_the_four_pillars():
    from actionplan.models import ActionPlan

    plan = services.plan_save(
        plan=ActionPlan(county=CountyFactory(), year=2026, title="Plani 2026"), expected_version=None
    )
    assert [p.name for p in plan.pillars.all()] == [
        "Parandalimi",
        "Mbrojtja",
        "Ndjekja penale",
        "Koordinimi/Bashkëpunimi",
    ]


def test_one_plan_per_county_and_year(plan):
    from actionplan.forms import PlanForm

    form = PlanForm({"year": 2018, "title": "Again"}, county=plan.county)
    assert not form.is_valid()
    assert "This county already has an action plan for this year." in str(form.errors)


# --- Progress ------------------------------------------------------------------------------


@pytest.fixture
def activity(plan):
    return ActivityFactory(objective=ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi")))


@pytest.fixture
def period(plan):
    return PeriodFactory(county=plan.county, label="Janar – Prill 2018")


def progress_form(activity, period, data, instance=None):
    instance = instance or ActivityProgress(activity=activity, period=period)
    return ProgressForm(data, instance=instance)


def test_progress_is_recorded_and_versioned(activity, period):
    form = progress_form(activity, period, {"status": "in_progress", "achieved": "4,5", "narrative": "Mirë"})
    assert form.is_valid(), form.errors
    progress = services.progress_save(progress=form.save(commit=False), expected_version=None, user=None)
    assert progress.achieved == Decimal("4.5")
    stale = ActivityProgress.objects.get(pk=progress.pk)
    progress.status = ProgressStatus.DONE
    services.progress_save(progress=progress, expected_version=1, user=None)
    stale.status = ProgressStatus.DELAYED
    with pytest.raises(StaleEditError):
        services.progress_save(progress=stale, expected_version=1, user=None)


@pytest.mark.parametrize("achieved", ["-1", "shumë", "1e400"])
def test_a_negative_or_non_numeric_achieved_value_is_refused(activity, period, achieved):
    form = progress_form(activity, period, {"status": "in_progress", "achieved": achieved})
    assert not form.is_valid()
    assert "achieved" in form.errors
    assert not ActivityProgress.objects.exists()


def test_non_numeric_achieved_value_has_a_clear_message(activity, period):
    form = progress_form(activity, period, {"status": "in_progress", "achieved": "shumë"})
    form.is_valid()
    assert form.errors["achieved"] == ["Enter the value achieved as a number, such as 12 or 3,5."]


def test_the_database_refuses_a_negative_achieved_value(activity, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityProgress.objects.create(activity=activity, period=period, status="done", achieved=Decimal(-2))


def test_one_progress_record_per_activity_and_period(activity, period):
    ProgressFactory(activity=activity, period=period)
    form = progress_form(activity, period, {"status": "done", "achieved": "1"})
    assert form.is_valid()
    with pytest.raises(ValidationError):
        services.progress_save(progress=form.save(commit=False), expected_version=None, user=None)


def test_a_closed_period_accepts_no_more_progress(activity, period):
    period.is_closed = True
    period.save()
    form = progress_form(activity, period, {"status": "done", "achieved": "1"})
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "The period “Janar – Prill 2018” is closed and accepts no more progress."
    ]


def test_a_period_of_another_county_or_year_is_refused(activity):
    foreign = PeriodFactory(county=CountyFactory())
    later = PeriodFactory(
        county=activity.plan.county,
        start_date=D(2019, 1, 1),
        end_date=D(2019, 4, 30),
        deadline=D(2019, 5, 10),
    )
    for period in (foreign, later):
        with pytest.raises(ValidationError) as error:
            ActivityProgress(activity=activity, period=period, status="done").full_clean()
        assert "period" in error.value.message_dict


def test_a_comment_in_a_closed_period_is_refused(activity, period):
    period.is_closed = True
    period.save()
    with pytest.raises(ValidationError):
        services.comment_add(
            activity=activity, period=period, user=_rep(activity.lead_institution), text="Ok"
        )


def _rep(institution):
    from krat.choices import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.REPRESENTATIVE, county=institution.county, institution=institution)


# --- Events ------------------------------------------------------------------------------


@pytest.fixture
def county():
    return CountyFactory(name="Durrës", slug="durres")


def event_form(county, organiser=None, **overrides):
    from actionplan.services import target_groups_ensure

    target_groups_ensure()
    from actionplan.models import TargetGroup

    municipality = municipality_of(county)
    data = {
        "title": "Java kundër trafikimit",
        "date": "20.05.2018",
        "start_time": "10:00",
        "end_time": "12:00",
        "municipality": municipality.pk,
        "organiser": (organiser or InstitutionFactory(county=county)).pk,
        "target_groups": [TargetGroup.objects.get(code="pupils").pk],
        "status": "planned",
        **overrides,
    }
    return EventForm(data, county=county)


def test_a_good_event_form_is_valid(county):
    form = event_form(county)
    assert form.is_valid(), form.errors


def test_an_event_held_in_the_future_is_refused(county):
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    form = event_form(county, date=future, status="held", people_reached="30")
    assert not form.is_valid()
    assert form.errors["status"] == ["An event in the future cannot have been held yet."]


def test_people_reached_on_an_event_not_held_is_refused(county):
    for status in ("planned", "cancelled"):
        form = event_form(county, status=status, people_reached="30")
        assert not form.is_valid()
        assert form.errors["people_reached"] == [
            "People reached can only be recorded for an event that was held."
        ]


def test_a_held_event_records_people_reached(county):
    form = event_form(county, status="held", people_reached="30")
    assert form.is_valid(), form.errors


def test_the_database_refuses_people_reached_on_an_event_not_held(county):
    event = EventFactory(county=county)
    event.people_reached = 5
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_an_event_that_ends_before_it_starts_is_refused_by_the_form_and_the_database(county):
    form = event_form(county, start_time="23:00", end_time="01:00")
    assert not form.is_valid()
    assert form.non_field_errors() == ["The event must end after it starts."]
    event = EventFactory(county=county, start_time=datetime.time(23))
    event.end_time = datetime.time(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_an_organiser_municipality_or_activity_of_another_county_is_refused(county):
    other = CountyFactory()
    event = EventFactory.build(
        county=county,
        organiser=InstitutionFactory(county=other),
        municipality=municipality_of(other, "Vlorë"),
        activity=ActivityFactory(),
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert set(codes(error.value)) >= {"organiser", "municipality", "activity"}


def test_a_representatives_event_is_always_organised_by_their_institution(county):
    own = InstitutionFactory(county=county)
    other = InstitutionFactory(county=county)
    form = EventForm(
        {**event_form(county, organiser=other).data, "organiser": other.pk},
        county=county,
        organiser=own,
    )
    assert "organiser" not in form.fields
    assert form.is_valid(), form.errors
    event = services.event_save(event=form.save(commit=False), expected_version=None)
    assert event.organiser == own


def test_a_cancelled_event_keeps_its_record(county):
    event = EventFactory(county=county)
    event.status = EventStatus.CANCELLED
    services.event_save(event=event, expected_version=event.version)
    assert AwarenessEvent.objects.get(pk=event.pk).status == EventStatus.CANCELLED
