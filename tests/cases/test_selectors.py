"""Summaries for the period report: comparisons, street children, employment, suppression."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import EmploymentFunnel
from cases.selectors.age_groups import age_groups_for
from cases.selectors.comparison import comparison_periods
from cases.selectors.dashboard import dashboard_panel
from cases.selectors.employment import employment_summary
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from cases.services.employment import employment_save, employment_stamp
from krat.choices import InstitutionKind
from krat.periods import current_period
from tests.cases.factories import intervention, municipality, save_victims
from tests.factories import InstitutionFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def period(county, label, start, end):
    return PeriodFactory(county=county, label=label, start_date=start, end_date=end, deadline=end)


@pytest.fixture
def year(world):
    """Three periods of 2017 and the world's Janar – Prill 2018."""
    return {
        "jan17": period(
            world.own, "Janar – Prill 2017", datetime.date(2017, 1, 1), datetime.date(2017, 4, 30)
        ),
        "may17": period(world.own, "Maj – Gusht 2017", datetime.date(2017, 5, 1), datetime.date(2017, 8, 31)),
        "sep17": period(
            world.own, "Shtator – Dhjetor 2017", datetime.date(2017, 9, 1), datetime.date(2017, 12, 31)
        ),
        "jan18": world.period,
    }


def test_comparison_finds_previous_and_year_earlier_by_dates(year):
    comparison = comparison_periods(year["jan18"])
    assert comparison.previous == year["sep17"]
    assert comparison.year_earlier == year["jan17"]
    first = comparison_periods(year["jan17"])
    assert first.previous is None and first.year_earlier is None


def test_victims_summary_sums_institutions_and_compares(world, year):
    ngo = InstitutionFactory(county=world.own, kind=InstitutionKind.NGO)
    save_victims(year["jan18"], world.own_institution, 6, 2)
    save_victims(year["jan18"], ngo, 4)
    save_victims(year["sep17"], world.own_institution, 3)
    save_victims(year["jan17"], world.own_institution, 8)
    summary = victims_summary(world.own, year["jan18"], suppressed=False)
    victims = summary.statuses[0]
    assert [str(c) for c in victims.total] == ["10", "3", "8"]
    assert summary.previous.label == "Shtator – Dhjetor 2017"
    own = victims_summary(world.own, year["jan18"], suppressed=False, institution=ngo)
    assert str(own.statuses[0].total[0]) == "4"


def test_victims_summary_hides_small_cells_and_their_partners(world):
    save_victims(
        world.period,
        world.own_institution,
        10,
        sex={"female": 2, "male": 5, "unknown": 3},
        citizenship={"albanian": 8, "foreign": 2},
        country={"XK": 2},
    )
    summary = victims_summary(world.own, world.period, suppressed=True)
    victims = summary.statuses[0]
    sex = {row.key: str(row.values[0]) for row in victims.dimensions[0].rows}
    assert sex == {"female": "< 3", "male": "5", "unknown": "x"}
    assert str(victims.total[0]) == "10"
    country = next(d for d in victims.dimensions if d.key == "country")
    assert str(country.rows[0].values[0]) == "< 3"
    citizenship = {row.key: str(row.values[0]) for row in victims.dimensions[3].rows}
    # The zero beside the small count is hidden with it ("< 3" may be 0): 8 can stay shown.
    assert citizenship == {"albanian": "8", "foreign": "< 3", "unknown": "< 3"}


def test_a_total_that_would_reveal_a_hidden_cell_is_hidden(world):
    # One victim in total: the total itself is small, and every breakdown hides it too.
    save_victims(world.period, world.own_institution, 1, sex={"female": 1})
    victims = victims_summary(world.own, world.period, suppressed=True).statuses[0]
    assert victims.total[0].hidden
    assert all(row.values[0].hidden for row in victims.dimensions[0].rows if row.values[0].value)


def test_street_children_summary(world):
    county, police = world.own, world.own_institution
    county.tourist_season_start, county.tourist_season_end = 2, 3
    county.save()
    elbasan, korce = municipality(county, "Elbasan"), municipality(county, "Korçë")
    intervention(county, police, datetime.date(2018, 2, 1), girls=3, origin=elbasan, place="Plazhi")
    intervention(county, police, datetime.date(2018, 2, 9), girls=2, boys=2, origin=elbasan, place="Plazhi")
    intervention(county, police, datetime.date(2018, 3, 9), girls=0, boys=5, origin=korce, place="Sheshi")
    intervention(county, police, datetime.date(2018, 4, 9), girls=0, boys=1, place="Sheshi")
    summary = street_children_summary(county, world.period, suppressed=False)
    assert str(summary.total[0]) == "13"
    assert [str(m.value) for m in summary.by_month] == ["0", "7", "5", "1"]
    assert [m.season for m in summary.by_month] == [False, True, True, False]
    assert [(o.name, str(o.interventions), str(o.children)) for o in summary.repeated_origins] == [
        ("Elbasan", "2", "7")
    ]
    assert {p.label: str(p.value) for p in summary.by_place} == {"Plazhi": "7", "Sheshi": "6"}
    assert 'role="img"' in str(summary.chart.svg)
    hidden = street_children_summary(county, world.period, suppressed=True)
    assert str(hidden.by_month[3].value) == "< 3"
    assert str(hidden.total[0]) == "13"


def test_street_dates_are_checked(world):
    with pytest.raises(ValidationError, match="future"):
        intervention(
            world.own, world.own_institution, datetime.date(2018, 2, 1), today=datetime.date(2018, 1, 1)
        )
    with pytest.raises(ValidationError, match="outside every reporting period"):
        intervention(world.own, world.own_institution, datetime.date(2016, 2, 1))
    with pytest.raises(ValidationError, match="at least one child"):
        intervention(world.own, world.own_institution, datetime.date(2018, 2, 1), girls=0)


def test_a_street_intervention_in_another_countys_municipality_is_refused(world):
    from cases.choices import Accompanied, StreetAction, StreetActivity
    from cases.models import StreetIntervention
    from cases.services.street import intervention_save
    from krat.models import Municipality

    far = Municipality.objects.create(county=world.other, name="Vlorë")
    record = StreetIntervention(
        county=world.own,
        institution=world.own_institution,
        date=datetime.date(2018, 2, 1),
        municipality=far,
        place="Plazh",
        activity=StreetActivity.BEGGING,
        accompanied=Accompanied.NO,
        action=StreetAction.RETURNED_TO_FAMILY,
    )
    with pytest.raises(ValidationError, match="municipality of this county"):
        intervention_save(intervention=record, counts={("female", None): 1}, today=datetime.date(2030, 1, 1))


def funnel(world, **stages):
    values = {
        "received": 10,
        "interviewed": 8,
        "ready": 4,
        "needs_training": 2,
        "not_employable": 1,
        "referred_vacancy": 3,
        "referred_training": 2,
        "employed": 2,
        "completed_training": 1,
    }
    values.update(stages)
    return EmploymentFunnel(group="economic_aid", sex="female", age_group=None, **values)


def test_employment_saves_a_valid_path(world):
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[funnel(world)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    summary = employment_summary(world.own, world.period, suppressed=False)
    stages = {s.key: str(s.values[0]) for s in summary.stages}
    assert stages["received"] == "10" and stages["assessed"] == "7" and stages["employed"] == "2"
    assert "<svg" in str(summary.chart.svg)


@pytest.mark.parametrize(
    "stages",
    [
        {"interviewed": 11},
        {"not_employable": 3},  # 4 + 2 + 3 > 8 interviewed
        {"referred_vacancy": 5},
        {"referred_training": 3},
        {"employed": 4},
        {"completed_training": 3},
    ],
)
def test_a_stage_above_the_one_before_is_refused_by_the_service_and_the_database(world, stages):
    with pytest.raises(ValidationError, match="cannot be more than"):
        employment_save(
            period=world.period,
            institution=world.other_institution,
            rows=[funnel(world, **stages)],
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )
    row = funnel(world, **stages)
    row.county, row.period, row.institution = world.own, world.period, world.other_institution
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_employment_rows_cannot_repeat(world):
    with pytest.raises(ValidationError, match="repeats"):
        employment_save(
            period=world.period,
            institution=world.other_institution,
            rows=[funnel(world), funnel(world)],
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )


def test_employment_is_for_the_labour_office_only(world):
    with pytest.raises(ValidationError, match="do not report"):
        employment_save(
            period=world.period,
            institution=world.own_institution,
            rows=[funnel(world)],
            expected_stamp=employment_stamp(period=world.period, institution=world.own_institution),
        )


def test_employment_summary_hides_small_stage_cells(world):
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[funnel(world)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    summary = employment_summary(world.own, world.period, suppressed=True)
    stages = {s.key: s.values[0] for s in summary.stages}
    assert str(stages["employed"]) == "< 3" and str(stages["received"]) == "10"
    # ready 4, needs 2, not employable 1 add up to assessed 7: 2 and 1 hidden, 7 shown.
    assert stages["needs_training"].hidden and stages["not_employable"].hidden


def test_age_groups_default(world):
    assert [g.label for g in age_groups_for(world.own)] == ["0–13", "14–17", "18–24", "25+"]


def test_dashboard_panel(world):
    save_victims(world.period, world.own_institution, 2)
    panel = dashboard_panel(user=world.users["observer"], county=world.own, period=current_period(world.own))
    assert panel.template == "cases/panel.html"


def test_employment_refuses_another_countys_age_group(world):
    from cases.models import AgeGroup

    foreign = AgeGroup.objects.create(county=world.other, min_age=30)
    row = funnel(world)
    row.age_group = foreign
    with pytest.raises(ValidationError, match="unknown age group"):
        employment_save(
            period=world.period,
            institution=world.other_institution,
            rows=[row],
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )
