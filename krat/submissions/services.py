"""Writes of period submissions: the state transitions and their refusals.

not started → draft → submitted → approved, with submitted → returned → submitted and
approved → returned (reopened by the secretariat, with a reason). Every refusal is a
`ValidationError` with a translated message and a code. A closed period refuses all.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from krat import generations
from krat.choices import Role
from krat.concurrency import ChangedSinceReadError, require_version, save_versioned
from krat.mail import send_templated_mail, site_url
from krat.models import (
    Institution,
    PartNothingToReport,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
    User,
)
from krat.models.submission import SECTIONS
from krat.submissions import parts as part_registry
from krat.submissions.rules import can_edit_submission, can_review

EDITABLE_FIELDS = [name for section in SECTIONS for name in (section, f"{section}_nothing_to_report")]
_STORED_FIELDS = ["state", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by", "return_comment"]


def submission_open(*, period: ReportingPeriod, institution: Institution) -> PeriodSubmission:
    """The institution's submission for the period, created (not started) if missing.
    A closed period keeps the submissions it has and gets no new one."""
    if institution.county_id != period.county_id:
        raise ValidationError(
            _("The institution belongs to another county."), code="institution_other_county"
        )
    existing = PeriodSubmission.objects.filter(period=period, institution=institution).first()
    if existing is not None:
        return existing
    _refuse_if_closed(PeriodSubmission(period=period, institution=institution))
    submission, _created = PeriodSubmission.objects.get_or_create(period=period, institution=institution)
    return submission


def _locked(submission: PeriodSubmission) -> PeriodSubmission:
    return (
        PeriodSubmission.objects.select_for_update(of=("self",))
        .select_related("period", "institution__county")
        .get(pk=submission.pk)
    )


def _locked_as_read(submission: PeriodSubmission, expected_version: int | None) -> PeriodSubmission:
    """The stored report, locked, if it is still the version the reviewer read: a report
    changed since (resubmitted, edited) is not approved or returned unseen."""
    stored = _locked(submission)
    if stored.version != require_version(expected_version):
        raise ChangedSinceReadError
    return stored


def _refuse_if_closed(stored: PeriodSubmission) -> None:
    if stored.period.is_closed:
        raise ValidationError(
            _("The period “%(period)s” is closed: nothing in it can be changed."),
            code="period_closed",
            params={"period": stored.period.label},
        )


def _refuse_unless_editable(stored: PeriodSubmission, user: User) -> None:
    _refuse_if_closed(stored)
    if not can_edit_submission(user, stored.institution):
        raise ValidationError(_("You cannot edit the submission of this institution."), code="not_allowed")
    if stored.state == SubmissionState.SUBMITTED:
        raise ValidationError(
            _(
                "This submission has been submitted and can no longer be edited; "
                "the secretariat can return it to you."
            ),
            code="submitted_locked",
        )
    if stored.state == SubmissionState.APPROVED:
        raise ValidationError(
            _("This submission is approved and locked; only the secretariat can reopen it, with a reason."),
            code="approved_locked",
        )


def _refuse_unless_reviewer(stored: PeriodSubmission, user: User) -> None:
    if not can_review(user, stored.period.county):
        raise ValidationError(
            _("Only the secretariat reviews submissions; a representative cannot return or approve them."),
            code="not_reviewer",
        )


def _keep_stored_state(submission: PeriodSubmission, stored: PeriodSubmission) -> None:
    """Never take the state or the review from the caller's copy: only the text."""
    for name in _STORED_FIELDS:
        setattr(submission, name, getattr(stored, name))
    submission.period = stored.period
    submission.institution = stored.institution


def _set_part_marks(submission: PeriodSubmission, keys: Collection[str]) -> set[str]:
    """Store which applicable parts are "nothing to report"; returns the stored keys.

    Raises ValidationError for a part marked so while it holds its figures: the report
    would say "nothing to report" beside the figures the county's tables count.
    """
    applicable = {p.key for p in part_registry.parts_for(submission.institution)}
    wanted = set(keys) & applicable
    if wanted:
        own = part_registry.part_statuses([submission], {})[submission.institution_id]
        filled = [s for s in own if s.part.key in wanted and s.state == part_registry.COMPLETE]
        if filled:
            raise ValidationError(
                [
                    ValidationError(
                        _(
                            "The part “%(part)s” holds figures: it cannot be “nothing to report”. "
                            "Untick it, or clear its figures first."
                        ),
                        code="nothing_to_report_with_figures",
                        params={"part": str(s.part.title)},
                    )
                    for s in filled
                ]
            )
    submission.parts_nothing_to_report.exclude(part_key__in=wanted).delete()
    existing = set(submission.parts_nothing_to_report.values_list("part_key", flat=True))
    PartNothingToReport.objects.bulk_create(
        [PartNothingToReport(submission=submission, part_key=key) for key in sorted(wanted - existing)]
    )
    generations.changed(PartNothingToReport)  # bulk_create sends no signal
    return wanted


def _saved_marks(submission: PeriodSubmission) -> set[str]:
    return set(submission.parts_nothing_to_report.values_list("part_key", flat=True))


@transaction.atomic
def submission_save_draft(
    *,
    submission: PeriodSubmission,
    user: User,
    expected_version: int,
    nothing_to_report_parts: Collection[str] | None = None,
) -> PeriodSubmission:
    """Save the text as it is (sections may be empty); a new submission becomes a draft.

    A returned submission stays "returned" until it is submitted again.
    """
    stored = _locked(submission)
    _refuse_unless_editable(stored, user)
    _keep_stored_state(submission, stored)
    if stored.state == SubmissionState.NOT_STARTED:
        submission.state = SubmissionState.DRAFT
    save_versioned(submission, expected_version=expected_version, fields=EDITABLE_FIELDS)
    if nothing_to_report_parts is not None:
        _set_part_marks(submission, nothing_to_report_parts)
    return submission


@transaction.atomic
def submission_submit(
    *,
    submission: PeriodSubmission,
    user: User,
    expected_version: int,
    nothing_to_report_parts: Collection[str] | None = None,
    now: datetime.datetime | None = None,
) -> PeriodSubmission:
    """Save the text and submit it. Every section must be filled or marked "nothing to
    report", and every applicable part complete or marked; else nothing is saved."""
    stored = _locked(submission)
    _refuse_unless_editable(stored, user)
    _keep_stored_state(submission, stored)
    marks = (
        _set_part_marks(submission, nothing_to_report_parts)
        if nothing_to_report_parts is not None
        else _saved_marks(submission)
    )
    errors: dict[str, list[ValidationError]] = {
        name: [
            ValidationError(
                _("Fill in this section or mark it “nothing to report”."), code="section_required"
            )
        ]
        for name in submission.empty_sections()
    }
    statuses = part_registry.part_statuses([submission], {submission.institution_id: marks})
    missing = [s for s in statuses[submission.institution_id] if s.is_missing]
    if missing:
        errors[NON_FIELD_ERRORS] = [
            ValidationError(
                _("The part “%(part)s” is missing: fill it in or mark it “nothing to report”."),
                code="part_missing",
                params={"part": str(s.part.title)},
            )
            for s in missing
        ]
    if errors:
        raise ValidationError(errors)
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = now or timezone.now()
    submission.submitted_by = user
    save_versioned(submission, expected_version=expected_version, fields=EDITABLE_FIELDS)
    return submission


@transaction.atomic
def submission_return(
    *,
    submission: PeriodSubmission,
    user: User,
    comment: str,
    expected_version: int | None,
    now: datetime.datetime | None = None,
) -> PeriodSubmission:
    """Send a submitted report back with a comment; its representatives get an e-mail.
    `expected_version` is the version the reviewer read (`_locked_as_read`)."""
    stored = _locked_as_read(submission, expected_version)
    _refuse_unless_reviewer(stored, user)
    _refuse_if_closed(stored)
    if stored.state != SubmissionState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."), code="not_submitted")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            _("Write a comment that tells the institution what to fix."), code="comment_required"
        )
    stored.state = SubmissionState.RETURNED
    stored.return_comment = comment
    _reviewed(stored, user, now)
    transaction.on_commit(lambda: send_returned_mail(submission=stored))
    return stored


@transaction.atomic
def submission_approve(
    *,
    submission: PeriodSubmission,
    user: User,
    expected_version: int | None,
    now: datetime.datetime | None = None,
) -> PeriodSubmission:
    """Approve a submitted report: it is locked from then on. `expected_version` is the
    version the reviewer read (`_locked_as_read`)."""
    stored = _locked_as_read(submission, expected_version)
    _refuse_unless_reviewer(stored, user)
    _refuse_if_closed(stored)
    if stored.state != SubmissionState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved."), code="not_submitted")
    stored.state = SubmissionState.APPROVED
    _reviewed(stored, user, now)
    return stored


@transaction.atomic
def submission_reopen(
    *, submission: PeriodSubmission, user: User, reason: str, now: datetime.datetime | None = None
) -> PeriodSubmission:
    """Unlock an approved report: it goes back to the institution as returned, with the
    reason as the comment; the reason is kept in the record's history."""
    stored = _locked(submission)
    _refuse_unless_reviewer(stored, user)
    _refuse_if_closed(stored)
    if stored.state != SubmissionState.APPROVED:
        raise ValidationError(_("Only an approved report can be reopened."), code="not_approved")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening."), code="reason_required")
    stored.state = SubmissionState.RETURNED
    stored.return_comment = reason
    stored._change_reason = reason
    _reviewed(stored, user, now)
    transaction.on_commit(lambda: send_returned_mail(submission=stored))
    return stored


def _reviewed(stored: PeriodSubmission, user: User, now: datetime.datetime | None) -> None:
    stored.reviewed_by = user
    stored.reviewed_at = now or timezone.now()
    stored.version += 1
    stored.full_clean()
    stored.save()


def institution_recipients(institution: Institution) -> list[User]:
    """Active representatives and deputies of the institution who have an e-mail address."""
    return list(
        User.objects.filter(institution=institution, role=Role.REPRESENTATIVE, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def send_returned_mail(*, submission: PeriodSubmission) -> int:
    """Tell the institution's representatives that their report came back, with the comment."""
    recipients = institution_recipients(submission.institution)
    for person in recipients:
        send_templated_mail(
            to=[person.email],
            template_prefix="email/submission_returned",
            context={
                "person": str(person),
                "institution": submission.institution.name,
                "period": submission.period.label,
                "deadline": submission.period.deadline,
                "comment": submission.return_comment,
                "url": site_url(reverse("krat:submission_edit", args=[submission.pk])),
            },
            language="sq",
        )
    return len(recipients)


def submission_edit_refusal(*, submission: PeriodSubmission, user: User) -> ValidationError | None:
    """Why `user` may not edit `submission` now (closed, submitted, approved), or None."""
    try:
        _refuse_unless_editable(submission, user)
    except ValidationError as error:
        return error
    return None
