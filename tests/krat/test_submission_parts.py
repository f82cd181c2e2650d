"""The registry of structured parts, with a fake part defined here."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from krat.choices import InstitutionKind
from krat.models import PartNothingToReport, PeriodSubmission, SubmissionState
from krat.submissions import parts, services
from krat.submissions.selectors import submission_board, submission_todo
from tests.krat.access_cases import FILLED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]

# Which (period, institution) pairs have filled the fake part in.
FILLED_IN: set[tuple[int, int]] = set()


@pytest.fixture
def victims_grid():
    FILLED_IN.clear()
    part = parts.register_part(
        parts.SubmissionPart(
            key="test.victims",
            title="Tabela e viktimave",
            applies_to=lambda institution: institution.kind == InstitutionKind.STATE_POLICE,
            state=lambda s: parts.COMPLETE if (s.period_id, s.institution_id) in FILLED_IN else parts.MISSING,
            url=lambda s: f"/te-dhena/{s.pk}/",
        )
    )
    yield part
    parts.unregister_part("test.victims")
    FILLED_IN.clear()


def submit(world, **kwargs):
    submission = services.submission_open(period=world.period, institution=world.own_institution)
    for name, value in FILLED.items():
        setattr(submission, name, value)
    return services.submission_submit(
        submission=submission, user=world.users["representative"], expected_version=1, **kwargs
    )


def test_a_part_applies_only_to_the_institutions_it_says(world, victims_grid):
    assert parts.parts_for(world.own_institution) == [victims_grid]
    assert parts.parts_for(world.other_institution) == []


def test_submitting_with_a_missing_part_is_refused(world, victims_grid):
    with pytest.raises(ValidationError) as error:
        submit(world)
    assert [e.code for e in error.value.error_dict["__all__"]] == ["part_missing"]
    assert "Tabela e viktimave" in error.value.messages[0]


def test_nothing_to_report_for_a_part_is_valid_and_recorded(world, victims_grid):
    submission = submit(world, nothing_to_report_parts={"test.victims", "unknown.part"})
    assert submission.state == SubmissionState.SUBMITTED
    assert list(PartNothingToReport.objects.values_list("part_key", flat=True)) == ["test.victims"]
    rows = submission_board(period=world.period).rows
    row = next(r for r in rows if r.institution == world.own_institution)
    assert [(p.part.key, p.state) for p in row.parts] == [("test.victims", parts.NOTHING_TO_REPORT)]
    assert row.is_complete


def test_nothing_to_report_is_refused_for_a_part_that_holds_figures(world, victims_grid):
    """Found by a tester: police with 1,680 victims entered submitted "nothing to report"."""
    FILLED_IN.add((world.period.pk, world.own_institution.pk))
    with pytest.raises(ValidationError, match="holds figures") as error:
        submit(world, nothing_to_report_parts={"test.victims"})
    assert [e.code for e in error.value.error_list] == ["nothing_to_report_with_figures"]
    assert not PartNothingToReport.objects.exists()
    assert not PeriodSubmission.objects.filter(state=SubmissionState.SUBMITTED).exists()


def test_figures_entered_after_the_mark_are_what_the_part_holds(world, victims_grid):
    submission = services.submission_open(period=world.period, institution=world.own_institution)
    services.submission_save_draft(
        submission=submission,
        user=world.users["representative"],
        expected_version=1,
        nothing_to_report_parts={"test.victims"},
    )
    FILLED_IN.add((world.period.pk, world.own_institution.pk))
    row = next(
        r for r in submission_board(period=world.period).rows if r.institution == world.own_institution
    )
    assert [(p.part.key, p.state) for p in row.parts] == [("test.victims", parts.COMPLETE)]


def test_a_complete_part_lets_the_report_through(world, victims_grid):
    FILLED_IN.add((world.period.pk, world.own_institution.pk))
    assert submit(world).state == SubmissionState.SUBMITTED


def test_unticking_removes_the_mark(world, victims_grid):
    submission = services.submission_open(period=world.period, institution=world.own_institution)
    user = world.users["representative"]
    services.submission_save_draft(
        submission=submission, user=user, expected_version=1, nothing_to_report_parts={"test.victims"}
    )
    submission = PeriodSubmission.objects.get(pk=submission.pk)
    services.submission_save_draft(
        submission=submission, user=user, expected_version=2, nothing_to_report_parts=set()
    )
    assert not PartNothingToReport.objects.exists()


def test_the_todo_page_and_the_board_show_missing_parts(world, victims_grid, client):
    rows = submission_todo(user=world.users["representative"])
    assert [p.part.title for p in rows[0].missing_parts] == ["Tabela e viktimave"]
    client.force_login(world.users["representative"])
    page = client.get(reverse("krat:submission_todo", args=[world.own.slug])).content.decode()
    assert "Tabela e viktimave" in page
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("krat:submission_board", args=[world.period.pk])).content.decode()
    assert "Tabela e viktimave" in page


def test_the_form_offers_a_nothing_to_report_box_per_part(world, victims_grid, client):
    submission = services.submission_open(period=world.period, institution=world.own_institution)
    client.force_login(world.users["representative"])
    url = reverse("krat:submission_edit", args=[submission.pk])
    assert "part__test.victims" in client.get(url).content.decode()
    response = client.post(url, {**FILLED, "version": 1, "action": "submit", "part__test.victims": "on"})
    assert response.status_code == 302
    assert PeriodSubmission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED


def test_a_bulk_states_function_is_called_once_for_the_board(world):
    calls = []

    def states(submissions):
        calls.append(len(submissions))
        return {s.institution_id: parts.COMPLETE for s in submissions}

    parts.register_part(
        parts.SubmissionPart(
            key="test.bulk",
            title="Pjesa",
            applies_to=lambda institution: True,
            state=lambda s: pytest.fail("the board must use the bulk form"),
            url=lambda s: "/",
            states=states,
        )
    )
    try:
        board = submission_board(period=world.period)
    finally:
        parts.unregister_part("test.bulk")
    assert calls == [2]
    assert all(row.parts[0].state == parts.COMPLETE for row in board.rows)
