"""Factories and helpers for the period data (the benchmark's data builds on them too,
`bench/data/cases.py`)."""

from __future__ import annotations

import datetime

import factory

from cases.choices import (
    UNKNOWN,
    Accompanied,
    Dimension,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
)
from cases.models import EmploymentFunnel, StreetChildCount, StreetIntervention, VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.selectors.grids import victim_grid_versions
from cases.services.street import intervention_save
from cases.services.victims import VictimGrid, victim_grid_save
from krat.models import Municipality
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory


def grid(total: int, referred: int = 0, **overrides) -> VictimGrid:
    """A valid grid: everything "unknown" except what `overrides` moves, as dim=({cat: n})."""
    cells = {}
    for dimension in ("sex", "age", "exploitation", "citizenship", "movement", "identified_by"):
        cells[(dimension, "unknown")] = total
    for dimension, parts in overrides.items():
        if dimension != Dimension.COUNTRY:
            cells[(dimension, "unknown")] = total - sum(parts.values())
        for category, n in parts.items():
            cells[(dimension, category)] = n
    cells = {key: n for key, n in cells.items() if key[0] != Dimension.COUNTRY or n}
    return VictimGrid(total=total, referred=referred, cells=cells)


def save_victims(period, institution, victims: int, potential: int = 0, **overrides):
    return victim_grid_save(
        period=period,
        institution=institution,
        grids={VictimStatus.VICTIM: grid(victims, **overrides), VictimStatus.POTENTIAL: grid(potential)},
        versions=victim_grid_versions(period=period, institution=institution),
    )


def municipality(county, name="Durrës"):
    return Municipality.objects.get_or_create(name=name, defaults={"county": county})[0]


def intervention(
    county,
    institution,
    day: datetime.date,
    *,
    girls=1,
    boys=0,
    origin=None,
    place="Plazhi",
    where=None,
    today=None,
):
    groups = [g for g in age_groups_for(county) if g.is_child]
    record = StreetIntervention(
        county=county,
        institution=institution,
        date=day,
        municipality=where or municipality(county),
        place=place,
        origin=origin,
        activity=StreetActivity.BEGGING,
        accompanied=Accompanied.NO,
        action=StreetAction.RETURNED_TO_FAMILY,
    )
    counts = {("female", groups[0].pk): girls, ("male", groups[0].pk): boys}
    return intervention_save(intervention=record, counts=counts, today=today or datetime.date(2030, 1, 1))


class PeriodRecordFactory(factory.django.DjangoModelFactory):
    """What every period figure carries: a county, one of its periods and institutions."""

    county = factory.SubFactory(CountyFactory)
    period = factory.SubFactory(PeriodFactory, county=factory.SelfAttribute("..county"))
    institution = factory.SubFactory(InstitutionFactory, county=factory.SelfAttribute("..county"))


class VictimReportFactory(PeriodRecordFactory):
    """A victims report without cells (a grid is saved whole: `save_victims`, `victim_grid_save`)."""

    class Meta:
        model = VictimReport

    status = VictimStatus.VICTIM
    total = 0
    referred = 0


class VictimCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimCount

    report = factory.SubFactory(VictimReportFactory)
    dimension = Dimension.SEX
    category = UNKNOWN
    count = 0


class StreetInterventionFactory(PeriodRecordFactory):
    """One intervention, its children counted in `StreetChildCountFactory` rows (`intervention`
    saves both through the service)."""

    class Meta:
        model = StreetIntervention

    date = factory.SelfAttribute("period.start_date")
    municipality = factory.LazyAttribute(lambda i: municipality(i.county))
    place = "Plazhi"
    activity = StreetActivity.BEGGING
    accompanied = Accompanied.NO
    action = StreetAction.RETURNED_TO_FAMILY
    children = 1


class StreetChildCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreetChildCount

    intervention = factory.SubFactory(StreetInterventionFactory)
    sex = Sex.FEMALE
    age_group = None
    count = 1


class EmploymentFunnelFactory(PeriodRecordFactory):
    """A Labour Office's path for one group: only `received` unless the stages are given
    (`cases.demo.funnel` gives a full path that keeps every rule)."""

    class Meta:
        model = EmploymentFunnel

    group = VulnerableGroup.ECONOMIC_AID
    sex = Sex.FEMALE
    age_group = None
    received = 10


__all__ = ["CountyFactory", "InstitutionFactory", "PeriodFactory", "factory"]


def close_period(period) -> None:
    """Close `period`: its case figures are then published to observers
    (`krat.access.figures_published`), and it accepts no more writes."""
    period.is_closed = True
    period.save(update_fields=["is_closed"])
