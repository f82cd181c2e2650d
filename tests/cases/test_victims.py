"""The victims grid: every rule, saved whole or not at all, and the outlier flag."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.choices import VictimStatus, victim_categories
from cases.models import VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.services.victims import VictimGrid, victim_grid_save
from krat.choices import InstitutionKind
from krat.concurrency import StaleEditError
from tests.cases.factories import grid, save_victims
from tests.factories import InstitutionFactory, PeriodFactory

# The versions a page shows for a grid never saved.
FIRST = dict.fromkeys(VictimStatus.values, 0)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(world):
    return world.own_institution


def test_a_valid_grid_is_saved_with_its_cells(world, police):
    warnings = save_victims(world.period, police, 5, 2, sex={"female": 3, "male": 2})
    assert warnings == []
    report = VictimReport.objects.get(institution=police, status=VictimStatus.VICTIM)
    assert report.total == 5
    cells = {(c.dimension, c.category): c.count for c in report.cells.all()}
    assert cells[("sex", "female")] == 3
    assert cells.get(("sex", "unknown"), 0) == 0
    assert VictimReport.objects.filter(institution=police).count() == 2


def test_saving_again_replaces_the_cells(world, police):
    save_victims(world.period, police, 5, sex={"female": 5})
    save_victims(world.period, police, 4, sex={"male": 4})
    report = VictimReport.objects.get(institution=police, status=VictimStatus.VICTIM)
    cells = {(c.dimension, c.category): c.count for c in report.cells.all()}
    assert cells.get(("sex", "female"), 0) == 0 and cells[("sex", "male")] == 4
    assert report.version == 2


def _complete(world, dimension: str, unknown: int) -> VictimGrid:
    """A grid of 5 whose `dimension` has every category entered: 0 each, `unknown` under unknown."""
    bad = grid(5)
    for value, _label in victim_categories(age_groups_for(world.own))[dimension]:
        bad.cells[(dimension, value)] = 0
    bad.cells[(dimension, "unknown")] = unknown
    return bad


@pytest.mark.parametrize(
    "dimension", ["sex", "age", "exploitation", "citizenship", "movement", "identified_by"]
)
def test_each_breakdown_entered_whole_must_add_up_to_the_total(world, police, dimension):
    with pytest.raises(ValidationError, match="adds up to 4, not to the total 5"):
        victim_grid_save(
            period=world.period,
            institution=police,
            grids={VictimStatus.VICTIM: _complete(world, dimension, 4)},
            versions=FIRST,
        )
    assert not VictimReport.objects.exists()


@pytest.mark.parametrize(
    "dimension", ["sex", "age", "exploitation", "citizenship", "movement", "identified_by"]
)
def test_a_breakdown_with_empty_cells_may_fall_short_of_the_total_but_not_pass_it(world, police, dimension):
    over = grid(5)
    over.cells[(dimension, "unknown")] = 6
    with pytest.raises(ValidationError, match="add up to 6, more than the total 5"):
        victim_grid_save(period=world.period, institution=police, grids={"victim": over}, versions=FIRST)
    short = grid(5)
    short.cells[(dimension, "unknown")] = 4  # the other categories left empty: no value
    victim_grid_save(period=world.period, institution=police, grids={"victim": short}, versions=FIRST)
    report = VictimReport.objects.get(status="victim")
    assert report.cells.get(dimension=dimension, category="unknown").count == 4
    assert not report.cells.filter(dimension=dimension).exclude(category="unknown").exists()


def test_referred_cannot_exceed_the_total(world, police):
    with pytest.raises(ValidationError, match="cannot be more than the total"):
        victim_grid_save(
            period=world.period, institution=police, grids={"victim": grid(3, referred=4)}, versions=FIRST
        )


@pytest.mark.parametrize("value", [-1, 10_001, 2.5, True])
def test_negative_fractional_or_absurd_counts_are_refused(world, police, value):
    bad = grid(3)
    bad.cells[("sex", "female")] = value
    with pytest.raises(ValidationError, match="whole numbers"):
        victim_grid_save(period=world.period, institution=police, grids={"victim": bad}, versions=FIRST)


def test_an_unknown_category_is_refused(world, police):
    bad = grid(3)
    bad.cells[("sex", "dragon")] = 0
    with pytest.raises(ValidationError, match="Unknown category"):
        victim_grid_save(period=world.period, institution=police, grids={"victim": bad}, versions=FIRST)


def test_foreign_victims_by_country_add_up_to_no_more_than_the_foreign_victims(world, police):
    bad = grid(4, citizenship={"foreign": 3}, country={"XK": 2, "RS": 2})
    with pytest.raises(ValidationError, match="by country add up to 4, more than the 3 foreign"):
        victim_grid_save(period=world.period, institution=police, grids={"victim": bad}, versions=FIRST)
    # Countries left empty have no value: the list may fall short.
    short = grid(4, citizenship={"foreign": 3}, country={"XK": 2})
    victim_grid_save(period=world.period, institution=police, grids={"victim": short}, versions=FIRST)


def test_countries_need_the_foreign_victims_entered(world, police):
    bad = grid(4, country={"XK": 1})
    del bad.cells[("citizenship", "unknown")]
    with pytest.raises(ValidationError, match="number of foreign victims before their countries"):
        victim_grid_save(period=world.period, institution=police, grids={"victim": bad}, versions=FIRST)


def test_age_groups_of_the_county_are_the_age_categories(world, police):
    groups = age_groups_for(world.own)
    assert [g.label for g in groups] == ["0–13", "14–17", "18–24", "25+"]
    good = grid(3, age={str(groups[0].pk): 2})
    victim_grid_save(period=world.period, institution=police, grids={"victim": good}, versions=FIRST)


def test_one_bad_status_saves_nothing_of_the_grid(world, police):
    with pytest.raises(ValidationError):
        victim_grid_save(
            period=world.period,
            institution=police,
            grids={"victim": grid(3), "potential": grid(2, referred=9)},
            versions=FIRST,
        )
    assert not VictimReport.objects.exists() and not VictimCount.objects.exists()


def test_a_closed_period_accepts_no_changes(world, police):
    world.period.is_closed = True
    world.period.save()
    with pytest.raises(ValidationError, match="closed"):
        save_victims(world.period, police, 1)


def test_an_institution_of_another_kind_cannot_report_victims(world):
    with pytest.raises(ValidationError, match="do not report"):
        save_victims(world.period, world.other_institution, 1)  # the labour office


def test_a_concurrent_save_is_refused(world, police):
    save_victims(world.period, police, 2)
    with pytest.raises(StaleEditError):
        victim_grid_save(
            period=world.period, institution=police, grids={"victim": grid(3)}, versions={"victim": 7}
        )


def test_a_first_save_made_while_another_was_saving_is_refused(world, police):
    """Both read an empty grid (versions 0); the second to save must not overwrite the first."""
    victim_grid_save(
        period=world.period, institution=police, grids={"victim": grid(2)}, versions={"victim": 0}
    )
    with pytest.raises(StaleEditError):
        victim_grid_save(
            period=world.period, institution=police, grids={"victim": grid(3)}, versions={"victim": 0}
        )
    assert VictimReport.objects.get(period=world.period, institution=police, status="victim").total == 2


def test_the_database_refuses_what_the_service_would(world, police):
    with pytest.raises(IntegrityError), transaction.atomic():
        VictimReport.objects.create(
            county=world.own, period=world.period, institution=police, status="victim", total=2, referred=3
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        VictimReport.objects.create(
            county=world.own, period=world.period, institution=police, status="victim", total=10_001
        )
    # Referred is a part of the total: never entered without it.
    with pytest.raises(IntegrityError), transaction.atomic():
        VictimReport.objects.create(
            county=world.own, period=world.period, institution=police, status="victim", referred=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        VictimReport.objects.create(
            county=world.own, period=world.period, institution=police, status="victim", referred=10_001
        )


def _periods(world, years):
    return [
        PeriodFactory(
            county=world.own,
            label=f"Janar – Prill {year}",
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 4, 30),
            deadline=datetime.date(year, 5, 10),
        )
        for year in years
    ]


def test_a_total_far_from_earlier_periods_is_flagged_but_saved(world, police):
    earlier = _periods(world, [2015, 2016, 2017])
    for period in earlier:
        save_victims(period, police, 4)
    warnings = save_victims(world.period, police, 20)
    assert [w.status for w in warnings] == ["victim"]
    assert "far from" in warnings[0].message
    assert VictimReport.objects.get(period=world.period, status="victim").total == 20


@pytest.mark.parametrize(
    ("mean_of", "total", "flagged"),
    [
        (4, 12, False),  # 3× exactly: not more than 3×
        (4, 13, True),
        (1, 5, False),  # more than 3× but the difference is under 5
        (30, 9, True),  # less than a third
        (30, 10, False),
    ],
)
def test_the_outlier_rule(world, police, mean_of, total, flagged):
    (earlier,) = _periods(world, [2017])
    save_victims(earlier, police, mean_of)
    assert bool(save_victims(world.period, police, total)) is flagged


def test_no_flag_without_earlier_periods(world, police):
    assert save_victims(world.period, police, 500) == []


def test_an_ngo_may_report_by_default_and_the_setting_can_forbid_it(world):
    from cases.selectors.reporting import settings_for

    ngo = InstitutionFactory(county=world.own, kind=InstitutionKind.NGO)
    save_victims(world.period, ngo, 1)
    settings = settings_for(world.own)
    settings.victims_kinds = ["state_police"]
    settings.save()
    with pytest.raises(ValidationError):
        save_victims(world.period, ngo, 1)


def test_grid_helper_is_valid():
    assert isinstance(grid(2), VictimGrid)
