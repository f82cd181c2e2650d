"""Meetings of a county's Technical Table or KRAT plenary: agenda, attendance, minutes,
decisions and attached documents.

The minutes (introduction, chair's remarks, each agenda item's discussion, attendance
and decisions) are locked while approved; `meetings.services` refuses edits then.
Only the status of a decision moves on after approval: that is the follow-up.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.collation import albanian
from krat.inputs import NeutralisesBidi
from krat.models import County, Institution, ReportingPeriod, User
from krat.models.base import StoredPdf, Versioned
from meetings.choices import (
    FINISHED_DECISION_STATUSES,
    AttendanceStatus,
    Body,
    DecisionStatus,
    MeetingStatus,
    MinutesStatus,
)

# An agenda's order numbers (far above any meeting's agenda; an order number only sorts).
MAX_POSITION = 999


class Meeting(Versioned):
    """One meeting of a county's Technical Table or KRAT plenary, with its minutes."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("county")
    )
    body = models.CharField(_("body"), max_length=20, choices=Body.choices, default=Body.TECHNICAL_TABLE)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        null=True,
        blank=True,
        verbose_name=_("chair"),
    )
    action_plan = models.ForeignKey(
        "actionplan.ActionPlan",
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("action plan"),
        help_text=_("The county's plan the meeting is held under; found from the date when left empty."),
    )
    action_plan_label = models.CharField(
        _("other action plan"),
        max_length=200,
        blank=True,
        help_text=_("Only for a plan that is not kept in the application, e.g. a national one."),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("reporting period"),
    )
    invited_institutions = models.ManyToManyField(
        Institution, related_name="invited_to_meetings", blank=True, verbose_name=_("invited institutions")
    )
    other_invitees = models.TextField(
        _("other invited actors"),
        blank=True,
        help_text=_(
            "NGOs, international organisations and other actors, one per line. Write an e-mail "
            "address after a name to send them the invitation too: OIM Tiranë <info@oim.al>."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    invitations_sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    # The minutes.
    introduction = models.TextField(_("introduction"), blank=True)
    chair_remarks = models.TextField(_("chair's opening remarks"), blank=True)
    guests = models.TextField(_("guests"), blank=True, help_text=_("Guests who attended, one per line."))
    minutes_status = models.CharField(
        _("minutes"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    history = HistoricalRecords()
    # Set on an instance before save() to label (and attribute) the history row it writes.
    _change_reason: str

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(minutes_status=MinutesStatus.APPROVED) | Q(status=MeetingStatus.HELD),
                name="%(app_label)s_%(class)s_approved_only_when_held",
                violation_error_message=_("Only the minutes of a meeting that was held can be approved."),
            ),
        ]
        indexes = [models.Index(fields=["county", "body", "starts_at"])]

    def __str__(self) -> str:
        return (
            f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y})" if self.starts_at else self.title
        )

    @property
    def date(self) -> datetime.date:
        return timezone.localdate(self.starts_at)

    @property
    def is_locked(self) -> bool:
        """Approved minutes change only after the chair reopens them."""
        return self.minutes_status == MinutesStatus.APPROVED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def has_started(self) -> bool:
        """Whether the meeting's start has come: only then can it be marked held."""
        return self.starts_at is not None and self.starts_at <= timezone.now()

    @property
    def other_invitee_list(self) -> list[str]:
        """The other invited actors by name (an address written beside a name is not printed)."""
        return [name for name, _address in self._other_invitees()]

    @property
    def other_invitee_addresses(self) -> list[str]:
        """The e-mail addresses written beside other invited actors ("OIM Tiranë <info@oim.al>")."""
        return [address for _name, address in self._other_invitees() if address]

    def _other_invitees(self) -> list[tuple[str, str]]:
        """(name, e-mail address or "") of each line of `other_invitees`."""
        found = []
        for line in filter(None, (raw.strip() for raw in self.other_invitees.splitlines())):
            name, address = parseaddr(line)
            if _is_email(address):
                found.append((name.strip() or address, address))
            else:
                found.append((line, ""))
        return found

    @property
    def guest_list(self) -> list[str]:
        return [line.strip() for line in self.guests.splitlines() if line.strip()]

    @property
    def action_plan_name(self) -> str:
        return self.action_plan.title if self.action_plan is not None else self.action_plan_label

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.status == MeetingStatus.HELD and self.starts_at and self.starts_at > timezone.now():
            errors["status"] = ValidationError(
                _("A meeting cannot be marked held before its date (%(date)s)."),
                code="held_in_future",
                params={"date": f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"},
            )
        if (
            self.chair_id
            and self.county_id
            and self.chair is not None
            and self.chair.county_id != self.county_id
        ):
            errors["chair"] = ValidationError(_("The chair belongs to another county."), code="chair_county")
        if (
            self.action_plan_id
            and self.county_id
            and self.action_plan is not None
            and self.action_plan.county_id != self.county_id
        ):
            errors["action_plan"] = ValidationError(
                _("The action plan belongs to another county."), code="action_plan_county"
            )
        if self.period_id and self.county_id and self.period is not None:
            if self.period.county_id != self.county_id:
                errors["period"] = ValidationError(
                    _("The reporting period belongs to another county."), code="period_county"
                )
            elif self.starts_at and not self.period.contains(self.date):
                errors["period"] = ValidationError(
                    _("The meeting's date is not in the reporting period “%(label)s”."),
                    code="period_dates",
                    params={"label": self.period.label},
                )
        if errors:
            raise ValidationError(errors)


class AgendaItem(Versioned):
    """One item of a meeting's ordered agenda, with the discussion the minutes record."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("order"), validators=[MaxValueValidator(MAX_POSITION)])
    title = models.CharField(_("title"), max_length=300)
    presenter = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("presenting institution"),
    )
    discussion = models.TextField(_("discussion summary"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("The agenda already has an item at this place."),
            ),
            models.CheckConstraint(
                condition=Q(position__lte=MAX_POSITION), name="%(app_label)s_%(class)s_position_bound"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def clean(self) -> None:
        super().clean()
        if (
            self.presenter_id
            and self.meeting_id
            and self.presenter is not None
            and self.presenter.county_id != self.meeting.county_id
        ):
            raise ValidationError(
                {
                    "presenter": ValidationError(
                        _("The institution belongs to another county."), code="presenter_county"
                    )
                }
            )


class Attendance(NeutralisesBidi, models.Model):
    """Whether an institution came to a held meeting, and who represented it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    attendee = models.CharField(
        _("who came"), max_length=200, blank=True, help_text=_("Name and function of the representative.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        # Django orders by any expression; the stubs accept only names and OrderBy.
        ordering = ["meeting", albanian("institution__name")]  # type: ignore[list-item]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "institution"],
                name="%(app_label)s_%(class)s_one_per_institution",
                violation_error_message=_("This institution's attendance is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_status_display()}"

    def clean(self) -> None:
        super().clean()
        if self.meeting_id and not self.meeting.is_held:
            raise ValidationError(
                _("Attendance can be recorded only for a meeting that has been held."), code="not_held"
            )
        if self.institution_id and self.meeting_id and self.institution.county_id != self.meeting.county_id:
            raise ValidationError(
                {
                    "institution": ValidationError(
                        _("The institution belongs to another county."), code="institution_county"
                    )
                }
            )


class Decision(Versioned):
    """A decision of a meeting: a task for one institution, due by a date, followed up
    on later agendas until it is done or closed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        related_name="decisions",
        null=True,
        blank=True,
        verbose_name=_("agenda item"),
    )
    text = models.TextField(_("decision"))
    responsible = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("responsible institution"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    status_note = models.CharField(_("note on the status"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_pending(self) -> bool:
        return self.status not in FINISHED_DECISION_STATUSES

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if not self.meeting_id:
            return
        if not self.meeting.is_held and not self.pk:
            errors["__all__"] = ValidationError(
                _("Decisions can be recorded only for a meeting that has been held."), code="not_held"
            )
        if self.due_date and self.due_date < self.meeting.date:
            errors["due_date"] = ValidationError(
                _("The due date cannot be before the meeting (%(date)s)."),
                code="due_before_meeting",
                params={"date": f"{self.meeting.date:%d.%m.%Y}"},
            )
        if self.responsible_id and self.responsible.county_id != self.meeting.county_id:
            errors["responsible"] = ValidationError(
                _("The institution belongs to another county."), code="responsible_county"
            )
        if (
            self.agenda_item_id
            and self.agenda_item is not None
            and self.agenda_item.meeting_id != self.meeting_id
        ):
            errors["agenda_item"] = ValidationError(
                _("The agenda item belongs to another meeting."), code="agenda_item_meeting"
            )
        if errors:
            raise ValidationError(errors)


class MinutesVersion(NeutralisesBidi, StoredPdf):
    """The summary of a meeting as the chair approved it: the signed Albanian PDF, byte
    for byte with its checksum (`StoredPdf`), and the data it was printed from, from which
    the page and the English PDF are shown. What it lists — the pending decisions of
    earlier meetings above all — never changes after approval.

    Reopening the minutes closes the current version with its reason (the only change a
    row ever gets; its document and data stay as they are); approving again stores the
    next version. At most one version per meeting is current.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="minutes_versions", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("version number"))
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"))
    stored_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    language = models.CharField(_("language"), max_length=8, default="sq")
    summary = models.JSONField(_("summary data"), encoder=DjangoJSONEncoder)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("reopened by")
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=100, blank=True)
    # The reopening (and any removal) is kept; the document and its data, which never
    # change, are not copied into every history row.
    history = HistoricalRecords(excluded_fields=["pdf", "summary"])

    class Meta:
        verbose_name = _("approved minutes version")
        verbose_name_plural = _("approved minutes versions")
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="%(app_label)s_%(class)s_one_per_number",
                violation_error_message=_("This version of the minutes already exists."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(reopened_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current",
                violation_error_message=_("The meeting already has approved minutes."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_from_one"
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopened_by__isnull=True, reopen_reason="")
                | (Q(reopened_at__isnull=False, reopened_by__isnull=False) & ~Q(reopen_reason="")),
                name="%(app_label)s_%(class)s_reopened_with_reason",
                violation_error_message=_("Reopened minutes need who reopened them, when and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.number}"

    @property
    def is_current(self) -> bool:
        return self.reopened_at is None


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the stored path never reveals what the user called the file.
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    return f"meetings/{instance.meeting.county_id}/{instance.meeting_id}/{secrets.token_hex(16)}{suffix}"


class Attachment(NeutralisesBidi, models.Model):
    """A document attached to a meeting; served only through a permission-checked view."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True
