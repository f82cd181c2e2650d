"""Who may read and enter the period data: fetch with relations, 404 for another county,
403 for a missing role or an institution kind that does not report these figures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import StreetIntervention
from cases.selectors.reporting import may_report, settings_for
from krat import access
from krat.membership import period_members
from krat.models import Institution, ReportingPeriod


def period_for_user(user, pk: int) -> ReportingPeriod:
    """A period the user may read (404 for another county's)."""
    # With the county's settings: the page's entry links and its summary both read them.
    period = get_object_or_404(ReportingPeriod.objects.select_related("county__cases_settings"), pk=pk)
    access.require_readable(user, period.county)
    return period


def may_enter(user, institution: Institution, data: str) -> bool:
    """Whether the user enters `data` for the institution: their own (a representative)
    or any of the county's (the secretariat), of a kind that reports it."""
    return access.can_write_for_institution(user, institution) and may_report(institution, data)


def institution_for_entry(user, period: ReportingPeriod, institution_pk: int, data: str) -> Institution:
    """The institution whose `data` the user enters for `period` (see `may_enter`): one
    expected to report for the period, a member of the table on a day of it."""
    institution = get_object_or_404(
        Institution.objects.select_related("county"), pk=institution_pk, county=period.county
    )
    if (
        not may_enter(user, institution, data)
        or not period_members(period).filter(pk=institution.pk).exists()
    ):
        raise PermissionDenied
    return institution


def entry_institutions(user, period: ReportingPeriod, data: str) -> list[Institution]:
    """The institutions the user may enter `data` for in `period` (none for readers): of a
    kind that reports it, active, and expected to report for the period (a member of the
    table on a day of it, `krat.membership`)."""
    settings = settings_for(period.county)
    kinds = settings.kinds_for(data)
    expected = period_members(period).filter(is_active=True, kind__in=kinds)
    if access.can_manage_county(user, period.county):
        return list(expected)
    if user.is_representative and user.county_id == period.county_id:
        return list(expected.filter(pk=user.institution_id))
    return []


def intervention_for_user(user, pk: int) -> StreetIntervention:
    """An intervention the user may edit: its institution's representatives and the secretariat."""
    intervention = get_object_or_404(
        StreetIntervention.objects.select_related(
            "county", "period", "institution", "municipality", "origin"
        ),
        pk=pk,
    )
    access.require_readable(user, intervention.county)
    if not access.can_write_for_institution(user, intervention.institution):
        raise PermissionDenied
    return intervention


def readable_interventions(user) -> QuerySet[StreetIntervention]:
    """The interventions the user may read one by one, as the street page lists them: all
    of a county's to those who see its figures exact (its secretariat and chair), their
    institution's own to representatives, none to anyone else (they read the period's
    summary, small numbers hidden)."""
    interventions = StreetIntervention.objects.all()
    if not user.is_authenticated:
        return interventions.none()
    if user.is_superuser:
        return interventions
    if user.county_id and access.sees_exact_figures(user, user.county):
        return interventions.filter(county_id=user.county_id)
    if user.is_representative and user.institution_id:
        return interventions.filter(institution_id=user.institution_id)
    return interventions.none()
