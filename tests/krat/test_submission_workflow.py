"""Each transition of a period submission, and each refusal, at the service level."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from krat.choices import Role
from krat.concurrency import StaleEditError
from krat.models import PeriodSubmission, SubmissionState
from krat.submissions import services
from krat.submissions.selectors import BoardState, board_state
from tests.factories import UserFactory
from tests.krat.access_cases import FILLED, make_submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def rep(world):
    return world.users["representative"]


@pytest.fixture
def staff(world):
    return world.users["secretariat"]


@pytest.fixture
def fresh(world):
    return services.submission_open(period=world.period, institution=world.own_institution)


def fill(submission, **fields):
    for name, value in {**FILLED, **fields}.items():
        setattr(submission, name, value)
    return submission


def submit(submission, user, **kwargs):
    return services.submission_submit(
        submission=submission, user=user, expected_version=submission.version, **kwargs
    )


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


class TestOpening:
    def test_opening_twice_gives_the_same_not_started_row(self, world, fresh):
        again = services.submission_open(period=world.period, institution=world.own_institution)
        assert again.pk == fresh.pk
        assert fresh.state == SubmissionState.NOT_STARTED
        assert PeriodSubmission.objects.count() == 1

    def test_an_institution_of_another_county_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.submission_open(period=world.period, institution=world.foreign_institution)
        assert codes(error.value) == {"institution_other_county"}

    def test_a_closed_period_keeps_its_submissions_and_gets_no_new_one(self, world, fresh):
        world.period.is_closed = True
        world.period.save()
        assert services.submission_open(period=world.period, institution=world.own_institution) == fresh
        with pytest.raises(ValidationError) as error:
            services.submission_open(period=world.period, institution=world.other_institution)
        assert codes(error.value) == {"period_closed"}
        assert PeriodSubmission.objects.count() == 1


class TestDraftAndSubmit:
    def test_a_draft_may_have_empty_sections(self, fresh, rep):
        fresh.situation_assessment = "Vetëm fillimi."
        saved = services.submission_save_draft(submission=fresh, user=rep, expected_version=1)
        saved.refresh_from_db()
        assert saved.state == SubmissionState.DRAFT
        assert saved.version == 2
        assert saved.situation_assessment == "Vetëm fillimi."

    def test_submitting_on_time(self, world, fresh, rep):
        submitted = submit(fill(fresh), rep, now=aware(world.period.deadline, 23))
        submitted.refresh_from_db()
        assert submitted.state == SubmissionState.SUBMITTED
        assert submitted.submitted_by == rep
        assert not submitted.is_late
        assert board_state(submitted) == BoardState.ON_TIME

    def test_submitting_after_the_deadline_is_accepted_and_labelled_late(self, world, fresh, rep):
        late = submit(fill(fresh), rep, now=aware(world.period.deadline + datetime.timedelta(days=1), 1))
        assert late.is_late
        assert board_state(late) == BoardState.LATE
        assert str(BoardState.LATE.label) == "submitted late"

    def test_submitting_with_empty_sections_is_refused_and_nothing_saved(self, fresh, rep):
        fill(fresh, results="", proposals="   ")
        with pytest.raises(ValidationError) as error:
            submit(fresh, rep)
        assert set(error.value.error_dict) == {"results", "proposals"}
        assert codes(error.value) == {"section_required"}
        stored = PeriodSubmission.objects.get(pk=fresh.pk)
        assert stored.state == SubmissionState.NOT_STARTED
        assert stored.situation_assessment == ""

    def test_nothing_to_report_makes_an_empty_section_valid(self, fresh, rep):
        fill(fresh, problems="", problems_nothing_to_report=True)
        submitted = submit(fresh, rep)
        assert submitted.state == SubmissionState.SUBMITTED
        assert PeriodSubmission.objects.get(pk=fresh.pk).problems_nothing_to_report

    def test_editing_after_submission_is_refused(self, world, rep):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        submission.results = "Ndryshim pas dorëzimit"
        with pytest.raises(ValidationError) as error:
            services.submission_save_draft(submission=submission, user=rep, expected_version=1)
        assert codes(error.value) == {"submitted_locked"}
        assert PeriodSubmission.objects.get(pk=submission.pk).results == FILLED["results"]

    def test_editing_after_approval_is_refused(self, world, rep):
        submission = make_submission(world.period, world.own_institution, SubmissionState.APPROVED)
        with pytest.raises(ValidationError) as error:
            submit(submission, rep)
        assert codes(error.value) == {"approved_locked"}

    def test_another_institutions_representative_cannot_save(self, world, fresh):
        with pytest.raises(ValidationError) as error:
            services.submission_save_draft(
                submission=fresh, user=world.users["other_representative"], expected_version=1
            )
        assert codes(error.value) == {"not_allowed"}

    def test_a_deputy_writes_like_the_representative(self, world, fresh):
        deputy = UserFactory(
            role=Role.REPRESENTATIVE, county=world.own, institution=world.own_institution, position="deputy"
        )
        assert submit(fill(fresh), deputy).state == SubmissionState.SUBMITTED

    def test_the_state_is_never_taken_from_the_callers_copy(self, fresh, rep):
        fresh.state = SubmissionState.APPROVED
        saved = services.submission_save_draft(submission=fresh, user=rep, expected_version=1)
        assert saved.state == SubmissionState.DRAFT


class TestReview:
    @pytest.fixture
    def submitted(self, world):
        return make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)

    def test_return_with_a_comment_tells_the_representatives(
        self, world, submitted, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            returned = services.submission_return(
                submission=submitted,
                user=staff,
                comment="Plotësoni rezultatet.",
                expected_version=submitted.version,
            )
        returned.refresh_from_db()
        assert returned.state == SubmissionState.RETURNED
        assert returned.return_comment == "Plotësoni rezultatet."
        assert returned.reviewed_by == staff and returned.reviewed_at is not None
        assert [m.to for m in mail.outbox] == [[world.users["representative"].email]]

    def test_return_without_a_comment_is_refused(self, submitted, staff):
        with pytest.raises(ValidationError) as error:
            services.submission_return(
                submission=submitted, user=staff, comment="  ", expected_version=submitted.version
            )
        assert codes(error.value) == {"comment_required"}

    def test_after_return_the_representative_fixes_and_resubmits(self, submitted, staff, rep):
        services.submission_return(
            submission=submitted,
            user=staff,
            comment="Mungon bashkëpunimi.",
            expected_version=submitted.version,
        )
        submission = PeriodSubmission.objects.get(pk=submitted.pk)
        submission.cooperation = "Takime të përbashkëta me policinë."
        draft = services.submission_save_draft(
            submission=submission, user=rep, expected_version=submission.version
        )
        assert draft.state == SubmissionState.RETURNED  # stays returned until submitted again
        again = submit(PeriodSubmission.objects.get(pk=submitted.pk), rep)
        assert again.state == SubmissionState.SUBMITTED

    def test_approve_locks(self, submitted, staff, rep):
        approved = services.submission_approve(
            submission=submitted, user=staff, expected_version=submitted.version
        )
        assert approved.state == SubmissionState.APPROVED
        assert approved.reviewed_by == staff
        with pytest.raises(ValidationError):
            services.submission_save_draft(submission=approved, user=rep, expected_version=approved.version)

    @pytest.mark.parametrize("role", ["representative", "chair", "observer", "other_representative"])
    def test_only_the_secretariat_reviews(self, world, submitted, role):
        for action in (
            lambda u: services.submission_approve(
                submission=submitted, user=u, expected_version=submitted.version
            ),
            lambda u: services.submission_return(
                submission=submitted, user=u, comment="Jo", expected_version=submitted.version
            ),
        ):
            with pytest.raises(ValidationError) as error:
                action(world.users[role])
            assert codes(error.value) == {"not_reviewer"}
        assert PeriodSubmission.objects.get(pk=submitted.pk).state == SubmissionState.SUBMITTED

    def test_a_representative_cannot_approve_even_their_own(self, world, submitted):
        with pytest.raises(ValidationError) as error:
            services.submission_approve(
                submission=submitted, user=world.users["representative"], expected_version=submitted.version
            )
        assert codes(error.value) == {"not_reviewer"}

    @pytest.mark.parametrize(
        "state", [SubmissionState.DRAFT, SubmissionState.RETURNED, SubmissionState.APPROVED]
    )
    def test_only_a_submitted_report_is_returned_or_approved(self, world, staff, state):
        submission = make_submission(world.period, world.own_institution, state)
        with pytest.raises(ValidationError) as error:
            services.submission_approve(
                submission=submission, user=staff, expected_version=submission.version
            )
        assert codes(error.value) == {"not_submitted"}
        with pytest.raises(ValidationError) as error:
            services.submission_return(
                submission=submission, user=staff, comment="x", expected_version=submission.version
            )
        assert codes(error.value) == {"not_submitted"}


class TestReopen:
    @pytest.fixture
    def approved(self, world):
        return make_submission(world.period, world.own_institution, SubmissionState.APPROVED)

    def test_reopen_needs_a_reason_and_keeps_it_in_the_history(
        self, approved, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            reopened = services.submission_reopen(
                submission=approved, user=staff, reason="Shifrat e viktimave ndryshuan."
            )
        assert reopened.state == SubmissionState.RETURNED
        assert reopened.return_comment == "Shifrat e viktimave ndryshuan."
        assert approved.history.first().history_change_reason == "Shifrat e viktimave ndryshuan."
        assert len(mail.outbox) == 1

    def test_reopen_without_a_reason_is_refused(self, approved, staff):
        with pytest.raises(ValidationError) as error:
            services.submission_reopen(submission=approved, user=staff, reason="")
        assert codes(error.value) == {"reason_required"}

    def test_only_an_approved_report_is_reopened(self, world, staff):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        with pytest.raises(ValidationError) as error:
            services.submission_reopen(submission=submission, user=staff, reason="Pse jo")
        assert codes(error.value) == {"not_approved"}

    def test_a_representative_cannot_reopen(self, world, approved):
        with pytest.raises(ValidationError) as error:
            services.submission_reopen(submission=approved, user=world.users["representative"], reason="x")
        assert codes(error.value) == {"not_reviewer"}


class TestClosedPeriod:
    @pytest.mark.parametrize(
        "state", [SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.APPROVED]
    )
    def test_closing_a_period_locks_everything_in_it(self, world, staff, rep, state):
        submission = make_submission(world.period, world.own_institution, state)
        world.period.is_closed = True
        world.period.save()
        attempts = [
            lambda: services.submission_save_draft(submission=submission, user=rep, expected_version=1),
            lambda: submit(submission, rep),
            lambda: services.submission_return(
                submission=submission, user=staff, comment="x", expected_version=submission.version
            ),
            lambda: services.submission_approve(
                submission=submission, user=staff, expected_version=submission.version
            ),
            lambda: services.submission_reopen(submission=submission, user=staff, reason="x"),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError) as error:
                attempt()
            assert codes(error.value) == {"period_closed"}
        assert PeriodSubmission.objects.get(pk=submission.pk).state == state


class TestConcurrency:
    def test_the_second_of_two_concurrent_saves_is_refused_and_names_the_changed_field(self, fresh, rep):
        first = PeriodSubmission.objects.get(pk=fresh.pk)
        second = PeriodSubmission.objects.get(pk=fresh.pk)
        first.results = "Teksti i parë"
        second.results = "Teksti i dytë"
        services.submission_save_draft(submission=first, user=rep, expected_version=1)
        with pytest.raises(StaleEditError) as error:
            services.submission_save_draft(submission=second, user=rep, expected_version=1)
        assert "results" in error.value.messages[0]
        stored = PeriodSubmission.objects.get(pk=fresh.pk)
        assert stored.results == "Teksti i parë"
        assert stored.version == 2


class TestDatabaseRules:
    def test_an_unknown_state_is_refused_by_the_database(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            PeriodSubmission.objects.create(
                period=world.period, institution=world.own_institution, state="lost"
            )

    def test_a_submitted_row_without_a_time_is_refused_by_the_database(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            PeriodSubmission.objects.create(
                period=world.period, institution=world.own_institution, state=SubmissionState.SUBMITTED
            )

    def test_one_submission_per_institution_and_period(self, world):
        make_submission(world.period, world.own_institution)
        with pytest.raises(IntegrityError), transaction.atomic():
            PeriodSubmission.objects.create(period=world.period, institution=world.own_institution)
