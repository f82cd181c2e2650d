from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from krat.models.base import Versioned
from krat.models.institution import Institution


class TableMembership(Versioned):
    """A stretch of time an institution sits at its county's Technical Table, as the
    Prefect's membership order decided it: from `start_date` to `end_date`, both days
    included; no end date while it is still a member.

    The memberships are the one record of who is a member when: each period, meeting and
    report counts the members of its own dates (`krat.membership`). The county is the
    institution's, so a membership cannot disagree with it; memberships go with their
    institution (institutions are made inactive, not deleted, but for one entered by mistake). One institution's memberships
    never share a day: `clean()` says so in words, and the database refuses it too (an
    exclusion constraint on PostgreSQL, triggers on SQLite; see migration 0013).
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("institution")
    )
    start_date = models.DateField(_("member since"))
    end_date = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("The last day as a member. Leave empty while it is still a member."),
    )
    reference = models.CharField(
        _("membership order"),
        max_length=200,
        blank=True,
        help_text=_("The order that made it a member, for example “Urdhri i Prefektit nr. 12, 15.01.2018”."),
    )
    end_reference = models.CharField(
        _("order ending it"), max_length=200, blank=True, help_text=_("The order that ended the membership.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership of the Technical Table")
        verbose_name_plural = _("memberships of the Technical Table")
        ordering = ["institution", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_not_before_start",
                violation_error_code="end_before_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        start = date_format(self.start_date, "SHORT_DATE_FORMAT")
        return (
            f"{start} – {date_format(self.end_date, 'SHORT_DATE_FORMAT')}" if self.end_date else f"{start} –"
        )

    def clean(self) -> None:
        from krat.membership import validate_membership

        super().clean()
        validate_membership(self)

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def covers(self, day: datetime.date) -> bool:
        """Whether the institution is a member on `day`."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the institution is a member on at least one day from `start` to `end`."""
        return self.start_date <= end and (self.end_date is None or start <= self.end_date)
