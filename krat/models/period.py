import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.models.base import Versioned
from krat.models.county import County


class ReportingPeriod(Versioned):
    """A stretch of time the institutions report on, such as "Janar – Prill 2018".

    Periods of one county never overlap: a database constraint holds it (an exclusion
    constraint on PostgreSQL, triggers on SQLite; see migration 0002).
    """

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="periods", verbose_name=_("county")
    )
    label = models.CharField(_("label"), max_length=80, help_text=_("For example “Janar – Prill 2018”."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    deadline = models.DateField(
        _("submission deadline"), help_text=_("The day by which institutions submit their report.")
    )
    is_closed = models.BooleanField(
        _("closed"), default=False, help_text=_("A closed period accepts no more changes.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("The end date must come after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_date")),
                name="%(app_label)s_%(class)s_deadline_not_before_start",
                violation_error_message=_("The deadline cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["county", "label"],
                name="%(app_label)s_%(class)s_unique_label_per_county",
                violation_error_message=_("This county already has a period with this label."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from krat.periods import validate_no_overlap

        super().clean()
        validate_no_overlap(self)

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def is_open(self) -> bool:
        return not self.is_closed
