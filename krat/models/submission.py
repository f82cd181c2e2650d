"""Period submissions: each member institution's report for a reporting period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.collation import albanian
from krat.models.base import StrOrPromise, Versioned, field_label
from krat.models.institution import Institution
from krat.models.period import ReportingPeriod


class SubmissionState(models.TextChoices):
    """The stored state; "submitted on time" and "late" are derived from `submitted_at`."""

    NOT_STARTED = "not_started", _("not started")
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


# The narrative sections, in the order a report reads; each has `<name>_nothing_to_report`.
SECTIONS = [
    "situation_assessment",
    "action_plan",
    "cooperation",
    "results",
    "problems",
    "proposals",
]


def _section(label: StrOrPromise) -> models.TextField:
    return models.TextField(label, blank=True)


def _nothing(label: StrOrPromise) -> models.BooleanField:
    return models.BooleanField(label, default=False)


class PeriodSubmission(Versioned):
    """One member institution's report for one reporting period.

    Rows are made lazily: a missing row means "not started" to every selector (the
    completeness board never writes), and `submission_open` creates the row
    (get-or-create) the first time someone who writes for the institution opens its
    report, or when the period's first reminder needs one. Nothing is created by a
    signal. Member institution = active member of the period's county's Technical Table.

    The narrative is plain text in six sections; a section may be empty in a draft and
    must be filled on submit unless it is marked "nothing to report". Whether a
    submission was on time is derived from `submitted_at` and the period's deadline.
    Writes go through `krat.submissions.services`.
    """

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("reporting period"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("institution"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.NOT_STARTED
    )
    situation_assessment = _section(_("situation assessment"))
    situation_assessment_nothing_to_report = _nothing(_("situation assessment: nothing to report"))
    action_plan = _section(_("action plan implementation"))
    action_plan_nothing_to_report = _nothing(_("action plan implementation: nothing to report"))
    cooperation = _section(_("cooperation with other institutions"))
    cooperation_nothing_to_report = _nothing(_("cooperation with other institutions: nothing to report"))
    results = _section(_("results"))
    results_nothing_to_report = _nothing(_("results: nothing to report"))
    problems = _section(_("problems met"))
    problems_nothing_to_report = _nothing(_("problems met: nothing to report"))
    proposals = _section(_("proposals"))
    proposals_nothing_to_report = _nothing(_("proposals: nothing to report"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    return_comment = models.TextField(_("comment of the secretariat"), blank=True)
    history = HistoricalRecords()
    # Set on an instance before save() to label (and attribute) the history row it writes.
    _change_reason: str

    class Meta:
        verbose_name = _("period submission")
        verbose_name_plural = _("period submissions")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = ["period", albanian("institution__name")]  # type: ignore[list-item]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution"],
                name="%(app_label)s_%(class)s_one_per_institution_and_period",
                violation_error_message=_("This institution already has a submission for this period."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=SubmissionState.values),
                name="%(app_label)s_%(class)s_valid_state",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED])
                | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[SubmissionState.RETURNED, SubmissionState.APPROVED])
                | Q(reviewed_at__isnull=False),
                name="%(app_label)s_%(class)s_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.period}"

    @property
    def is_complete(self) -> bool:
        """Counts as complete on the board: submitted (on time or late) or approved."""
        return self.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)

    @property
    def is_late(self) -> bool:
        """Submitted after the deadline day (local time); False while not submitted."""
        if self.submitted_at is None or not self.is_complete:
            return False
        return timezone.localdate(self.submitted_at) > self.period.deadline

    @property
    def is_editable_state(self) -> bool:
        return self.state in (SubmissionState.NOT_STARTED, SubmissionState.DRAFT, SubmissionState.RETURNED)

    def sections(self) -> list[tuple[str, str, str, bool]]:
        """(name, label, text, nothing to report) of each narrative section, in order."""
        return [
            (
                name,
                str(field_label(type(self), name)),
                getattr(self, name),
                getattr(self, f"{name}_nothing_to_report"),
            )
            for name in SECTIONS
        ]

    def empty_sections(self) -> list[str]:
        """Names of the sections that are empty and not marked "nothing to report"."""
        return [
            name
            for name in SECTIONS
            if not getattr(self, name).strip() and not getattr(self, f"{name}_nothing_to_report")
        ]


class PartNothingToReport(models.Model):
    """A structured part (see `krat.submissions.parts`) the institution marked
    "nothing to report this period": a valid, on-time answer, not a missing one."""

    submission = models.ForeignKey(
        PeriodSubmission,
        on_delete=models.CASCADE,
        related_name="parts_nothing_to_report",
        verbose_name=_("period submission"),
    )
    part_key = models.CharField(_("part"), max_length=60)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("part with nothing to report")
        verbose_name_plural = _("parts with nothing to report")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "part_key"],
                name="%(app_label)s_%(class)s_once_per_part",
            ),
        ]

    def __str__(self) -> str:
        return self.part_key


class ReminderStep(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("before the deadline")
    AFTER_DEADLINE = "after_deadline", _("after the deadline")
    MANUAL = "manual", _("sent from the board")
    CHAIR_MISSING = "chair_missing", _("list of missing institutions for the chair")


class SubmissionReminder(models.Model):
    """A reminder e-mail sent, kept so the same step never goes to the same person twice.

    Before and after the deadline: once per person, institution and period. From the
    board: once a day. The chair's list of missing institutions: once per period.
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("reporting period")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    step = models.CharField(_("step"), max_length=20, choices=ReminderStep.choices)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=ReminderStep.values),
                name="%(app_label)s_%(class)s_valid_step",
            ),
            models.CheckConstraint(
                condition=Q(step=ReminderStep.CHAIR_MISSING, institution__isnull=True)
                | (~Q(step=ReminderStep.CHAIR_MISSING) & Q(institution__isnull=False)),
                name="%(app_label)s_%(class)s_institution_unless_chair_list",
            ),
            models.UniqueConstraint(
                fields=["period", "institution", "person", "step"],
                condition=Q(step__in=[ReminderStep.BEFORE_DEADLINE, ReminderStep.AFTER_DEADLINE]),
                name="%(app_label)s_%(class)s_once_per_step",
            ),
            models.UniqueConstraint(
                fields=["period", "institution", "person", "sent_on"],
                condition=Q(step=ReminderStep.MANUAL),
                name="%(app_label)s_%(class)s_manual_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["period", "person"],
                condition=Q(step=ReminderStep.CHAIR_MISSING),
                name="%(app_label)s_%(class)s_chair_list_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.sent_on}"
