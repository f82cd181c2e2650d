"""Period data, anonymous by construction: counts only, never a person.

No model here has a field for a name, birth date, personal number, phone or address
(tests/cases/test_anonymity.py inspects every field of every model of this app).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import (
    DEFAULT_REPORTING_KINDS,
    MAX_AGE,
    MAX_COUNT,
    Accompanied,
    DataKind,
    Dimension,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
)
from krat.choices import InstitutionKind
from krat.models import County, Institution, Municipality, ReportingPeriod
from krat.models.base import Versioned, field_label


def count_field(verbose_name, **kwargs) -> models.PositiveIntegerField:
    """A count that is always entered (a cell's row exists only when it holds a number)."""
    return models.PositiveIntegerField(verbose_name, validators=[MaxValueValidator(MAX_COUNT)], **kwargs)


def optional_count(verbose_name, **kwargs) -> models.PositiveIntegerField:
    """A count a person may leave empty: NULL is "no value", never 0 (as DHIS2 keeps a
    missing data value apart from a zero and from "nothing to report")."""
    return models.PositiveIntegerField(
        verbose_name, null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)], **kwargs
    )


def count_bound(field: str) -> models.CheckConstraint:
    """Counts are whole, not negative (PositiveIntegerField) and not absurdly large."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": MAX_COUNT}),
        name=f"%(app_label)s_%(class)s_{field}_bound",
        violation_error_message=_("Counts cannot be more than 10000."),
    )


def at_most(small: str, large: str, rule: str, message) -> models.CheckConstraint:
    """`small` ≤ `large` where both have a value (a stage left empty bounds nothing)."""
    return models.CheckConstraint(
        condition=Q(**{f"{small}__isnull": True})
        | Q(**{f"{large}__isnull": True})
        | Q(**{f"{small}__lte": F(large)}),
        name=f"%(app_label)s_%(class)s_{rule}",
        violation_error_message=message,
    )


def sum_entered(values: Iterable[int | None]) -> int | None:
    """The sum of the values entered; None (no value) when none is."""
    entered = [v for v in values if v is not None]
    return sum(entered) if entered else None


def _default_kinds(kind: str):
    return lambda: [str(k) for k in DEFAULT_REPORTING_KINDS[kind]]


def default_victims_kinds():
    return _default_kinds(DataKind.VICTIMS)()


def default_street_kinds():
    return _default_kinds(DataKind.STREET_CHILDREN)()


def default_employment_kinds():
    return _default_kinds(DataKind.EMPLOYMENT)()


class CasesSettings(Versioned):
    """A county's settings for the period data: which kinds of institution report what."""

    county = models.OneToOneField(
        County, on_delete=models.CASCADE, related_name="cases_settings", verbose_name=_("county")
    )
    victims_kinds = models.JSONField(
        _("institution kinds that report victims"), default=default_victims_kinds, blank=True
    )
    street_children_kinds = models.JSONField(
        _("institution kinds that report children in street situations"),
        default=default_street_kinds,
        blank=True,
    )
    employment_kinds = models.JSONField(
        _("institution kinds that report employment"), default=default_employment_kinds, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period data settings")
        verbose_name_plural = _("period data settings")

    def __str__(self) -> str:
        return str(self.county)

    def clean(self) -> None:
        valid = set(InstitutionKind.values)
        for field in ("victims_kinds", "street_children_kinds", "employment_kinds"):
            value = getattr(self, field)
            if not isinstance(value, list) or not set(value) <= valid:
                raise ValidationError({field: _("Choose institution kinds from the list.")}, code="bad_kinds")

    def kinds_for(self, data: str) -> list[str]:
        kinds: dict[str, list[str]] = {
            DataKind.VICTIMS: self.victims_kinds,
            DataKind.STREET_CHILDREN: self.street_children_kinds,
            DataKind.EMPLOYMENT: self.employment_kinds,
        }
        return kinds[data]


class AgeGroup(models.Model):
    """An age group of a county's breakdowns (default 0–13, 14–17, 18–24, 25+).

    "Unknown age" is not a row: it is the absence of an age group on a count.
    """

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="age_groups", verbose_name=_("county")
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), validators=[MaxValueValidator(MAX_AGE)])
    max_age = models.PositiveSmallIntegerField(
        _("to age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE)],
        help_text=_("Empty for the open last group (25+)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")
        ordering = ["county", "min_age"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "min_age"], name="%(app_label)s_%(class)s_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="%(app_label)s_%(class)s_max_not_below_min",
            ),
            models.CheckConstraint(
                condition=Q(min_age__lte=MAX_AGE), name="%(app_label)s_%(class)s_min_age_range"
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__lte=MAX_AGE),
                name="%(app_label)s_%(class)s_max_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.max_age is None:
            return f"{self.min_age}+"
        return f"{self.min_age}–{self.max_age}"

    @property
    def is_child(self) -> bool:
        return self.min_age < 18

    @property
    def is_working_age(self) -> bool:
        return self.max_age is None or self.max_age >= 14


class PeriodRecord(models.Model):
    """What every period figure carries: its county, period and reporting institution."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting period")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.period_id and self.county_id and self.period.county_id != self.county_id:
            raise ValidationError({"period": _("The period belongs to another county.")}, code="other_county")
        if self.institution_id and self.county_id and self.institution.county_id != self.county_id:
            raise ValidationError(
                {"institution": _("The institution belongs to another county.")}, code="other_county"
            )


class VictimReport(Versioned, PeriodRecord):
    """One institution's count of victims (or potential victims) in one period.

    Its cells (`VictimCount`) are independent one-way breakdowns of `total`: by sex, age
    group, form of exploitation, citizenship (and foreign victims by country),
    internal or cross-border, and who identified them. A cell left empty has no row: it
    has no value, which is not 0. A breakdown whose every cell is entered ("unknown"
    included) adds up exactly to `total`; one with empty cells adds up to no more than
    it (checked in `cases.services.victims.victim_grid_errors` and saved in one
    transaction by `cases.services.victims.victim_grid_save`).

    `total` empty means nothing of this status is entered: then `referred` and every cell
    are empty too (the row stays, with its version and history, when a grid is cleared).
    """

    status = models.CharField(_("status"), max_length=20, choices=VictimStatus.choices)
    total = optional_count(_("total"))
    referred = optional_count(
        _("referred to services or a shelter"), help_text=_("Cannot be more than the total.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("victims report")
        verbose_name_plural = _("victims reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution", "status"], name="%(app_label)s_%(class)s_one_per_status"
            ),
            count_bound("total"),
            count_bound("referred"),
            # Referred is a part of the total: entered only with it, and never above it.
            models.CheckConstraint(
                condition=Q(referred__isnull=True) | Q(total__isnull=False, referred__lte=F("total")),
                name="%(app_label)s_%(class)s_referred_within_total",
                violation_error_message=_("Referred cannot be more than the total."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.period} · {self.get_status_display()}"


class VictimCount(models.Model):
    """One cell of a victims breakdown: `count` victims in `category` of `dimension`.

    `category` is a choice value of the dimension, an age group's id for the age
    breakdown, or a country code for foreign victims by country; "unknown" everywhere.
    A row exists only for an entered cell (0 included): an empty cell has none.
    """

    report = models.ForeignKey(
        VictimReport, on_delete=models.CASCADE, related_name="cells", verbose_name=_("victims report")
    )
    dimension = models.CharField(_("breakdown"), max_length=20, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=20)
    count = count_field(_("count"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("victims count")
        verbose_name_plural = _("victims counts")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "dimension", "category"], name="%(app_label)s_%(class)s_one_per_category"
            ),
            count_bound("count"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}/{self.category}: {self.count}"


class StreetIntervention(Versioned, PeriodRecord):
    """One intervention with children in a street situation, recorded as it happens.

    The children are counted by sex × age group in `StreetChildCount`; `children` is
    their sum, kept by `cases.services.street.intervention_save`. `origin` empty means the
    municipality of origin is not known.
    """

    date = models.DateField(_("date"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    place = models.CharField(
        _("place"),
        max_length=100,
        help_text=_("Where, such as “Plazhi i Durrësit”. Never write a person's name here."),
    )
    origin = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("municipality of origin"),
        help_text=_("Leave empty if it is not known."),
    )
    activity = models.CharField(_("what they were doing"), max_length=20, choices=StreetActivity.choices)
    accompanied = models.CharField(
        _("accompanied by an adult"), max_length=10, choices=Accompanied.choices, default=Accompanied.UNKNOWN
    )
    action = models.CharField(_("action taken"), max_length=20, choices=StreetAction.choices)
    children = count_field(_("children"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street intervention")
        verbose_name_plural = _("street interventions")
        ordering = ["-date", "-pk"]
        constraints = [
            count_bound("children"),
            models.CheckConstraint(
                condition=Q(children__gte=1), name="%(app_label)s_%(class)s_some_children"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} · {self.place}"


class StreetChildCount(models.Model):
    """How many children of one sex and age group an intervention met (no age group: unknown).

    A row exists only for an entered cell (0 included): an empty cell has none."""

    intervention = models.ForeignKey(
        StreetIntervention, on_delete=models.CASCADE, related_name="counts", verbose_name=_("intervention")
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.ForeignKey(
        AgeGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("age group"),
    )
    count = count_field(_("count"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("children count")
        verbose_name_plural = _("children counts")
        constraints = [count_bound("count")]

    def __str__(self) -> str:
        return f"{self.sex}/{self.age_group_id or '?'}: {self.count}"


EMPLOYMENT_STAGES = [
    "received",
    "interviewed",
    "ready",
    "needs_training",
    "not_employable",
    "referred_vacancy",
    "referred_training",
    "employed",
    "completed_training",
]


class EmploymentFunnel(PeriodRecord):
    """The Labour Office's path of one group of people in one period, stage by stage.

    One row per (period, institution, vulnerable group, sex, age group — empty: unknown).
    The stages and why each is bounded by another (a database constraint for each):

    - interviewed ≤ received: only people received can be interviewed;
    - ready + needs training + not employable (= assessed) ≤ interviewed: the
      employability assessment follows the interview, into exactly one of three outcomes;
    - referred to a vacancy ≤ ready for work: only those ready are sent to vacancies;
    - referred to training ≤ needs training: training is for those assessed as needing it;
    - employed ≤ referred to a vacancy; completed training ≤ referred to training.

    A stage left empty has no value (NULL, not 0): it bounds nothing and nothing bounds
    it, so each rule holds where both of its sides are entered. A row with no stage
    entered is refused (it holds nothing: delete it instead).
    """

    group = models.CharField(_("group"), max_length=20, choices=VulnerableGroup.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.ForeignKey(
        AgeGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("age group"),
    )
    received = optional_count(_("received"))
    interviewed = optional_count(_("interviewed"))
    ready = optional_count(_("assessed: ready for work"))
    needs_training = optional_count(_("assessed: needs training"))
    not_employable = optional_count(_("assessed: not employable now"))
    referred_vacancy = optional_count(_("referred to a vacancy"))
    referred_training = optional_count(_("referred to vocational training"))
    employed = optional_count(_("employed"))
    completed_training = optional_count(_("completed training"))
    history = HistoricalRecords()

    STAGES = EMPLOYMENT_STAGES
    # (stage, the stages whose sum bounds it), in the order of the path.
    BOUNDS = [
        (("interviewed",), "received"),
        (("ready", "needs_training", "not_employable"), "interviewed"),
        (("referred_vacancy",), "ready"),
        (("referred_training",), "needs_training"),
        (("employed",), "referred_vacancy"),
        (("completed_training",), "referred_training"),
    ]

    class Meta:
        verbose_name = _("employment path")
        verbose_name_plural = _("employment paths")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution", "group", "sex", "age_group"],
                condition=Q(age_group__isnull=False),
                name="%(app_label)s_%(class)s_one_row",
            ),
            models.UniqueConstraint(
                fields=["period", "institution", "group", "sex"],
                condition=Q(age_group__isnull=True),
                name="%(app_label)s_%(class)s_one_row_unknown_age",
            ),
            *(count_bound(stage) for stage in EMPLOYMENT_STAGES),
            # A row is stored only with some stage entered (a row left empty is not kept).
            models.CheckConstraint(
                condition=reduce(or_, (Q(**{f"{stage}__isnull": False}) for stage in EMPLOYMENT_STAGES)),
                name="%(app_label)s_%(class)s_some_stage",
                violation_error_message=_("Enter at least one stage of the row, or delete the row."),
            ),
            at_most(
                "interviewed",
                "received",
                "interviewed_le_received",
                _("Interviewed cannot be more than received."),
            ),
            # The outcomes entered, together, where some is entered and interviewed is too.
            models.CheckConstraint(
                condition=Q(interviewed__isnull=True)
                | Q(ready__isnull=True, needs_training__isnull=True, not_employable__isnull=True)
                | Q(
                    interviewed__gte=Coalesce(F("ready"), 0)
                    + Coalesce(F("needs_training"), 0)
                    + Coalesce(F("not_employable"), 0)
                ),
                name="%(app_label)s_%(class)s_assessed_le_interviewed",
                violation_error_message=_(
                    "Assessed (ready + needs training + not employable) cannot be more than interviewed."
                ),
            ),
            at_most(
                "referred_vacancy",
                "ready",
                "vacancy_le_ready",
                _("Referred to a vacancy cannot be more than ready for work."),
            ),
            at_most(
                "referred_training",
                "needs_training",
                "training_le_needs",
                _("Referred to training cannot be more than those who need training."),
            ),
            at_most(
                "employed",
                "referred_vacancy",
                "employed_le_referred",
                _("Employed cannot be more than referred to a vacancy."),
            ),
            at_most(
                "completed_training",
                "referred_training",
                "completed_le_referred",
                _("Completed training cannot be more than referred to training."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} · {self.get_sex_display()} · {self.age_group or '?'}"

    @property
    def assessed(self) -> int | None:
        """The outcomes entered, together; None when none is entered."""
        return sum_entered(getattr(self, s) for s in ("ready", "needs_training", "not_employable"))

    @property
    def is_empty(self) -> bool:
        """No stage entered: a row with nothing to keep."""
        return all(getattr(self, stage) is None for stage in self.STAGES)

    def clean(self) -> None:
        super().clean()
        errors = {}
        for stages, bound in self.BOUNDS:
            value = sum_entered(getattr(self, s) for s in stages)
            if value is None or getattr(self, bound) is None:
                continue  # a stage left empty bounds nothing, and nothing bounds it
            if value > getattr(self, bound):
                errors[stages[0]] = ValidationError(
                    _("“%(stage)s” (%(value)d) cannot be more than “%(bound)s” (%(limit)d)."),
                    code="stage_above_previous",
                    params={
                        "stage": " + ".join(str(field_label(type(self), s)) for s in stages),
                        "value": value,
                        "bound": field_label(type(self), bound),
                        "limit": getattr(self, bound),
                    },
                )
        if errors:
            raise ValidationError(errors)
