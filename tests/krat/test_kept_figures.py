"""Issue 17, point 5: what Django's cache keeps, and why it is never stale.

The suppression patterns are kept under a digest of the figures they protect
(`krat.suppression.remembered`); a published period's national headlines under everything
they depend on (`cases.selectors.figures.published_headlines`), and the national margins
under the sets' fingerprints. These tests change each thing a kept value depends on and
check that the next read sees it, and that a second read computes nothing again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.selectors import figures as case_figures
from cases.selectors.figures import published_headlines
from krat import services, suppression
from krat.disclosure import Figures, Line
from krat.report import national
from krat.report.national import national_report
from tests.cases.factories import save_victims
from tests.krat.test_national import START, build_counties

pytestmark = pytest.mark.django_db


def _counting(monkeypatch, module, name: str) -> list:
    """Count the calls of `module.name` (still calling it)."""
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _figures(girls: int, boys: int, order: int = 1) -> Figures:
    unpublished = [("place", "a"), ("place", "b")][::order]
    return Figures(
        name=("test",),
        values={"girls": girls, "boys": boys, "total": girls + boys, ("place", "a"): 1, ("place", "b"): 1},
        lines=[Line(["girls", "boys"], "total")],
        unpublished=frozenset(unpublished),
    )


# --- The patterns -------------------------------------------------------------------------------


def test_the_same_figures_are_protected_once_and_other_figures_afresh(monkeypatch):
    solved = _counting(monkeypatch, suppression, "_protect")
    first = suppression.protect(_figures(2, 7))
    assert suppression.protect(_figures(2, 7)) == first == {"girls", "boys"}
    assert len(solved) == 1
    # One count more is other figures: solved again, and its own pattern.
    assert suppression.protect(_figures(3, 7)) == set()
    assert len(solved) == 2


def test_the_key_does_not_depend_on_a_set_s_order_but_on_everything_else():
    """A set's order follows hashes Python salts per process: the digest sorts sets, so two
    processes sharing Redis find each other's patterns; every value, the readers and the
    threshold are in it."""
    assert suppression._digest(_figures(2, 7, order=1)) == suppression._digest(_figures(2, 7, order=-1))
    assert suppression._digest(_figures(2, 7)) != suppression._digest(_figures(7, 2))
    assert suppression._digest((_figures(2, 7), None)) != suppression._digest((_figures(2, 7), ()))
    other_k = Figures(**{**_figures(2, 7).__dict__, "k": 5})
    assert suppression._digest(_figures(2, 7)) != suppression._digest(other_k)
    # Values, not identities: equal figures built apart have one key.
    assert suppression._digest((_figures(2, 7), _figures(2, 7))) == suppression._digest((_figures(2, 7),) * 2)


def test_a_changed_rule_reads_no_pattern_the_old_one_chose(monkeypatch):
    solved = _counting(monkeypatch, suppression, "_protect")
    suppression.protect(_figures(2, 7))
    monkeypatch.setattr(suppression, "_RULES", "another")
    suppression.protect(_figures(2, 7))
    assert len(solved) == 2


# --- The national report's published headlines --------------------------------------------------


def test_a_second_national_report_builds_no_set_and_solves_nothing(monkeypatch, settings):
    """The published headlines are kept by their content, whether or not the whole report
    is kept under generations (`krat.generations`; off here, on in the test below)."""
    settings.KRAT_GENERATIONS = False
    build_counties()
    first = national_report(START)
    built = _counting(monkeypatch, case_figures, "headline_sets")
    margins = _counting(monkeypatch, suppression, "_protect_margins")
    solved = _counting(monkeypatch, suppression, "_protect")
    with CaptureQueriesContext(connection) as queries:
        second = national_report(START)
    assert second == first
    assert (built, margins, solved) == ([], [], [])
    # Only the age groups are read of the case figures (and nothing of their records).
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "cases_victimcount" not in read and "cases_agegroup" in read


def test_a_second_national_report_is_read_whole_from_the_cache(monkeypatch):
    build_counties()
    first = national_report(START)
    with CaptureQueriesContext(connection) as queries:
        second = national_report(START)
    assert second == first and len(queries) == 0


def test_an_open_period_is_never_kept(world):
    period = world.period
    assert not period.is_closed
    with pytest.raises(ValueError):
        published_headlines([period])


def _durres():
    from krat.models import County

    county = County.objects.get(name="Durrës")
    return county, county.periods.get(start_date=START)


def test_a_period_reopened_corrected_and_closed_again_is_read_afresh():
    build_counties()
    county, period = _durres()
    before = dict(national_report(START).column("victims"))["Durrës"]
    # Through the service, as the period's page does: each save is a new version.
    period.is_closed = False
    period = services.period_save(period=period, expected_version=period.version)
    save_victims(period, county.institutions.first(), 40)
    period.is_closed = True
    services.period_save(period=period, expected_version=period.version)
    after = dict(national_report(START).column("victims"))["Durrës"]
    assert (before.value, after.value) == (10 + sorted(_names()).index("Durrës"), 40)


def _names():
    from krat.geography import COUNTIES

    return COUNTIES


def test_a_changed_threshold_is_read_afresh():
    build_counties()
    county, _period = _durres()
    shown = dict(national_report(START).column("victims"))["Durrës"]
    assert not shown.hidden
    county.small_number_threshold = 20  # Durrës's 10 + i victims are now a small count
    services.county_settings_save(county=county, expected_version=county.version)
    assert dict(national_report(START).column("victims"))["Durrës"].hidden


def test_each_language_is_kept_apart():
    build_counties()
    with translation.override("sq"):
        albanian = national_report(START).breakdowns[0]
    with translation.override("en"):
        english = national_report(START).breakdowns[0]
    assert albanian.categories != english.categories
    assert "Not entered" in english.categories and "Not entered" not in albanian.categories


def test_the_margins_are_kept_under_the_sets_fingerprints(monkeypatch):
    """The second report reads no set: the margins come back under the fingerprints."""
    build_counties()
    national_report(START)
    periods = national._periods(START)[START]
    _values, sets = national._figures(periods, datetime.date.today())
    problem = national._margins(dict(sets), national.headline_labels())
    assert all(s.fingerprint for s in problem.sets.values())
    read = _counting(monkeypatch, suppression, "_protect_margins")
    problem.protect()
    assert read == []


def test_a_cache_that_is_down_costs_the_computing_not_the_page(monkeypatch, world, client):
    """Django's Redis cache raises on a lost connection: the figures are computed again."""
    from django.urls import reverse

    from krat import caching

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(caching.cache, "get_many", down)
    monkeypatch.setattr(caching.cache, "set_many", down)
    assert suppression.protect(_figures(2, 7)) == {"girls", "boys"}
    build_counties()
    client.force_login(world.users["national_observer"])
    assert client.get(reverse("krat:national_report", args=[START.isoformat()])).status_code == 200
