"""Each list endpoint asks the database the same number of times for 10× the records."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import EmploymentFunnel
from cases.selectors.age_groups import age_groups_for
from cases.services.employment import employment_save, employment_stamp
from krat.choices import InstitutionKind
from krat.submissions.services import submission_open
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressFactory,
)
from tests.api.resources import LIST_RESOURCES
from tests.cases.factories import close_period, intervention, save_victims
from tests.factories import InstitutionFactory, PeriodFactory
from tests.meetings.factories import DecisionFactory, MeetingFactory
from tests.world import build_world


def add_records(world, n: int, start: int) -> None:
    """n of each kind of record, each with its own (police) institution and period, and
    the period's figures: a victims grid, an intervention, a Labour Office's employment path
    (the period then closed, so that an observer is given them too)."""
    plan = PlanFactory(county=world.own, year=2018 + start)
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    adults = [g for g in age_groups_for(world.own) if g.min_age >= 18]
    for i in range(start, start + n):
        institution = InstitutionFactory(county=world.own)
        period = PeriodFactory(
            county=world.own,
            label=f"P{i}",
            start_date=datetime.date(2030 + i, 1, 1),
            end_date=datetime.date(2030 + i, 4, 30),
            deadline=datetime.date(2030 + i, 5, 10),
        )
        submission_open(period=period, institution=institution)
        save_victims(period, institution, 7, 2, sex={"female": 2})
        intervention(
            world.own, institution, period.start_date, girls=2, boys=1, today=datetime.date(2100, 1, 1)
        )
        labour = InstitutionFactory(county=world.own, kind=InstitutionKind.LABOUR_OFFICE)
        employment_save(
            period=period,
            institution=labour,
            rows=[
                EmploymentFunnel(group=group, sex=sex, age_group=age, received=6, interviewed=4, ready=2)
                for group in ("economic_aid", "roma_egyptian")
                for sex in ("female", "male")
                for age in [*adults, None]
            ],
            expected_stamp=employment_stamp(period=period, institution=labour),
        )
        close_period(period)  # published: the observer's list holds its grids
        DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=institution)
        event = EventFactory(county=world.own, organiser=institution)
        event.partners.add(world.own_institution)
        activity = ActivityFactory(objective=objective, lead_institution=institution, code=f"1.{i}")
        ProgressFactory(activity=activity, period=world.period)


def count(client, url) -> tuple[int, int]:
    """The queries of a read of `url`, and its status."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response.status_code


# The secretariat reads exact figures; the observer's have small numbers hidden.
ROLES = ["secretariat", "observer"]


@pytest.fixture(scope="module")
def reads(django_db_setup, django_db_blocker, api_client):
    """Every list read by both roles with 2 records of each kind, then with 22: for each
    (role, resource), the queries and status of each read and the rows of the second.

    Built once for the module, in a transaction rolled back at its end: the reads only
    read (a token's first use is stamped, before the first count; a read of case figures
    is logged, in a table no list shows), so one world serves every resource."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        clients = {role: api_client(world.users[role]) for role in ROLES}
        pairs = [(role, resource) for role in ROLES for resource in LIST_RESOURCES]
        for role, resource in pairs:
            clients[role].get(f"/api/v1/{resource}/")  # the token's first use is stamped once
        add_records(world, 2, 0)
        few = {(role, resource): count(clients[role], f"/api/v1/{resource}/") for role, resource in pairs}
        add_records(world, 20, 2)
        many = {(role, resource): count(clients[role], f"/api/v1/{resource}/") for role, resource in pairs}
        rows = {
            (role, resource): len(clients[role].get(f"/api/v1/{resource}/").json()["results"])
            for role, resource in pairs
        }
        yield few, many, rows
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("resource", LIST_RESOURCES)
@pytest.mark.parametrize("role", ROLES)
def test_list_queries_do_not_grow_with_the_data(reads, resource, role):
    few, many, rows = (reads[0][role, resource], reads[1][role, resource], reads[2][role, resource])
    assert few[1] == many[1] == 200, (few, many)
    if resource != "age-groups" and (role, resource) != ("observer", "street-interventions"):
        assert rows > 20  # the records are in the list
    assert few[0] == many[0]
    assert many[0] <= 20
