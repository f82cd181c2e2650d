"""What every save of period data shares: whether the institution's kind reports these
figures and the period is open, and, once saved, that who has reported is read again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import CasesSettings
from cases.services.settings import settings_for
from krat.models import Institution, ReportingPeriod


def may_report(institution: Institution, data: str, settings: CasesSettings | None = None) -> bool:
    """Whether institutions of this kind report `data` in their county."""
    settings = settings or settings_for(institution.county)
    return institution.is_active and institution.kind in settings.kinds_for(data)


def check_writable(*, period: ReportingPeriod, institution: Institution, data: str) -> None:
    if period.is_closed:
        raise ValidationError(
            _("The period “%(period)s” is closed."), code="closed", params={"period": period}
        )
    if not may_report(institution, data):
        raise ValidationError(
            _("Institutions of this kind do not report these figures."), code="kind_not_allowed"
        )
