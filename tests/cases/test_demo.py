"""The demo period data loads, adds up, compares with last year, and loads twice unchanged."""

import datetime

import pytest

from cases import demo
from cases.models import EmploymentFunnel, StreetIntervention, VictimCount, VictimReport
from cases.selectors.employment import employment_summary
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from krat.demo import demo_load
from krat.models import County

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def counts():
    return [m.objects.count() for m in (VictimReport, VictimCount, StreetIntervention, EmploymentFunnel)]


def test_demo_loads_once_and_its_figures_compare_with_last_year():
    demo_load(TODAY)
    county = County.objects.get(slug="durres")
    demo.load(county=county, today=TODAY)
    first = counts()
    demo.load(county=county, today=TODAY)
    assert counts() == first
    assert 25 <= StreetIntervention.objects.count() <= 40
    period = county.periods.get(label="Maj – Gusht 2026")
    summary = victims_summary(county, period, suppressed=False)
    totals = summary.statuses[0].total
    assert all(cell is not None and cell.value > 0 for cell in totals)
    street = street_children_summary(county, period, suppressed=True)
    assert {o.name for o in street.repeated_origins} & {"Elbasan", "Korçë", "Fier", "Berat"}
    employment = employment_summary(county, period, suppressed=False)
    assert employment.has_data
