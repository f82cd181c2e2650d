"""Schemathesis against the served OpenAPI schema, in-process (WSGI): every operation,
a bounded number of generated requests, as the secretariat and as a representative.
No request may end in a server error, and every documented response must match the
schema."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from cases.models import EmploymentFunnel
from cases.services.employment import employment_save, employment_stamp
from krat.api.tokens import token_create
from krat.wsgi import application
from tests.cases.factories import intervention, save_victims
from tests.meetings.factories import DecisionFactory, MeetingFactory
from tests.world import build_world

ROLES = ["secretariat", "representative"]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def keys(db) -> dict[str, str]:
    """A world with figures, an intervention and a decision to find, and a token for each role."""
    world = build_world()
    save_victims(world.period, world.own_institution, 4, 1)
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2)
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[EmploymentFunnel(group="economic_aid", sex="female", received=5, interviewed=2)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    meeting = MeetingFactory(county=world.own, period=world.period)
    DecisionFactory(meeting=meeting, responsible=world.own_institution)
    return {role: token_create(user=world.users[role], name="schemathesis")[1] for role in ROLES}


@pytest.fixture(autouse=True)
def _requests_in_the_test_transaction(db):
    """Requests run inside the test's transaction: the handler must not close the
    connection at the end of each request (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def served_schema() -> dict:
    """The schema exactly as /api/v1/schema/?format=json serves it (made without a request)."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec))


# schemathesis' lazy loader (pytest.from_fixture) does not run under pytest 9, so the
# schema is built at import; no database is needed for it.
schema = schemathesis.openapi.from_dict(served_schema())
schema.app = application


@schema.parametrize()
@FUZZ
def test_the_api_keeps_to_its_schema_for_the_secretariat(case, keys):
    case.call_and_validate(headers={"Authorization": f"Token {keys['secretariat']}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_api_keeps_to_its_schema_for_a_representative(case, keys):
    case.call_and_validate(headers={"Authorization": f"Token {keys['representative']}"}, checks=CHECKS)
