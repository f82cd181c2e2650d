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
        if number > 1 and not reason:
            raise ValidationError(
                {"reason": _("A new version of a finalised report needs a reason.")}, code="reason_required"
            )
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
