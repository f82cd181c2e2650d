"""Reads of the action plan: plan structure, progress shares, and the dashboard card.

Each returns frozen dataclasses of plain values (or of the models a page links to): the
report's never hold a model, so that they pickle small into the cache and templates and
PDFs never query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, overload

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.choices import ActivityState, EventStatus, ProgressStatus
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    ProgressComment,
    activity_state,
)
from krat.collation import sort_key
from krat.models import County, Institution, ReportingPeriod, User
from krat.selectors import DashboardPanel

if TYPE_CHECKING:
    from krat.charts import Chart

STATES = [ActivityState.DONE, ActivityState.ON_TRACK, ActivityState.OVERDUE, ActivityState.CANCELLED]

#: A target or a value achieved: a `Decimal` as stored (`plan_rows`), or as plain data, whole
#: when it is (`plan_state_rows`).
Amount = Decimal | int | float


@dataclass(frozen=True)
class PlanListItem:
    """One of a county's plans, as the list of plans shows it."""

    pk: int
    title: str
    year: int
    activity_count: int


def plan_list(county: County) -> list[PlanListItem]:
    """The county's plans, newest first, with their activities counted (one query)."""
    from django.db.models import Count

    return [
        PlanListItem(**row)
        for row in county.action_plans.annotate(activity_count=Count("activities"))
        .order_by("-year")
        .values("pk", "title", "year", "activity_count")
    ]


def plan_periods(plan: ActionPlan) -> list[ReportingPeriod]:
    """The county's reporting periods that share days with the plan's year, oldest first."""
    return list(
        ReportingPeriod.objects.filter(
            county_id=plan.county_id,
            start_date__lte=datetime.date(plan.year, 12, 31),
            end_date__gte=datetime.date(plan.year, 1, 1),
        ).order_by("start_date")
    )


def default_period(
    plan: ActionPlan, periods: list[ReportingPeriod], today: datetime.date
) -> ReportingPeriod | None:
    """The period containing today, else the plan's last period that has started, else its first."""
    for period in periods:
        if period.contains(today):
            return period
    started = [p for p in periods if p.start_date <= today]
    return started[-1] if started else (periods[0] if periods else None)


@dataclass(frozen=True)
class Shares:
    """Each state's share of a tally's activities, in whole per cent (0 when it has none).
    Each is rounded on its own, so the four may add up to 99 or 101."""

    done: int
    on_track: int
    overdue: int
    cancelled: int


@dataclass(frozen=True)
class StateTally:
    """How many activities of the whole plan, a pillar, an objective or a lead institution
    are in each state (`ActivityState`); the four parts add up to `total`."""

    key: int | None  # the pillar's, objective's or lead institution's id; None for the whole plan
    label: str  # its name ("Whole plan" for the whole plan)
    done: int
    on_track: int
    overdue: int
    cancelled: int
    total: int
    shares: Shares
    pillar: str = ""  # an objective's pillar's name; "" for the others

    def count(self, state: str) -> int:
        """The activities in `state` (an `ActivityState` value)."""
        return {
            ActivityState.DONE: self.done,
            ActivityState.ON_TRACK: self.on_track,
            ActivityState.OVERDUE: self.overdue,
            ActivityState.CANCELLED: self.cancelled,
        }[ActivityState(state)]


@dataclass
class Tally:
    """Counts of activities in each state while `summarise` adds them up; `result()` is the
    `StateTally` it reaches."""

    label: str
    key: int | None = None
    pillar: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def result(self) -> StateTally:
        counts = self.counts
        total = sum(counts.values())

        def share(state: str) -> int:
            return round(100 * counts[state] / total) if total else 0

        return StateTally(
            key=self.key,
            label=self.label,
            done=counts[ActivityState.DONE],
            on_track=counts[ActivityState.ON_TRACK],
            overdue=counts[ActivityState.OVERDUE],
            cancelled=counts[ActivityState.CANCELLED],
            total=total,
            shares=Shares(
                done=share(ActivityState.DONE),
                on_track=share(ActivityState.ON_TRACK),
                overdue=share(ActivityState.OVERDUE),
                cancelled=share(ActivityState.CANCELLED),
            ),
            pillar=self.pillar,
        )


def _progress_as_of(activity_ids: list[int], period: ReportingPeriod | None) -> dict[int, ActivityProgress]:
    """For each activity, its progress for `period`, or else the latest before it."""
    if period is None:
        return {}
    reports = (
        ActivityProgress.objects.filter(
            activity_id__in=activity_ids, period__start_date__lte=period.start_date
        )
        .select_related("period")
        .order_by("activity_id", "period__start_date")
    )
    latest: dict[int, ActivityProgress] = {}
    for report in reports:
        latest[report.activity_id] = report  # ordered oldest first: the last one wins
    return latest


@dataclass(frozen=True)
class StateRow:
    """One activity and where it stands as of a period: what `summarise` tallies."""

    pk: int
    code: str
    description: str
    deadline: datetime.date
    pillar: str  # its objective's pillar's name
    pillar_id: int
    objective: str  # its objective's name
    objective_id: int
    lead: str  # its lead institution's name
    lead_id: int
    status: str  # the `ProgressStatus` last reported up to the period (not started when none)
    status_label: str
    state: str  # its `ActivityState` on the day asked
    achieved: Amount | None  # the value the last report gave; None when it gave none, not 0
    target: Amount
    unit: str


@dataclass(frozen=True)
class PlanRow(StateRow):
    """An activity as the plan's page lists it: a `StateRow` with the activity itself, its
    partners and indicator, and the report its status comes from."""

    activity: Activity
    partners: list[str]  # the partner institutions' names
    start_date: datetime.date
    indicator: str
    state_label: str
    reported_in: str  # the label of the period whose report gives the status; "" when none
    reported_now: bool  # that report is the period's own
    can_record: bool = False  # the reader may record its progress now (set by the view)


@dataclass(frozen=True)
class ObjectiveRows:
    """An objective of the plan's page, with its activities."""

    objective: Objective
    rows: list[PlanRow]


@dataclass(frozen=True)
class PillarRows:
    """A pillar of the plan's page, with each of its objectives' activities."""

    pillar: Pillar
    objectives: list[ObjectiveRows]


def plan_rows(plan: ActionPlan, *, period: ReportingPeriod | None, today: datetime.date) -> list[PlanRow]:
    """Every activity of the plan with its status and state as of `period` (3 queries)."""
    activities = list(
        plan.activities.select_related("objective__pillar", "lead_institution")
        .prefetch_related("partners")
        .order_by(
            "objective__pillar__position",
            "objective__pillar_id",
            "objective__position",
            "objective_id",
            "code",
        )
    )
    progress = _progress_as_of([a.pk for a in activities], period)
    rows = []
    for activity in activities:
        report = progress.get(activity.pk)
        status = report.status if report else ProgressStatus.NOT_STARTED
        state = activity.state(status=status, today=today)
        rows.append(
            PlanRow(
                activity=activity,
                pk=activity.pk,
                code=activity.code,
                description=activity.description,
                pillar=activity.objective.pillar.name,
                pillar_id=activity.objective.pillar_id,
                objective=activity.objective.name,
                objective_id=activity.objective_id,
                lead=activity.lead_institution.name,
                lead_id=activity.lead_institution_id,
                partners=[p.name for p in activity.partners.all()],
                start_date=activity.start_date,
                deadline=activity.deadline,
                indicator=activity.indicator,
                target=activity.target,
                unit=activity.unit,
                status=status,
                status_label=str(ProgressStatus(status).label),
                state=state,
                state_label=str(ActivityState(state).label),
                achieved=report.achieved if report else None,
                reported_in=report.period.label if report else "",
                reported_now=bool(report and period and report.period_id == period.pk),
            )
        )
    return rows


def plan_outline(plan: ActionPlan, rows: list[PlanRow]) -> list[PillarRows]:
    """The plan's pillars and objectives in order, each objective with its `rows` (one
    query: an objective without activities is listed too)."""
    by_objective: dict[int, list[PlanRow]] = {}
    for row in rows:
        by_objective.setdefault(row.objective_id, []).append(row)
    return [
        PillarRows(
            pillar=pillar,
            objectives=[
                ObjectiveRows(objective=objective, rows=by_objective.get(objective.pk, []))
                for objective in pillar.objectives.all()
            ],
        )
        for pillar in plan.pillars.prefetch_related("objectives")
    ]


@overload
def _plain_amount(value: Decimal) -> int | float: ...
@overload
def _plain_amount(value: Decimal | None) -> int | float | None: ...
def _plain_amount(value: Decimal | None) -> int | float | None:
    """An amount as plain data (whole when it is); None stays None: no value, not 0."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class PlanName:
    """A plan as a heading names it."""

    pk: int
    title: str
    year: int


def plan_state_rows(
    plan: ActionPlan, *, period: ReportingPeriod | None, today: datetime.date
) -> list[StateRow]:
    """What `summarise` needs of `plan_rows`, read as plain values (2 queries, no model
    instances, no partners): for the dashboard and the overview, which show only tallies."""
    rows, _plan = _state_rows(
        Activity.objects.filter(plan=plan),
        ActivityProgress.objects.filter(activity__plan=plan),
        period=period,
        today=today,
    )
    return rows


def _state_rows(
    activities: QuerySet[Activity],
    progress: QuerySet[ActivityProgress],
    *,
    period: ReportingPeriod | None,
    today: datetime.date,
) -> tuple[list[StateRow], PlanName | None]:
    """`plan_state_rows` of the `activities` given, with their `progress` reports, and the
    plan of the first (None without activities)."""
    values = list(
        activities.order_by(
            "objective__pillar__position",
            "objective__pillar_id",
            "objective__position",
            "objective_id",
            "code",
        ).values(
            "pk",
            "code",
            "description",
            "deadline",
            "objective_id",
            "objective__name",
            "objective__pillar_id",
            "objective__pillar__name",
            "lead_institution_id",
            "lead_institution__name",
            "target",
            "unit",
            "plan_id",
            "plan__title",
            "plan__year",
        )
    )
    statuses: dict[int, str] = {}
    achieved: dict[int, int | float | None] = {}
    if period is not None:
        for activity_id, status, value in (
            progress.filter(period__start_date__lte=period.start_date)
            .order_by("activity_id", "period__start_date")
            .values_list("activity_id", "status", "achieved")
        ):
            statuses[activity_id] = status  # ordered oldest first: the last one wins
            achieved[activity_id] = _plain_amount(value)  # the last report's: None when it gave none, not 0
    rows = []
    for activity in values:
        status = statuses.get(activity["pk"], ProgressStatus.NOT_STARTED)
        state = activity_state(status=status, deadline=activity["deadline"], today=today)
        rows.append(
            StateRow(
                pk=activity["pk"],
                code=activity["code"],
                description=activity["description"],
                deadline=activity["deadline"],
                pillar=activity["objective__pillar__name"],
                pillar_id=activity["objective__pillar_id"],
                objective=activity["objective__name"],
                objective_id=activity["objective_id"],
                lead=activity["lead_institution__name"],
                lead_id=activity["lead_institution_id"],
                status=status,
                status_label=str(ProgressStatus(status).label),
                state=state,
                achieved=achieved.get(activity["pk"]),
                target=_plain_amount(activity["target"]),
                unit=activity["unit"],
            )
        )
    first = values[0] if values else None
    plan = (
        PlanName(pk=first["plan_id"], title=first["plan__title"], year=first["plan__year"]) if first else None
    )
    return rows, plan


@dataclass(frozen=True)
class OverdueActivity:
    """An overdue activity, as the overview and the report list it."""

    pk: int
    code: str
    description: str
    lead: str  # its lead institution's name
    deadline: datetime.date
    status: str  # the `ProgressStatus` last reported
    status_label: str
    objective: str  # its objective's name
    achieved: Amount | None  # None when the last report gave no value, not 0
    target: Amount
    unit: str


@dataclass(frozen=True)
class PlanSummary:
    """A plan's activities tallied by state: overall, by pillar, by objective (in the plan's
    order) and by lead institution (by name), and the overdue ones by deadline."""

    totals: StateTally
    by_pillar: list[StateTally]
    by_objective: list[StateTally]
    by_institution: list[StateTally]
    overdue: list[OverdueActivity]

    def tallies(self, by: str) -> list[StateTally]:
        """The tallies `by` "pillar", "objective" or "institution"."""
        tallies = {
            "pillar": self.by_pillar,
            "objective": self.by_objective,
            "institution": self.by_institution,
        }
        return tallies[by]


def summarise(rows: Sequence[StateRow]) -> PlanSummary:
    """Tallies of plan rows: overall, by objective and by lead institution, and the overdue list."""
    overall = Tally(label=_("Whole plan"))
    by_pillar: dict[int, Tally] = {}
    by_objective: dict[int, Tally] = {}
    by_institution: dict[int, Tally] = {}
    for row in rows:
        overall.counts[row.state] += 1
        by_pillar.setdefault(row.pillar_id, Tally(label=row.pillar, key=row.pillar_id)).counts[row.state] += 1
        by_objective.setdefault(
            row.objective_id, Tally(label=row.objective, key=row.objective_id, pillar=row.pillar)
        ).counts[row.state] += 1
        by_institution.setdefault(row.lead_id, Tally(label=row.lead, key=row.lead_id)).counts[row.state] += 1
    overdue = [
        OverdueActivity(
            pk=row.pk,
            code=row.code,
            description=row.description,
            lead=row.lead,
            deadline=row.deadline,
            status=row.status,
            status_label=row.status_label,
            objective=row.objective,
            achieved=row.achieved,
            target=row.target,
            unit=row.unit,
        )
        for row in sorted((r for r in rows if r.state == ActivityState.OVERDUE), key=lambda r: r.deadline)
    ]
    return PlanSummary(
        totals=overall.result(),
        by_pillar=[tally.result() for tally in by_pillar.values()],
        by_objective=[tally.result() for tally in by_objective.values()],
        by_institution=sorted(
            (tally.result() for tally in by_institution.values()), key=lambda item: sort_key(item.label)
        ),
        overdue=overdue,
    )


def plan_for_year(county: County, year: int) -> ActionPlan | None:
    return ActionPlan.objects.filter(county=county, year=year).select_related("county").first()


@dataclass(frozen=True)
class PeriodName:
    """A reporting period as a heading names it."""

    pk: int
    label: str


@dataclass(frozen=True)
class PlanProgress:
    """The plan of a period's year as of the period (`plan_progress`): plain data only.
    `plan` is None when the year has no plan, or a plan without activities (nothing to
    tally); `today` is the day the states are judged on."""

    plan: PlanName | None
    period: PeriodName
    today: datetime.date
    summary: PlanSummary


def plan_progress(
    county: County, *, period: ReportingPeriod, today: datetime.date | None = None
) -> PlanProgress:
    """The plan progress of the period's year, as of `period`: for the period report.
    Two queries: the plan is read with its activities."""
    today = today or timezone.localdate()
    year = period.start_date.year
    rows, plan = _state_rows(
        Activity.objects.filter(plan__county=county, plan__year=year),
        ActivityProgress.objects.filter(activity__plan__county=county, activity__plan__year=year),
        period=period,
        today=today,
    )
    return PlanProgress(
        plan=plan, period=PeriodName(pk=period.pk, label=period.label), today=today, summary=summarise(rows)
    )


@dataclass(frozen=True)
class PlanOverview:
    """The overview page: the plan's tallies and its charts by objective and by lead
    institution (None when the plan has no activity)."""

    summary: PlanSummary
    objective_chart: Chart | None
    institution_chart: Chart | None


def plan_overview(plan: ActionPlan, period: ReportingPeriod | None) -> PlanOverview:
    """The overview page's tallies and charts of the plan as of `period`, as of today."""
    summary = summarise(plan_state_rows(plan, period=period, today=timezone.localdate()))
    has_rows = summary.totals.total > 0
    return PlanOverview(
        summary=summary,
        objective_chart=progress_chart(summary, by="objective") if has_rows else None,
        institution_chart=progress_chart(summary, by="institution") if has_rows else None,
    )


def progress_chart(
    summary: PlanSummary,
    *,
    by: str = "objective",
    title: str | None = None,
    width: int = 720,
    label_width: int = 260,
) -> Chart:
    """The stacked bar chart of a summary: one bar per objective, pillar or lead institution
    (`by`), coloured by state. The same chart serves the page (`.svg`) and the PDF (`.data_uri`)."""
    from krat.charts import PALETTE, Series, hbar_chart

    items = summary.tallies(by)
    colours = {
        ActivityState.DONE: PALETTE[2],
        ActivityState.ON_TRACK: PALETTE[0],
        ActivityState.OVERDUE: PALETTE[3],
        ActivityState.CANCELLED: "#999999",
    }
    series = [
        Series(name=str(state.label), values=[item.count(state) for item in items], color=colours[state])
        for state in STATES
    ]
    default_titles = {
        "objective": _("Activities by objective"),
        "pillar": _("Activities by pillar"),
        "institution": _("Activities by lead institution"),
    }
    return hbar_chart(
        [item.label for item in items],
        series,
        title=title or default_titles[by],
        width=width,
        label_width=label_width,
    )


# --- One activity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodProgress:
    """An activity's progress in one period: the lead's report (None when none yet) and the
    partners' comments."""

    period: ReportingPeriod
    report: ActivityProgress | None
    comments: list[ProgressComment]


@dataclass(frozen=True)
class EventLink:
    """An awareness event an activity's page links to."""

    pk: int
    title: str
    date: datetime.date
    status: str  # an `EventStatus` value


@dataclass(frozen=True)
class ActivityDetail:
    """An activity's page: its progress period by period, its status and state now (the last
    status reported, not started when none), its partners and its events by date."""

    periods: list[PeriodProgress]
    status: str
    state: str
    state_label: str
    partners: list[Institution]
    events: list[EventLink]


def activity_detail(activity: Activity, *, today: datetime.date) -> ActivityDetail:
    """An activity's progress in every period of its plan's year, with partners' comments."""
    periods = plan_periods(activity.plan)
    reports = {
        r.period_id: r
        for r in activity.progress_reports.select_related("updated_by").order_by("period__start_date")
    }
    comments: defaultdict[int, list[ProgressComment]] = defaultdict(list)
    for comment in ProgressComment.objects.filter(activity=activity).select_related("institution", "author"):
        comments[comment.period_id].append(comment)
    rows = []
    carried: str = ProgressStatus.NOT_STARTED
    for period in periods:
        report = reports.get(period.pk)
        if report:
            carried = report.status
        rows.append(PeriodProgress(period=period, report=report, comments=comments.get(period.pk, [])))
    state = activity.state(status=carried, today=today)
    return ActivityDetail(
        periods=rows,
        status=carried,
        state=state,
        state_label=str(ActivityState(state).label),
        partners=list(activity.partners.all()),
        events=[
            EventLink(**event)
            for event in activity.events.order_by("date").values("pk", "title", "date", "status")
        ],
    )


def achieved_share(achieved: Decimal | None, target: Decimal) -> int | None:
    if achieved is None or not target:
        return None
    return round(100 * achieved / target)


# --- Calendar ----------------------------------------------------------------------------------


def event_queryset(county: County) -> QuerySet[AwarenessEvent]:
    return (
        AwarenessEvent.objects.filter(county=county)
        .select_related("municipality", "organiser", "activity")
        .prefetch_related("target_groups", Prefetch("partners"))
        .order_by("date", "start_time", "id")
    )


def upcoming_events(county: County, *, today: datetime.date, limit: int = 3) -> list[AwarenessEvent]:
    return list(
        AwarenessEvent.objects.filter(county=county, date__gte=today, status=EventStatus.PLANNED)
        .select_related("municipality", "organiser")
        .order_by("date", "start_time")[:limit]
    )


@dataclass(frozen=True)
class CalendarDay:
    """A day of the month's calendar, with its events."""

    date: datetime.date
    in_month: bool  # False for the neighbouring months' days that fill the first and last week
    events: list[AwarenessEvent]  # by start time


def month_grid(county: County, *, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its events; days of the
    neighbouring months fill the first and last week."""
    import calendar

    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    by_day: defaultdict[datetime.date, list[AwarenessEvent]] = defaultdict(list)
    for event in (
        AwarenessEvent.objects.filter(county=county, date__range=(first, last))
        .select_related("municipality", "organiser")
        .order_by("date", "start_time", "id")
    ):
        by_day[event.date].append(event)
    return [
        [CalendarDay(date=day, in_month=day.month == month, events=by_day.get(day, [])) for day in week]
        for week in weeks
    ]


def public_events(county: County) -> list[AwarenessEvent]:
    """What the public calendar shows: planned and held events, never cancelled ones."""
    return list(
        AwarenessEvent.objects.filter(county=county, status__in=[EventStatus.PLANNED, EventStatus.HELD])
        .select_related("municipality", "organiser")
        .order_by("date", "start_time", "id")
    )


# --- Dashboard -------------------------------------------------------------------------------


def dashboard_panel(
    *, user: User, county: County, period: ReportingPeriod | None, today: datetime.date | None = None
) -> DashboardPanel:
    """The current year's plan at a glance, with its chart, and the next three events."""
    today = today or timezone.localdate()
    plan = plan_for_year(county, today.year)
    summary = None
    chart = None
    if plan:
        if period is not None and not period.start_date.year <= plan.year <= period.end_date.year:
            period = None
        rows = plan_state_rows(plan, period=period, today=today)
        summary = summarise(rows)
        if rows:
            chart = progress_chart(summary, by="pillar", width=400, label_width=150)
    return DashboardPanel(
        title=_("Action plan and calendar"),
        template="actionplan/dashboard_panel.html",
        context={
            "county": county,
            "plan": plan,
            "summary": summary,
            "chart": chart,
            "events": upcoming_events(county, today=today),
        },
    )
