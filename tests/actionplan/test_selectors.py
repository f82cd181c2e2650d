"""The numbers of the plan's progress: shares by objective and institution, the overdue list."""

from __future__ import annotations

import dataclasses
import datetime
import pickle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.choices import ActivityState, ProgressStatus
from actionplan.selectors import Shares, dashboard_panel, plan_progress
from krat.periods import current_period
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressFactory,
)
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def setup():
    county = CountyFactory(name="Durrës", slug="durres")
    plan = PlanFactory(county=county, year=2018)
    first = PeriodFactory(county=county, label="Janar – Prill 2018")
    second = PeriodFactory(
        county=county, label="Maj – Gusht 2018", start_date=D(2018, 5, 1), end_date=D(2018, 8, 31),
        deadline=D(2018, 9, 10),
    )  # fmt: skip
    police = InstitutionFactory(county=county, name="Policia")
    labour = InstitutionFactory(county=county, name="Zyra e Punës")
    prevention = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"), name="Shkollat")
    protection = ObjectiveFactory(pillar=plan.pillars.create(name="Mbrojtja"), name="Referimi")

    def activity(code, objective, lead, deadline):
        return ActivityFactory(objective=objective, code=code, lead_institution=lead, deadline=deadline)

    a = activity("1", prevention, police, D(2018, 3, 31))  # done in period 1
    activity("2", prevention, police, D(2018, 3, 31))  # nothing reported, deadline passed: overdue
    c = activity("3", prevention, labour, D(2018, 12, 31))  # in progress: on track
    d = activity("4", protection, labour, D(2018, 12, 31))  # delayed: overdue
    e = activity("5", protection, police, D(2018, 12, 31))  # cancelled
    ProgressFactory(activity=a, period=first, status=ProgressStatus.DONE)
    ProgressFactory(activity=c, period=first, status=ProgressStatus.IN_PROGRESS)
    ProgressFactory(activity=d, period=first, status=ProgressStatus.IN_PROGRESS)
    ProgressFactory(activity=d, period=second, status=ProgressStatus.DELAYED)
    ProgressFactory(activity=e, period=first, status=ProgressStatus.CANCELLED)
    return county, first, second


def test_plan_progress_counts_states_as_of_a_period(setup):
    county, first, second = setup
    result = plan_progress(county, period=first, today=D(2018, 4, 25))
    assert result.plan is not None and result.plan.year == 2018
    totals = result.summary.totals
    assert (totals.total, totals.done, totals.on_track, totals.overdue, totals.cancelled) == (5, 1, 2, 1, 1)
    assert totals.shares == Shares(done=20, on_track=40, overdue=20, cancelled=20)
    assert [o.code for o in result.summary.overdue] == ["2"]

    later = plan_progress(county, period=second, today=D(2018, 6, 1)).summary
    assert later.totals.overdue == 2  # 2 late, 4 reported delayed in period 2
    assert [o.code for o in later.overdue] == ["2", "4"]
    by_objective = {o.label: o for o in later.by_objective}
    assert by_objective["Shkollat"].pillar == "Parandalimi"
    assert (by_objective["Shkollat"].done, by_objective["Shkollat"].overdue) == (1, 1)
    assert by_objective["Referimi"].cancelled == 1
    by_institution = {i.label: i for i in later.by_institution}
    assert by_institution["Zyra e Punës"].total == 2
    assert by_institution["Zyra e Punës"].shares.overdue == 50
    assert [by_institution["Zyra e Punës"].count(s) for s in ActivityState] == [0, 1, 1, 0]


def test_plan_progress_is_plain_data_in_a_few_queries(setup):
    """Frozen dataclasses of plain values all the way down: the report keeps them in the
    cache (pickled) and its templates never reach the database through them."""
    county, first, _second = setup
    with CaptureQueriesContext(connection) as queries:
        result = plan_progress(county, period=first, today=D(2018, 4, 25))
    assert len(queries) <= 4

    def plain(value):
        if dataclasses.is_dataclass(value):
            assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
            return all(plain(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, (str, int, float, type(None), datetime.date))

    assert plain(result)
    assert pickle.loads(pickle.dumps(result)) == result  # noqa: S301 - our own bytes, as the cache does


def test_plan_progress_without_a_plan(setup):
    county, _first, _second = setup
    other = PeriodFactory(
        county=county, start_date=D(2030, 1, 1), end_date=D(2030, 4, 30), deadline=D(2030, 5, 1)
    )
    result = plan_progress(county, period=other, today=D(2030, 2, 1))
    assert result.plan is None and result.summary.totals.total == 0


def test_the_dashboard_panel_shows_this_years_plan_and_the_next_events(setup):
    county, _first, _second = setup
    EventFactory(county=county, title="E kaluar", date=D(2018, 3, 1))
    for day in (10, 5, 20, 25):
        EventFactory(county=county, title=f"Maj {day}", date=D(2018, 5, day))
    panel = dashboard_panel(
        user=None, county=county, period=current_period(county, D(2018, 4, 25)), today=D(2018, 4, 25)
    )
    assert panel.context["summary"].totals.total == 5
    assert "<svg" in str(panel.context["chart"].svg)
    assert [e.title for e in panel.context["events"]] == ["Maj 5", "Maj 10", "Maj 20"]


def test_the_dashboard_chart_is_by_pillar_and_its_legend_wraps_inside_the_card(setup):
    import re

    county, _first, _second = setup
    panel = dashboard_panel(
        user=None, county=county, period=current_period(county, D(2018, 4, 25)), today=D(2018, 4, 25)
    )
    svg = str(panel.context["chart"].svg)
    assert 'width="400"' in svg and "Parandalimi" in svg and "Mbrojtja" in svg
    legend_x = [float(x) for x in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="10"', svg)]
    assert len(legend_x) == 4 and max(legend_x) < 400
    assert len(set(re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="10"', svg))) == 2  # two legend lines


# --- The national report's counts agree with the county's own page -----------------------------


def test_the_national_plan_states_are_the_plan_progress_of_each_period(setup):
    """`_plan_states` counts in SQL what `plan_progress` counts in Python: as of each period,
    done (1), and overdue (2 late; 4 reported delayed in the second period only)."""
    from actionplan.report import _plan_states

    _county, first, second = setup
    for today in (D(2018, 4, 25), D(2018, 6, 1), D(2019, 1, 1)):
        states = _plan_states([first, second], today)
        for period in (first, second):
            totals = plan_progress(period.county, period=period, today=today).summary.totals
            assert states[period.pk] == (totals.done, totals.overdue), (period.label, today)
    assert _plan_states([first, second], D(2018, 6, 1)) == {first.pk: (1, 1), second.pk: (1, 2)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reports=st.lists(
        st.tuples(
            st.sampled_from([*ProgressStatus.values, None]),
            st.sampled_from([*ProgressStatus.values, None]),
        ),
        min_size=1,
        max_size=6,
    ),
    late=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_random_progress_gives_the_same_counts_nationally_and_in_the_county(reports, late):
    """Each activity reports a status (or nothing) in each of two periods and has passed its
    deadline or not: the national counts are the county page's, as of each period."""
    from actionplan.report import _plan_states

    county = CountyFactory()
    plan = PlanFactory(county=county, year=2018)
    first = PeriodFactory(county=county, start_date=D(2018, 1, 1), end_date=D(2018, 4, 30))
    second = PeriodFactory(
        county=county, start_date=D(2018, 5, 1), end_date=D(2018, 8, 31), deadline=D(2018, 9, 10)
    )
    lead = InstitutionFactory(county=county)
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    today = D(2018, 6, 1)
    for i, (in_first, in_second) in enumerate(reports):
        deadline = D(2018, 3, 31) if late[i] else D(2018, 12, 31)
        activity = ActivityFactory(
            objective=objective, code=str(i + 1), lead_institution=lead, deadline=deadline
        )
        for period, status in ((first, in_first), (second, in_second)):
            if status is not None:
                ProgressFactory(activity=activity, period=period, status=status)
    states = _plan_states([first, second], today)
    for period in (first, second):
        totals = plan_progress(county, period=period, today=today).summary.totals
        assert states.get(period.pk, (0, 0)) == (totals.done, totals.overdue)


def test_the_national_events_count_each_countys_own_window_only():
    """Two counties share one window and a third has its own: each period counts the events
    held in its county and dates, whatever the others' (one query)."""
    from actionplan.choices import EventStatus
    from actionplan.report import _events

    shared = [CountyFactory(small_number_threshold=3) for _ in range(2)]
    own = CountyFactory(small_number_threshold=3)
    periods = [
        PeriodFactory(county=county, start_date=D(2018, 1, 1), end_date=D(2018, 4, 30)) for county in shared
    ] + [PeriodFactory(county=own, start_date=D(2018, 2, 1), end_date=D(2018, 5, 31))]

    def held(county, day, reached, status=EventStatus.HELD):
        EventFactory(county=county, date=day, status=status, people_reached=reached)

    for _ in range(4):
        held(shared[0], D(2018, 2, 1), 10)
    held(shared[0], D(2018, 5, 1), 99)  # after its window: the third county's window, not its own
    held(shared[0], D(2018, 3, 1), None, EventStatus.PLANNED)  # not held
    for _ in range(3):
        held(shared[1], D(2018, 4, 30), None)  # held, nobody's figure of people reached
    for _ in range(5):
        held(own, D(2018, 5, 31), 7)
    held(own, D(2018, 1, 31), 99)  # before its window
    with CaptureQueriesContext(connection) as queries:
        shown = _events(periods)
    assert len(queries) == 1
    first, second, third = (shown[p.pk] for p in periods)
    assert (first["events"].value, first["reached"].value) == (4, 40)
    assert second["events"].value == 3 and second["reached"].value is None and not second["reached"].hidden
    assert (third["events"].value, third["reached"].value) == (5, 35)
