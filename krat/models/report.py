"""The period coordination report: the secretariat's summary and the finalised PDFs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.inputs import NeutralisesBidi
from krat.models.base import StoredPdf, Versioned
from krat.models.period import ReportingPeriod


class PeriodReport(Versioned):
    """The editable part of a period's coordination report: the secretariat's summary.

    One per period, made the first time the secretariat saves a summary; a period
    without a row reports an empty summary. Plain text, printed escaped.
    """

    period = models.OneToOneField(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="coordination_report",
        verbose_name=_("reporting period"),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=20000,
        help_text=_("The secretariat's summary of the period, printed at the start of the report."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")

    def __str__(self) -> str:
        return str(self.period)


class FinalReport(NeutralisesBidi, StoredPdf):
    """A finalised coordination report: the PDF exactly as the chair finalised it
    (`StoredPdf`: bytes and checksum, checked on every download). Rows are never changed
    after creation."""

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="final_reports",
        verbose_name=_("reporting period"),
    )
    number = models.PositiveIntegerField(_("version number"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("finalised by")
    )
    created_at = models.DateTimeField(_("finalised at"), auto_now_add=True)
    reason = models.TextField(
        _("reason for a new version"),
        blank=True,
        max_length=2000,
        help_text=_("Required from the second version on."),
    )
    shared = models.BooleanField(_("for sharing outside the table"), default=False)
    language = models.CharField(_("language"), max_length=8, default="sq")

    class Meta:
        verbose_name = _("finalised report")
        verbose_name_plural = _("finalised reports")
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "number"],
                name="%(app_label)s_%(class)s_one_per_version",
                violation_error_message=_("This version of the report already exists."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_from_one"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_for_new_version",
                violation_error_message=_("A new version of a finalised report needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · v{self.number}"
