"""The national plan states (`actionplan.report._PLAN_STATES_BLOCK`) against `activity_state`.

Several counties (two sharing their period starts, one with its own), plans of two years
(one county without a 2019 plan), periods across both years, and for each activity a
random status (or none) in each period of its county, whichever year: progress for a
later period, for a period of another year, cancelled then done, delayed, deadlines on
"today". Every period is asked at once (several starts in one query) and each count is
compared with a pure-Python count by `activity_state`, and with `plan_progress`.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.choices import ActivityState, ProgressStatus
from actionplan.models import Activity, ActivityProgress, activity_state
from actionplan.selectors import plan_progress
from tests.actionplan.factories import ActivityFactory, ObjectiveFactory, PlanFactory, ProgressFactory
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory

D = datetime.date
pytestmark = pytest.mark.django_db

#: Each county's periods as (start, end); the first two counties share their starts.
SHARED = [(D(2018, 1, 1), D(2018, 4, 30)), (D(2018, 5, 1), D(2018, 8, 31)), (D(2018, 9, 1), D(2018, 12, 31))]
SHARED += [(D(2019, 1, 1), D(2019, 4, 30))]
OWN = [(D(2018, 2, 1), D(2018, 6, 30)), (D(2018, 7, 1), D(2018, 12, 31)), (D(2019, 1, 1), D(2019, 6, 30))]
DEADLINES = [D(2018, 3, 31), D(2018, 6, 1), D(2018, 12, 31), D(2019, 3, 31), D(2019, 6, 1)]
TODAYS = [D(2018, 6, 1), D(2019, 6, 1), D(2017, 12, 31)]
STATUSES = [*ProgressStatus.values, None]


def python_counts(period, today) -> tuple[int, int]:
    """(done, overdue) of the plan of the period's year in its county, in plain Python."""
    done = overdue = 0
    for activity in Activity.objects.filter(plan__county=period.county, plan__year=period.start_date.year):
        reports = sorted(
            ActivityProgress.objects.filter(activity=activity, period__start_date__lte=period.start_date),
            key=lambda p: p.period.start_date,
        )
        status = reports[-1].status if reports else ProgressStatus.NOT_STARTED
        state = activity_state(status=status, deadline=activity.deadline, today=today)
        done += state == ActivityState.DONE
        overdue += state == ActivityState.OVERDUE
    return done, overdue


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    activities=st.lists(
        st.tuples(
            st.integers(0, 2),  # county
            st.sampled_from([2018, 2019]),  # plan year
            st.sampled_from(DEADLINES),
            st.lists(st.sampled_from(STATUSES), min_size=4, max_size=4),  # a status per period
        ),
        max_size=8,
    ),
)
def test_the_sql_counts_are_activity_state_of_the_latest_progress(activities):
    from actionplan.report import _plan_states

    counties = [CountyFactory() for _ in range(3)]
    periods = {
        c: [
            PeriodFactory(county=county, start_date=start, end_date=end, deadline=end)
            for start, end in (OWN if c == 2 else SHARED)
        ]
        for c, county in enumerate(counties)
    }
    objectives = {}
    for c, county in enumerate(counties):
        for year in (2018, 2019):
            if (c, year) == (1, 2019):
                continue  # the second county has no plan for 2019
            plan = PlanFactory(county=county, year=year)
            objectives[(c, year)] = ObjectiveFactory(pillar=plan.pillars.create(name=f"Shtylla {year}"))
    for i, (c, year, deadline, statuses) in enumerate(activities):
        if (c, year) not in objectives:
            continue
        lead = InstitutionFactory(county=counties[c])
        activity = ActivityFactory(
            objective=objectives[(c, year)],
            code=str(i),
            lead_institution=lead,
            start_date=min(deadline, D(year, 1, 1)),
            deadline=deadline,
        )
        for period, status in zip(periods[c], statuses, strict=False):
            if status is not None:
                ProgressFactory(activity=activity, period=period, status=status)
    every = [p for ps in periods.values() for p in ps]
    for today in [*TODAYS, *DEADLINES]:  # a deadline falling on "today" too
        states = _plan_states(every, today)
        for period in every:
            expected = python_counts(period, today)
            assert states.get(period.pk, (0, 0)) == expected, (period.county_id, period.start_date, today)
            totals = plan_progress(period.county, period=period, today=today).summary.totals
            assert expected == (totals.done, totals.overdue)


def test_cancelled_then_done_and_done_then_cancelled_and_a_later_report():
    """Only the latest report up to the period counts, and none after it."""
    from actionplan.report import _plan_states

    county = CountyFactory()
    plan = PlanFactory(county=county, year=2018)
    first, second, third = (
        PeriodFactory(
            county=county, start_date=D(2018, m, 1), end_date=D(2018, m + 3, 28), deadline=D(2018, m + 3, 28)
        )
        for m in (1, 5, 9)
    )
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="P"))
    a, b, c, d = (
        ActivityFactory(objective=objective, code=str(n), deadline=D(2018, 12, 31)) for n in range(4)
    )
    ProgressFactory(activity=a, period=first, status=ProgressStatus.CANCELLED)
    ProgressFactory(activity=a, period=second, status=ProgressStatus.DONE)
    ProgressFactory(activity=b, period=first, status=ProgressStatus.DONE)
    ProgressFactory(activity=b, period=second, status=ProgressStatus.CANCELLED)
    ProgressFactory(activity=c, period=third, status=ProgressStatus.DELAYED)  # later only
    ProgressFactory(activity=d, period=second, status=ProgressStatus.DELAYED)
    ProgressFactory(activity=d, period=third, status=ProgressStatus.IN_PROGRESS)
    today = D(2018, 6, 1)
    assert _plan_states([first, second, third], today) == {
        first.pk: (1, 0),  # b done; a cancelled
        second.pk: (1, 1),  # a done; b cancelled; d delayed
        third.pk: (1, 1),  # a done; c delayed; d in progress
    }
