"""What the action plan app contributes to the period report (sections "awareness" and
"plan") and to the national report (events held, people reached, activities done and
overdue); registered in `ActionplanConfig.ready` (`krat.contributions`)."""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from actionplan.choices import ActivityState, EventStatus, ProgressStatus
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    TargetGroup,
)
from actionplan.selectors import (
    OverdueActivity,
    PlanName,
    StateTally,
    plan_progress,
    progress_chart,
)
from krat.choices import label_of
from krat.collation import sort_key
from krat.contributions import NationalFigures, ReportContext, ReportSection
from krat.models import Institution, Municipality, ReportingPeriod
from krat.spreadsheets import Sheet
from krat.suppression import Cell, Line, no_value, present

if TYPE_CHECKING:
    from krat.charts import Chart

#: When no period follows, "planned for the next period" looks this many months ahead.
NEXT_MONTHS = 4


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=1)


def _day(value):
    """A date as a date cell (shown 25.04.2018), or an empty cell."""
    return value or None


# --- Awareness ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    title: str
    date: datetime.date
    municipality: str
    organiser: str
    target_groups: list[str]
    status_label: str
    reached: int | None  # people reached as entered; None: no figure was entered
    reached_cell: Cell | None = None  # as shown (held events only)


@dataclass(frozen=True)
class GroupCount:
    label: str
    events: int


@dataclass(frozen=True)
class AwarenessSection:
    held: list[EventRow]  # held in the period
    planned: list[EventRow]  # planned for the next period (`next_window`)
    reached_total: Cell
    reached_missing: int  # events held without a figure of people reached (not in the total)
    by_group: list[GroupCount]  # events held per target group, most first
    next_window: tuple[datetime.date, datetime.date]
    next_label: str  # the next period's label, "" when none follows yet
    has_data: bool


def _event_row(event: AwarenessEvent, reached_cell: Cell | None = None) -> EventRow:
    return EventRow(
        title=event.title,
        date=event.date,
        municipality=event.municipality.name,
        organiser=event.organiser.name,
        target_groups=[str(g) for g in event.target_groups.all()],
        status_label=label_of(EventStatus, event.status),
        reached=event.people_reached,
        reached_cell=reached_cell,
    )


def awareness_section(context: ReportContext) -> AwarenessSection:
    """Events held in the period and planned for the next one (two queries)."""
    county, period = context.county, context.period
    following = context.following
    if following is not None:
        window = (following.start_date, following.end_date)
        next_label = following.label
    else:
        first = period.end_date + datetime.timedelta(days=1)
        window = (first, _add_months(first, NEXT_MONTHS) - datetime.timedelta(days=1))
        next_label = ""
    events = (
        AwarenessEvent.objects.filter(county=county)
        .filter(
            Q(status=EventStatus.HELD, date__range=(period.start_date, period.end_date))
            | Q(status=EventStatus.PLANNED, date__range=window)
        )
        .select_related("municipality", "organiser")
        .prefetch_related("target_groups")
        .order_by("date", "start_time", "pk")
    )
    held: list[AwarenessEvent] = []
    planned: list[AwarenessEvent] = []
    for event in events:  # held in the period and planned for the next, in one query
        (held if event.status == EventStatus.HELD else planned).append(event)
    # People reached: each event with a figure a part, the period's total the line's total.
    # An event held without a figure has no value ("—", never 0) and the total says it
    # covers only the events with one (`reached_missing`).
    entered = [i for i, event in enumerate(held) if event.people_reached is not None]
    values: dict[Hashable, int] = {("e", i): held[i].people_reached or 0 for i in entered}
    values["total"] = sum(held[i].people_reached or 0 for i in entered)
    cells = present(
        values,
        [Line([("e", i) for i in entered], "total")] if entered else [],
        county.small_number_threshold,
        suppressed=context.shared,
    )
    if held and not entered:
        cells["total"] = no_value("total")
    held_rows = [_event_row(event, cells.get(("e", i)) or no_value(("e", i))) for i, event in enumerate(held)]
    by_group: dict[str, int] = defaultdict(int)
    for row in held_rows:
        for group in row.target_groups:
            by_group[group] += 1
    return AwarenessSection(
        held=held_rows,
        planned=[_event_row(event) for event in planned],
        reached_total=cells["total"],
        reached_missing=len(held) - len(entered),
        by_group=[
            GroupCount(label=k, events=v)
            for k, v in sorted(by_group.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))
        ],
        next_window=window,
        next_label=next_label,
        has_data=bool(held or planned),
    )


def _shown(cell):
    if cell is None:
        return ""
    return cell.shown if hasattr(cell, "shown") else cell


def awareness_sheets(data: AwarenessSection) -> list[Sheet]:
    return [
        Sheet(
            title=_("Awareness held"),
            headers=[
                _("Date"),
                _("Event"),
                _("Municipality"),
                _("Organiser"),
                _("Target groups"),
                _("People reached"),
            ],
            rows=[
                [
                    _day(e.date),
                    e.title,
                    e.municipality,
                    e.organiser,
                    ", ".join(e.target_groups),
                    _shown(e.reached_cell),
                ]
                for e in data.held
            ],
        ),
        Sheet(
            title=_("Awareness planned"),
            headers=[_("Date"), _("Event"), _("Municipality"), _("Organiser"), _("Target groups")],
            rows=[
                [_day(e.date), e.title, e.municipality, e.organiser, ", ".join(e.target_groups)]
                for e in data.planned
            ],
        ),
    ]


# --- Plan ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateHead:
    key: str
    label: str


@dataclass(frozen=True)
class PlanSection:
    """The plan of the period's year as of the period (`actionplan.selectors.plan_progress`):
    its tallies by state, its overdue activities and its chart by objective (None without
    data); `states` heads the tallies' columns."""

    plan: PlanName | None
    totals: StateTally
    by_pillar: list[StateTally]
    by_objective: list[StateTally]
    by_institution: list[StateTally]
    overdue: list[OverdueActivity]
    states: list[StateHead]
    chart: Chart | None
    has_data: bool


def plan_section(context: ReportContext) -> PlanSection:
    """The plan of the period's year as of the period (two queries)."""
    data = plan_progress(context.county, period=context.period, today=context.today)
    summary = data.summary
    has_data = bool(data.plan) and summary.totals.total > 0
    return PlanSection(
        plan=data.plan,
        totals=summary.totals,
        by_pillar=summary.by_pillar,
        by_objective=summary.by_objective,
        by_institution=summary.by_institution,
        overdue=summary.overdue,
        states=[StateHead(key=str(s), label=str(s.label)) for s in ActivityState],
        chart=progress_chart(summary, by="objective", width=640, label_width=240) if has_data else None,
        has_data=has_data,
    )


def plan_sheets(data: PlanSection) -> list[Sheet]:
    heads = [s.label for s in data.states]
    keys = [s.key for s in data.states]
    return [
        Sheet(
            title=_("Plan by objective"),
            headers=[_("Objective"), *heads, _("Total")],
            rows=[[o.label, *[o.count(k) for k in keys], o.total] for o in data.by_objective],
        ),
        Sheet(
            title=_("Plan by institution"),
            headers=[_("Lead institution"), *heads, _("Total")],
            rows=[[o.label, *[o.count(k) for k in keys], o.total] for o in data.by_institution],
        ),
        Sheet(
            title=_("Overdue activities"),
            headers=[
                _("Code"),
                _("Activity"),
                _("Lead institution"),
                _("Deadline"),
                _("Status"),
                _("Value achieved"),
                _("Target"),
                _("Unit"),
            ],
            rows=[
                [
                    a.code,
                    a.description,
                    a.lead,
                    _day(a.deadline),
                    a.status_label,
                    a.achieved,  # None, an empty cell, when none was given: not 0
                    a.target,
                    a.unit,
                ]
                for a in data.overdue
            ],
        ),
    ]


SECTIONS = (
    ReportSection(
        key="awareness",
        order=70,
        title=lambda: _("Awareness activities"),
        build=awareness_section,
        template="actionplan/report_section_awareness.html",
        sheets=awareness_sheets,
        models=(AwarenessEvent, AwarenessEvent.target_groups.through, TargetGroup, Institution, Municipality),
    ),
    ReportSection(
        key="plan",
        order=80,
        title=lambda: _("Implementation of the action plan"),
        build=plan_section,
        template="actionplan/report_section_plan.html",
        sheets=plan_sheets,
        models=(ActionPlan, Pillar, Objective, Activity, ActivityProgress, Institution),
    ),
)


# --- The national report ------------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {
        "events": _("Awareness events held"),
        "reached": _("People reached"),
        "done": _("Activities done"),
        "overdue": _("Activities overdue"),
    }


def _events(periods: list[ReportingPeriod]) -> dict[int, dict[str, Cell]]:
    """Events held in each county's period and the people they reached, small numbers
    hidden with the county's threshold (one query, whatever the periods: a county may have
    several, the national report's comparisons)."""
    periods = list({p.pk: p for p in periods}.values())
    counts: dict[int, dict[Hashable, int]] = {p.pk: {"events": 0, "reached": 0} for p in periods}
    entered: set[int] = set()  # the periods with at least one figure of people reached
    # Summed by the database, a row per county and window: the national report reads
    # three periods of twelve counties, thousands of events. The periods that share
    # their dates share one condition (a condition per period cost more to build than
    # the query took to run), and a county's periods do not overlap.
    windows: dict[tuple[datetime.date, datetime.date], list[ReportingPeriod]] = defaultdict(list)
    for p in periods:
        windows[(p.start_date, p.end_date)].append(p)
    conditions = [
        Q(county_id__in=sorted({p.county_id for p in same}), date__range=dates)
        for dates, same in windows.items()
    ]
    in_window = Case(
        *(When(condition, then=Value(i)) for i, condition in enumerate(conditions)),
        output_field=IntegerField(),
    )
    period_of = {(i, p.county_id): p.pk for i, same in enumerate(windows.values()) for p in same}
    for window, county, events, reached, with_reached in (
        AwarenessEvent.objects.filter(reduce(operator.or_, conditions), status=EventStatus.HELD)
        .annotate(window=in_window)
        .values("window", "county_id")
        .annotate(events=Count("pk"), reached=Sum("people_reached"), entered=Count("people_reached"))
        .order_by()
        .values_list("window", "county_id", "events", "reached", "entered")
    ):
        pk = period_of[(window, county)]
        counts[pk]["events"] = events
        if with_reached:
            entered.add(pk)
            counts[pk]["reached"] = reached
    shown = {
        p.pk: present(counts[p.pk], [], p.county.small_number_threshold, suppressed=True) for p in periods
    }
    for p in periods:
        if counts[p.pk]["events"] and p.pk not in entered:
            shown[p.pk]["reached"] = no_value("reached")  # events held, none with a figure: not 0
    return shown


# Each activity of the plans of one year, with its latest progress reported for a period
# that started on or before a start, counted per county by the rule of `activity_state`:
# done; else cancelled; else overdue when reported delayed or past its deadline; an
# activity with no progress yet is not started. The latest progress is the first by
# recency (ROW_NUMBER over the activity's progress, newest start first: one pass over the
# joined rows, in PostgreSQL and SQLite alike). Not a subquery: one per activity ran
# thousands of times and the planner repeated it in every condition naming it; nor a
# join to a grouped "latest start" subquery, which PostgreSQL, misjudging freshly loaded
# tables as one row each, re-ran for every activity (0.4-0.9 s at bench scale 10). One
# such block per start (`{n}` numbers its parameters), joined by UNION ALL into one query.
_PLAN_STATES_BLOCK = """
SELECT {n} AS start_index, latest.county_id,
       SUM(CASE WHEN latest.status = %(done)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN COALESCE(latest.status, %(not_started)s) NOT IN (%(done)s, %(cancelled)s)
                 AND (latest.status = %(delayed)s OR latest.deadline < %(today)s) THEN 1 ELSE 0 END)
FROM (
    SELECT plan.county_id, activity.deadline, progress.status,
           ROW_NUMBER() OVER (PARTITION BY activity.id ORDER BY period.start_date DESC) AS recency
    FROM {activity} activity
    JOIN {plan} plan ON plan.id = activity.plan_id
    LEFT JOIN ({progress} progress
               JOIN {period} period ON period.id = progress.period_id AND period.start_date <= %(start_{n})s)
        ON progress.activity_id = activity.id
    WHERE plan.year = %(year_{n})s AND plan.county_id IN (
        SELECT period.county_id FROM {period} period WHERE period.start_date = %(start_{n})s
    )
) latest
WHERE latest.recency = 1
GROUP BY latest.county_id
"""
_TABLES = {
    "activity": f'"{Activity._meta.db_table}"',
    "plan": f'"{ActionPlan._meta.db_table}"',
    "progress": f'"{ActivityProgress._meta.db_table}"',
    "period": f'"{ReportingPeriod._meta.db_table}"',
}


def _plan_states(periods: list[ReportingPeriod], today: datetime.date) -> dict[int, tuple[int, int]]:
    """(done, overdue) activities of each county's plan of the period's year, as of the
    period (`activity_state` of each activity's latest progress reported for a period that
    started on or before it): counted by the database (`_PLAN_STATES_BLOCK`) in one query,
    a row per county and start, whatever the number of activities or of starts."""
    starts = sorted({period.start_date for period in periods})
    if not starts:
        return {}
    sql = " UNION ALL ".join(_PLAN_STATES_BLOCK.format(n=n, **_TABLES) for n in range(len(starts)))
    params: dict[str, Any] = {
        "today": today,
        "done": ProgressStatus.DONE.value,
        "cancelled": ProgressStatus.CANCELLED.value,
        "delayed": ProgressStatus.DELAYED.value,
        "not_started": ProgressStatus.NOT_STARTED.value,
    }
    for n, start in enumerate(starts):
        params |= {f"start_{n}": start, f"year_{n}": start.year}
    found: dict[tuple[int, datetime.date], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for n, county, done, overdue in cursor.fetchall():
            found[(county, starts[n])] = (int(done or 0), int(overdue or 0))
    return {p.pk: found[(p.county_id, p.start_date)] for p in periods if (p.county_id, p.start_date) in found}


def national_figures(
    periods: list[ReportingPeriod], today: datetime.date
) -> dict[int, dict[str, Cell | int]]:
    """Each period's events held, people reached (hidden when few), activities done and
    overdue (three queries)."""
    if not periods:
        return {}
    events = _events(periods)
    plan = _plan_states(periods, today)
    return {
        p.pk: {**events[p.pk], "done": plan.get(p.pk, (0, 0))[0], "overdue": plan.get(p.pk, (0, 0))[1]}
        for p in periods
    }


NATIONAL = NationalFigures(
    order=30,
    labels=_labels,
    read=national_figures,
    # The plan states read the start of every period a progress report names.
    models=(AwarenessEvent, ActionPlan, Activity, ActivityProgress, ReportingPeriod),
)
