"""Who reports what and who has reported: the county's settings (which kinds of institution
report each kind of figures), the institutions that report a kind of figures, each with
whether it has reported for the period, and what the reads of one period share
(`period_reference`: read once, passed down)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cases.choices import DataKind
from cases.models import AgeGroup, CasesSettings, EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.selectors.comparison import Comparison, comparison_among, comparison_periods
from krat.collation import albanian
from krat.membership import period_members
from krat.models import County, Institution, ReportingPeriod


class SettingsMissing(LookupError):
    """A county without period data settings: it was not made by `krat.services.county_create`."""


def settings_for(county: County) -> CasesSettings:
    """The county's period data settings: Django's related object, read once per county
    instance (none when the county was read with `select_related("cases_settings")`). They
    are created with the county (`cases.services.settings.county_defaults_create`)."""
    try:
        return county.cases_settings
    except CasesSettings.DoesNotExist:
        raise SettingsMissing(
            f"County {county.slug} has no period data settings: they are created with the county "
            "(krat.services.county_create; migration cases 0004 for counties made before it)."
        ) from None


def may_report(institution: Institution, data: str, settings: CasesSettings | None = None) -> bool:
    """Whether institutions of this kind report `data` in their county."""
    settings = settings or settings_for(institution.county)
    return institution.is_active and institution.kind in settings.kinds_for(data)


@dataclass(frozen=True)
class PeriodReference:
    """What the reads of one period's data share: the county's settings and age groups, the
    periods compared and the institutions expected to report for the period. A page or the report reads it once
    (`period_reference`) and passes it to each summary. `settings` and `institutions` are
    None when the reader does not list who reported (the period report: `report_reference`);
    they are read when asked for then."""

    settings: CasesSettings | None
    age_groups: list[AgeGroup]
    comparison: Comparison
    institutions: list[Institution] | None


def period_reference(county: County, period: ReportingPeriod) -> PeriodReference:
    """Three queries, and one more for the settings unless `county` holds them already."""
    return PeriodReference(
        settings=settings_for(county),
        age_groups=age_groups_for(county),
        comparison=comparison_periods(period),
        institutions=expected_institutions(period),
    )


def report_reference(
    county: County, period: ReportingPeriod, periods: Iterable[ReportingPeriod]
) -> PeriodReference:
    """What the period report's sections share, the county's `periods` given (read once by
    the report): the age groups (one query) and the periods compared. The report does not
    list who reported, so neither the settings nor the members are read."""
    return PeriodReference(
        settings=None,
        age_groups=age_groups_for(county),
        comparison=comparison_among(period, periods),
        institutions=None,
    )


def expected_institutions(period: ReportingPeriod) -> list[Institution]:
    """The period's members (krat.membership), not today's institutions: one added since is
    not "not yet" in an old period, one gone since still counts in it."""
    return list(period_members(period).order_by(albanian("name")))


@dataclass(frozen=True)
class ReportingInstitution:
    """An institution expected to report a kind of figures for a period (a member of the
    period of a kind that reports it), and whether it has (`reported_institutions`)."""

    pk: int
    name: str
    reported: bool


def reporting_institutions(
    county: County, period: ReportingPeriod, data: str, *, reference: PeriodReference | None = None
) -> list[ReportingInstitution]:
    """The institutions expected to report `data` for the period (its members of a kind
    that reports it), each with whether it has reported."""
    settings = reference.settings if reference and reference.settings is not None else settings_for(county)
    members = (
        reference.institutions
        if reference and reference.institutions is not None
        else expected_institutions(period)
    )
    kinds = set(settings.kinds_for(data))
    reported = reported_institutions(period, data)
    return [
        ReportingInstitution(pk=inst.pk, name=inst.name, reported=inst.pk in reported)
        for inst in members
        if inst.kind in kinds
    ]


def reported_institutions(period: ReportingPeriod, data: str) -> set[int]:
    """The institutions with figures of `data` entered for `period` (one query).

    Entered means a number, 0 included, never an empty cell: a victims status with a
    total (every other figure of it is a part of the total), an intervention (it met a
    child at least), an employment row (it is kept only with a stage entered). A grid
    saved empty has not reported; "nothing to report" is the explicit answer for that.
    """
    by_kind: dict[str, QuerySet[Any]] = {
        DataKind.VICTIMS: VictimReport.objects.filter(total__isnull=False),
        DataKind.STREET_CHILDREN: StreetIntervention.objects.all(),
        DataKind.EMPLOYMENT: EmploymentFunnel.objects.all(),
    }
    records = by_kind[data]
    return set(records.filter(period=period).order_by().values_list("institution_id", flat=True).distinct())
