"""Writes of the period coordination report: the summary and the finalised versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

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


def final_report_check(*, period: ReportingPeriod, reason: str) -> None:
    """Refuse early (ValidationError) what `final_report_create` would refuse for want of a
    reason, so that a view need not build the PDF first. Not a lock: the service checks
    again under one."""
    _check_reason(number=FinalReport.objects.filter(period=period).count() + 1, reason=reason)


def final_report_create(
    *, period: ReportingPeriod, user: User, pdf: bytes, shared: bool, language: str, reason: str = ""
) -> FinalReport:
    """Store `pdf` as the next finalised version of the period's report, with its checksum.

    From the second version on a reason is required. The period row is locked so that
    two chairs finalising at once get consecutive numbers instead of a clash.
    """
    reason = reason.strip()
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().filter(pk=period.pk).first()
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
