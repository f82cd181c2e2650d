"""The apps' structured parts of a period submission: who they apply to and when they are complete."""

from django.urls import reverse

from krat.models import PeriodSubmission
from krat.submissions.parts import COMPLETE, MISSING, part, part_statuses
from krat.submissions.selectors import submission_board
from tests.actionplan.factories import ActivityFactory, PlanFactory, ProgressFactory
from tests.cases.factories import save_victims
from tests.factories import InstitutionFactory


def statuses(world, institution):
    submission = PeriodSubmission(period=world.period, institution=institution)
    return {s.part.key: s.state for s in part_statuses([submission], {})[institution.pk]}


def test_the_police_report_victims_and_street_children_the_labour_office_employment(world):
    assert statuses(world, world.own_institution) == {
        "cases.victims": MISSING,
        "cases.street_children": MISSING,
    }
    assert statuses(world, world.other_institution) == {"cases.employment": MISSING}


def test_a_saved_victims_grid_completes_the_part(world):
    save_victims(world.period, world.own_institution, 4)
    assert statuses(world, world.own_institution)["cases.victims"] == COMPLETE
    assert part("cases.victims").url(
        PeriodSubmission(period=world.period, institution=world.own_institution)
    ) == (reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk]))


def test_action_plan_progress_is_due_for_every_activity_the_institution_leads(world):
    plan = PlanFactory(county=world.own, year=2018)
    led = [
        ActivityFactory(objective__pillar__plan=plan, lead_institution=world.other_institution)
        for _ in range(2)
    ]
    assert statuses(world, world.other_institution)["actionplan.progress"] == MISSING
    ProgressFactory(activity=led[0], period=world.period)
    assert statuses(world, world.other_institution)["actionplan.progress"] == MISSING
    ProgressFactory(activity=led[1], period=world.period)
    assert statuses(world, world.other_institution)["actionplan.progress"] == COMPLETE
    assert "actionplan.progress" not in statuses(world, world.own_institution)


def test_the_board_asks_each_part_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        submission_board(period=world.period)
    for number in range(15):
        InstitutionFactory(county=world.own, name=f"Policia {number}", kind=world.own_institution.kind)
    with django_assert_max_num_queries(len(few.captured_queries)):
        board = submission_board(period=world.period)
    assert len(board.rows) == 17
