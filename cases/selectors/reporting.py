"""Who reports what and who has reported: the institutions that report a kind of figures,
each with whether it has reported for the period, read once per period instance and read
again after a save (`forget_reported`)."""

from __future__ import annotations

from cases.choices import DataKind
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from krat.memo import forget, remembered
from krat.models import County, ReportingPeriod


def reporting_institutions(county: County, period: ReportingPeriod, data: str) -> list[dict]:
    """The institutions that report `data`, each with whether it has reported for the period."""
    from cases.services.settings import settings_for

    kinds = set(settings_for(county).kinds_for(data))
    reported = reported_institutions(period, data)
    active = remembered(
        county,
        "cases.active_institutions",
        lambda: list(county.institutions.filter(is_active=True).order_by("name")),
    )
    return [
        {"pk": inst.pk, "name": inst.name, "reported": inst.pk in reported}
        for inst in active
        if inst.kind in kinds
    ]


def _reported_key(data: str) -> str:
    return f"cases.reported.{data}"


def forget_reported(period: ReportingPeriod, data: str) -> None:
    """After a save: the next `reported_institutions` of this instance reads again."""
    forget(period, _reported_key(data))


def reported_institutions(period: ReportingPeriod, data: str) -> set[int]:
    """The institutions with figures of `data` for `period`: one query per period instance
    and kind (the submission board and the report's summaries share it)."""
    model = {
        DataKind.VICTIMS: VictimReport,
        DataKind.STREET_CHILDREN: StreetIntervention,
        DataKind.EMPLOYMENT: EmploymentFunnel,
    }[data]
    return remembered(
        period,
        _reported_key(data),
        lambda: set(
            model.objects.filter(period=period).order_by().values_list("institution_id", flat=True).distinct()
        ),
    )
