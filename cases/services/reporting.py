"""What every save of period data checks: the period is open and the institution's kind
reports these figures (`cases.selectors.reporting.may_report`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.selectors.reporting import may_report
from krat.models import Institution, ReportingPeriod


def check_writable(*, period: ReportingPeriod, institution: Institution, data: str) -> None:
    if period.is_closed:
        raise ValidationError(
            _("The period “%(period)s” is closed."), code="closed", params={"period": period}
        )
    if not may_report(institution, data):
        raise ValidationError(
            _("Institutions of this kind do not report these figures."), code="kind_not_allowed"
        )
