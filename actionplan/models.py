"""The yearly action plan (pillars, objectives, activities, progress) and the awareness calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplan.choices import ActivityState, EventStatus, ProgressStatus, TargetGroupCode
from krat.choices import label_of
from krat.inputs import NeutralisesBidi
from krat.models import County, Institution, Municipality, ReportingPeriod
from krat.models.base import Versioned
from krat.numbers import format_number

ZERO = 0
# What a number typed in the plan can mean. The forms offer these bounds, the models refuse
# what lies outside them with a message, and the database holds them as constraints.
MIN_YEAR, MAX_YEAR = 2000, 2100
# A target or a value achieved, in the indicator's unit (people, sessions, leaflets…):
# at most a million, more than the people of any county.
MAX_AMOUNT = 1_000_000
# An activity's budget in lek: at most a thousand million, far above any county's plan.
MAX_BUDGET = 1_000_000_000
# People reached by one awareness event: at most three million, more than Albania's people.
MAX_PEOPLE_REACHED = 3_000_000
# A value achieved may pass the target, but more than ten times is a typing mistake (or a
# wrong target, which the secretariat corrects on the activity).
ACHIEVED_TIMES_TARGET = 10
# Order numbers of pillars and objectives (an import numbers them up to its row limit).
MAX_POSITION = 9_999


def activity_state(*, status: str, deadline: datetime.date, today: datetime.date) -> str:
    """The one definition of done / on track / overdue / cancelled.

    Overdue: the deadline has passed and the activity is neither done nor cancelled,
    or its lead institution reported it as delayed.
    """
    if status == ProgressStatus.DONE:
        return ActivityState.DONE
    if status == ProgressStatus.CANCELLED:
        return ActivityState.CANCELLED
    if status == ProgressStatus.DELAYED or deadline < today:
        return ActivityState.OVERDUE
    return ActivityState.ON_TRACK


class ActionPlan(Versioned):
    """A county's action plan for one year, e.g. "Plani i veprimit i KRAT 2018"."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=_("The calendar year the plan covers."),
    )
    title = models.CharField(_("title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This county already has an action plan for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="%(app_label)s_%(class)s_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pillar(Versioned):
    """One of the plan's pillars (prevention, protection, ...); the list is the county's own."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(MAX_POSITION)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "plan",
                name="%(app_label)s_%(class)s_unique_name_per_plan",
                violation_error_message=_("This plan already has a pillar with this name."),
            ),
            models.CheckConstraint(
                condition=Q(position__lte=MAX_POSITION), name="%(app_label)s_%(class)s_position_bound"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Objective(Versioned):
    """An objective of a pillar; activities serve it."""

    pillar = models.ForeignKey(
        Pillar, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("pillar")
    )
    name = models.CharField(_("objective"), max_length=300)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MaxValueValidator(MAX_POSITION)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "pillar",
                name="%(app_label)s_%(class)s_unique_name_per_pillar",
                violation_error_message=_("This pillar already has an objective with this name."),
            ),
            models.CheckConstraint(
                condition=Q(position__lte=MAX_POSITION), name="%(app_label)s_%(class)s_position_bound"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(Versioned):
    """One activity of the plan, led by one institution of the county, with its indicator.

    `plan` repeats `objective.pillar.plan` so that codes are unique per plan; `clean()`
    keeps the two in agreement.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan")
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="activities", verbose_name=_("objective")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example “1.2.3”."))
    description = models.TextField(_("description"), max_length=2000)
    lead_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="led_activities",
        verbose_name=_("lead institution"),
    )
    partners = models.ManyToManyField(
        Institution, related_name="partner_activities", blank=True, verbose_name=_("partner institutions")
    )
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    indicator = models.CharField(_("indicator"), max_length=300)
    target = models.DecimalField(
        _("target"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_AMOUNT)],
    )
    unit = models.CharField(_("unit"), max_length=60, help_text=_("For example “sessions” or “people”."))
    budget = models.DecimalField(
        _("budget (lek)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_BUDGET)],
    )
    budget_source = models.CharField(_("source of funding"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="%(app_label)s_%(class)s_unique_code_per_plan",
                violation_error_message=_("This plan already has an activity with this code."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("deadline")),
                name="%(app_label)s_%(class)s_start_not_after_deadline",
                violation_error_message=_("The start cannot come after the deadline."),
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0), name="%(app_label)s_%(class)s_target_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(target__lte=MAX_AMOUNT), name="%(app_label)s_%(class)s_target_bound"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__lte=MAX_BUDGET),
                name="%(app_label)s_%(class)s_budget_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        plan = self.plan if self.plan_id else None
        if plan and self.objective_id and self.objective.pillar.plan_id != plan.pk:
            errors.setdefault("objective", []).append(
                ValidationError(_("The objective belongs to another plan."), code="objective_other_plan")
            )
        if plan and self.deadline and self.deadline.year != plan.year:
            errors.setdefault("deadline", []).append(
                ValidationError(
                    _("The deadline must fall within the plan's year, %(year)s."),
                    code="deadline_outside_year",
                    params={"year": plan.year},
                )
            )
        if self.start_date and self.deadline and self.start_date > self.deadline:
            errors.setdefault("start_date", []).append(
                ValidationError(_("The start cannot come after the deadline."), code="start_after_deadline")
            )
        if plan and self.lead_institution_id and self.lead_institution.county_id != plan.county_id:
            errors.setdefault("lead_institution", []).append(
                ValidationError(
                    _("The lead institution belongs to another county."), code="institution_other_county"
                )
            )
        if errors:
            raise ValidationError(errors)

    def state(self, *, status: str, today: datetime.date) -> str:
        return activity_state(status=status, deadline=self.deadline, today=today)


class ActivityProgress(Versioned):
    """What the lead institution reports about one activity for one reporting period."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="progress_reports", verbose_name=_("activity")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="activity_progress", verbose_name=_("period")
    )
    status = models.CharField(_("status"), max_length=20, choices=ProgressStatus.choices)
    achieved = models.DecimalField(
        _("value achieved"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_AMOUNT)],
        help_text=_("In the indicator's unit, counted from the start of the activity."),
    )
    narrative = models.TextField(
        _("narrative"),
        max_length=2000,
        blank=True,
        help_text=_("What was done and what stands in the way. No names or details that identify a person."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity progress")
        verbose_name_plural = _("activity progress")
        ordering = ["activity", "-period__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "period"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("Progress for this activity and period is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(achieved__isnull=True) | Q(achieved__gte=0),
                name="%(app_label)s_%(class)s_achieved_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(achieved__isnull=True) | Q(achieved__lte=MAX_AMOUNT),
                name="%(app_label)s_%(class)s_achieved_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} · {self.period}"

    def clean(self) -> None:
        super().clean()
        if self.activity_id:
            self._check_achieved_against_target()
        if not (self.activity_id and self.period_id):
            return
        plan = self.activity.plan
        if self.period.county_id != plan.county_id:
            raise ValidationError(
                {"period": _("The period belongs to another county.")}, code="period_other_county"
            )
        if not self.period.start_date.year <= plan.year <= self.period.end_date.year:
            raise ValidationError(
                {"period": _("The period lies outside the plan's year.")}, code="period_outside_year"
            )
        if self.period.is_closed:
            raise ValidationError(
                _("The period “%(period)s” is closed and accepts no more progress."),
                code="period_closed",
                params={"period": self.period.label},
            )

    def _check_achieved_against_target(self) -> None:
        target, achieved = self.activity.target, self.achieved
        if not isinstance(achieved, Decimal) or not target or achieved > MAX_AMOUNT:
            return  # nothing to compare, or already refused by the field's own bound
        if achieved <= target * ACHIEVED_TIMES_TARGET:
            return
        raise ValidationError(
            {
                "achieved": ValidationError(
                    _(
                        "%(achieved)s is more than ten times the target (%(target)s %(unit)s). Check "
                        "the number; if the target itself is wrong, the secretariat corrects it "
                        "on the activity."
                    ),
                    code="achieved_implausible",
                    params={
                        # As pages print numbers: 1.680,5 in Albanian (found by a tester: "1680,5").
                        "achieved": format_number(achieved),
                        "target": format_number(target),
                        "unit": self.activity.unit,
                    },
                )
            }
        )


class ProgressComment(NeutralisesBidi, models.Model):
    """A partner institution's comment on an activity in a reporting period."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="comments", verbose_name=_("activity")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name=_("period")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("institution"),
        help_text=_("Empty when the secretariat wrote it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        super().clean()
        if self.period_id and self.period.is_closed:
            raise ValidationError(
                _("The period “%(period)s” is closed and accepts no more progress."),
                code="period_closed",
                params={"period": self.period.label},
            )


class TargetGroup(models.Model):
    """A group an awareness event addresses; the rows are the fixed `TargetGroupCode` list."""

    code = models.CharField(_("code"), max_length=30, choices=TargetGroupCode.choices, unique=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["id"]

    def __str__(self) -> str:
        return label_of(TargetGroupCode, self.code)


class AwarenessEvent(Versioned):
    """An awareness-raising event of the county's calendar, public once planned."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="awareness_events", verbose_name=_("county")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    venue = models.CharField(
        _("venue"), max_length=200, blank=True, help_text=_("A school, a square, a beach…")
    )
    description = models.TextField(
        _("public description"), max_length=2000, blank=True, help_text=_("Shown in the public calendar.")
    )
    organiser = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organising institution"),
    )
    partners = models.ManyToManyField(
        Institution, related_name="partner_events", blank=True, verbose_name=_("partner institutions")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="events", verbose_name=_("target groups")
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("plan activity it serves"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    people_reached = models.PositiveIntegerField(
        _("people reached"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE_REACHED)]
    )
    note = models.TextField(
        _("internal note"), max_length=2000, blank=True, help_text=_("For the table only; never published.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("awareness event")
        verbose_name_plural = _("awareness events")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_reached__isnull=True) | Q(status=EventStatus.HELD),
                name="%(app_label)s_%(class)s_reached_only_when_held",
                violation_error_message=_("People reached can only be recorded for an event that was held."),
            ),
            models.CheckConstraint(
                condition=Q(people_reached__isnull=True) | Q(people_reached__lte=MAX_PEOPLE_REACHED),
                name="%(app_label)s_%(class)s_people_reached_bound",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}

        def add(field: str, message, code: str, **params) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code, params=params or None))

        if self.status == EventStatus.HELD and self.date and self.date > timezone.localdate():
            add("status", _("An event in the future cannot have been held yet."), "held_in_future")
        if self.people_reached is not None and self.status != EventStatus.HELD:
            add(
                "people_reached",
                _("People reached can only be recorded for an event that was held."),
                "reached_not_held",
            )
        if self.county_id:
            if self.organiser_id and self.organiser.county_id != self.county_id:
                add(
                    "organiser",
                    _("The organising institution belongs to another county."),
                    "institution_other_county",
                )
            if self.municipality_id and self.municipality.county_id != self.county_id:
                add("municipality", _("The municipality is in another county."), "municipality_other_county")
            if (
                self.activity_id
                and self.activity is not None
                and self.activity.plan.county_id != self.county_id
            ):
                add("activity", _("The activity belongs to another county's plan."), "activity_other_county")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status in (EventStatus.PLANNED, EventStatus.HELD)
