"""What every save of period data checks: the period is open and the institution's kind
reports these figures (`cases.selectors.reporting.may_report`); and, inside the save's
transaction, that the period is still open (`lock_open`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.selectors.reporting import may_report
from krat.models import Institution, ReportingPeriod


def refuse_closed(period: ReportingPeriod) -> None:
    """ValidationError (code "closed") when `period` is closed: its figures are published
    and accept no write, from a page, the API or the admin."""
    if period.is_closed:
        raise ValidationError(
            _("The period “%(period)s” is closed."), code="closed", params={"period": period}
        )


def check_writable(*, period: ReportingPeriod, institution: Institution, data: str) -> None:
    refuse_closed(period)
    if not may_report(institution, data):
        raise ValidationError(
            _("Institutions of this kind do not report these figures."), code="kind_not_allowed"
        )


def lock_open(*, periods: Iterable[ReportingPeriod]) -> None:
    """Inside a save's transaction: lock the `periods`' rows (by id, so that two saves
    locking the same two periods cannot wait for each other) and refuse the save if one is
    closed now. `check_writable` reads the period the request loaded; a close saved
    meanwhile (`krat.services.period_save` locks the same row) would otherwise let the save
    write into a published period, whose figures the national report keeps under its
    version (`cases.selectors.figures.published_headlines`). With the lock, a close waits
    for a save under way, and a save after a close sees it."""
    stored = ReportingPeriod.objects.select_for_update().filter(pk__in={p.pk for p in periods}).order_by("pk")
    for period in stored:
        refuse_closed(period)
