"""Writes of the period coordination report: the summary and the finalised versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from krat.access import period_published
from krat.concurrency import save_versioned
from krat.models import FinalReport, PeriodReport, ReportingPeriod, User


def report_summary_save(
    *, period: ReportingPeriod, summary: str, expected_version: int | None
) -> PeriodReport:
    """Save the secretariat's summary; a concurrent edit is refused (optimistic locking)."""
    report = PeriodReport.objects.filter(period=period).first() or PeriodReport(period=period)
    report.summary = summary
    return save_versioned(
        report, expected_version=expected_version if report.pk else None, fields=["summary"]
    )


def _check_reason(*, number: int, reason: str) -> None:
    """The one rule: from the second finalised version on, a reason is required."""
    if number > 1 and not reason.strip():
        raise ValidationError(
            {"reason": _("A new version of a finalised report needs a reason.")}, code="reason_required"
        )


def _check_shared(*, period: ReportingPeriod, shared: bool) -> None:
    """A version for sharing is finalised once the period is closed. Before, its case
    figures are not published (`krat.access.period_published`): the document would either
    print "not yet published" where the figures belong, for good, or carry figures that
    may still change to readers outside the table."""
    if shared and not period_published(period):
        raise ValidationError(
            {
                "shared": ValidationError(
                    _(
                        "A version for sharing is finalised once the period is closed: until "
                        "then its figures may still change and are not published."
                    ),
                    code="shared_before_close",
                )
            }
        )


def final_report_check(*, period: ReportingPeriod, reason: str, shared: bool = False) -> None:
    """Refuse early (ValidationError) what `final_report_create` would refuse (a missing
    reason, a version for sharing of an open period), so that a view need not build the
    PDF first. Not a lock: the service checks again under one."""
    _check_shared(period=period, shared=shared)
    _check_reason(number=FinalReport.objects.filter(period=period).count() + 1, reason=reason)


def final_report_create(
    *, period: ReportingPeriod, user: User, pdf: bytes, shared: bool, language: str, reason: str = ""
) -> FinalReport:
    """Store `pdf` as the next finalised version of the period's report, with its checksum.

    From the second version on a reason is required; a version for sharing needs the
    period closed. The period row is locked so that two chairs finalising at once get
    consecutive numbers instead of a clash, and so that the period cannot reopen meanwhile.
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        _check_shared(period=locked, shared=shared)
        number = (FinalReport.objects.filter(period=period).aggregate(n=Max("number"))["n"] or 0) + 1
        _check_reason(number=number, reason=reason)
        final = FinalReport(
            period=period,
            number=number,
            created_by=user,
            reason=reason,
            shared=shared,
            language=language,
            sha256=FinalReport.checksum(pdf),
            size=len(pdf),
            pdf=pdf,
        )
        final.full_clean()
        final.save()
    return final
