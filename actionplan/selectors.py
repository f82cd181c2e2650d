"""Reads of the action plan: plan structure, progress shares, and the dashboard card.

Report selectors return plain lists and dicts so that templates and PDFs never query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.choices import ActivityState, EventStatus, ProgressStatus
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    ProgressComment,
    activity_state,
)
from krat.collation import sort_key
from krat.models import County, Institution, ReportingPeriod, User
from krat.selectors import DashboardPanel

if TYPE_CHECKING:
    from krat.charts import Chart

STATES = [ActivityState.DONE, ActivityState.ON_TRACK, ActivityState.OVERDUE, ActivityState.CANCELLED]


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


@dataclass
class Tally:
    """Counts of activities in each state; the four parts add up to `total`."""

    label: str
    # A lead institution's or pillar's id, or an objective's {"pillar": its pillar's name}.
    key: Any = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        total = self.total
        return {
            "key": self.key,
            "label": self.label,
            "total": total,
            **{str(state): self.counts[state] for state in STATES},
            "shares": {
                str(state): round(100 * self.counts[state] / total) if total else 0 for state in STATES
            },
        }


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


def plan_rows(
    plan: ActionPlan, *, period: ReportingPeriod | None, today: datetime.date
) -> list[dict[str, Any]]:
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
            {
                "activity": activity,
                "pk": activity.pk,
                "code": activity.code,
                "description": activity.description,
                "pillar": activity.objective.pillar.name,
                "pillar_id": activity.objective.pillar_id,
                "objective": activity.objective.name,
                "objective_id": activity.objective_id,
                "lead": activity.lead_institution.name,
                "lead_id": activity.lead_institution_id,
                "partners": [p.name for p in activity.partners.all()],
                "start_date": activity.start_date,
                "deadline": activity.deadline,
                "indicator": activity.indicator,
                "target": activity.target,
                "unit": activity.unit,
                "status": status,
                "status_label": str(ProgressStatus(status).label),
                "state": state,
                "state_label": str(ActivityState(state).label),
                "achieved": report.achieved if report else None,
                "reported_in": report.period.label if report else "",
                "reported_now": bool(report and period and report.period_id == period.pk),
            }
        )
    return rows


def _plain_amount(value: Decimal | None) -> int | float | None:
    """An amount as plain data (whole when it is); None stays None: no value, not 0."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_state_rows(
    plan: ActionPlan, *, period: ReportingPeriod | None, today: datetime.date
) -> list[dict[str, Any]]:
    """What `summarise` needs of `plan_rows`, read as plain values (2 queries, no model
    instances, no partners): for the dashboard and the overview, which show only tallies."""
    return _state_rows(
        Activity.objects.filter(plan=plan),
        ActivityProgress.objects.filter(activity__plan=plan),
        period=period,
        today=today,
    )


def _state_rows(
    activities: QuerySet[Activity],
    progress: QuerySet[ActivityProgress],
    *,
    period: ReportingPeriod | None,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """`plan_state_rows` of the `activities` given, with their `progress` reports; each row
    also names its plan ("plan_id", "plan_title", "plan_year")."""
    values = activities.order_by(
        "objective__pillar__position", "objective__pillar_id", "objective__position", "objective_id", "code"
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
            {
                "pk": activity["pk"],
                "code": activity["code"],
                "description": activity["description"],
                "deadline": activity["deadline"],
                "pillar": activity["objective__pillar__name"],
                "pillar_id": activity["objective__pillar_id"],
                "objective": activity["objective__name"],
                "objective_id": activity["objective_id"],
                "lead": activity["lead_institution__name"],
                "lead_id": activity["lead_institution_id"],
                "status": status,
                "status_label": str(ProgressStatus(status).label),
                "state": state,
                "achieved": achieved.get(activity["pk"]),
                "target": _plain_amount(activity["target"]),
                "unit": activity["unit"],
                "plan_id": activity["plan_id"],
                "plan_title": activity["plan__title"],
                "plan_year": activity["plan__year"],
            }
        )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tallies of plan rows: overall, by objective and by lead institution, and the overdue list."""
    overall = Tally(label=_("Whole plan"))
    by_pillar: dict[int, Tally] = {}
    by_objective: dict[int, Tally] = {}
    by_institution: dict[int, Tally] = {}
    for row in rows:
        overall.counts[row["state"]] += 1
        by_pillar.setdefault(row["pillar_id"], Tally(label=row["pillar"], key=row["pillar_id"])).counts[
            row["state"]
        ] += 1
        by_objective.setdefault(
            row["objective_id"], Tally(label=row["objective"], key={"pillar": row["pillar"]})
        ).counts[row["state"]] += 1
        by_institution.setdefault(row["lead_id"], Tally(label=row["lead"], key=row["lead_id"])).counts[
            row["state"]
        ] += 1
    overdue = [
        {
            k: row[k]
            for k in (
                "pk",
                "code",
                "description",
                "lead",
                "deadline",
                "status",
                "status_label",
                "objective",
                "achieved",
                "target",
                "unit",
            )
        }
        for row in sorted(
            (r for r in rows if r["state"] == ActivityState.OVERDUE), key=lambda r: r["deadline"]
        )
    ]
    return {
        "totals": overall.as_dict(),
        "by_pillar": [tally.as_dict() for tally in by_pillar.values()],
        "by_objective": [
            {**tally.as_dict(), "pillar": tally.key["pillar"], "key": objective_id}
            for objective_id, tally in by_objective.items()
        ],
        "by_institution": sorted(
            (tally.as_dict() for tally in by_institution.values()), key=lambda item: sort_key(item["label"])
        ),
        "overdue": overdue,
    }


def plan_for_year(county: County, year: int) -> ActionPlan | None:
    return ActionPlan.objects.filter(county=county, year=year).select_related("county").first()


def plan_progress(
    county: County, *, period: ReportingPeriod, today: datetime.date | None = None
) -> dict[str, Any]:
    """The plan progress of the period's year, as of `period`: for the period report.

    Plain data only: {"plan": {...} | None, "period": {...}, "today": date, "totals": {...},
    "by_pillar": [...], "by_objective": [...], "by_institution": [...], "overdue": [...]}. Each tally holds the
    counts of done, on_track, overdue and cancelled activities, their total and their
    shares in per cent. "plan" is None when the year has no plan, or a plan without
    activities (nothing to tally). Two queries: the plan is read with its activities.
    """
    today = today or timezone.localdate()
    year = period.start_date.year
    rows = _state_rows(
        Activity.objects.filter(plan__county=county, plan__year=year),
        ActivityProgress.objects.filter(activity__plan__county=county, activity__plan__year=year),
        period=period,
        today=today,
    )
    summary = summarise(rows)
    first = rows[0] if rows else None
    return {
        "plan": {"pk": first["plan_id"], "title": first["plan_title"], "year": first["plan_year"]}
        if first
        else None,
        "period": {"pk": period.pk, "label": period.label},
        "today": today,
        **summary,
    }


def plan_overview(plan: ActionPlan, period: ReportingPeriod | None) -> dict[str, Any]:
    """The overview page's tallies and charts of the plan as of `period`, as of today."""
    summary = summarise(plan_state_rows(plan, period=period, today=timezone.localdate()))
    has_rows = summary["totals"]["total"] > 0
    return {
        "summary": summary,
        "objective_chart": progress_chart(summary, by="objective") if has_rows else None,
        "institution_chart": progress_chart(summary, by="institution") if has_rows else None,
    }


def progress_chart(
    summary: dict[str, Any],
    *,
    by: str = "objective",
    title: str | None = None,
    width: int = 720,
    label_width: int = 260,
) -> Chart:
    """The stacked bar chart of a summary: one bar per objective, pillar or lead institution
    (`by`), coloured by state. The same chart serves the page (`.svg`) and the PDF (`.data_uri`)."""
    from krat.charts import PALETTE, Series, hbar_chart

    items = summary[f"by_{by}"]
    colours = {
        ActivityState.DONE: PALETTE[2],
        ActivityState.ON_TRACK: PALETTE[0],
        ActivityState.OVERDUE: PALETTE[3],
        ActivityState.CANCELLED: "#999999",
    }
    series = [
        Series(name=str(state.label), values=[item[str(state)] for item in items], color=colours[state])
        for state in STATES
    ]
    default_titles = {
        "objective": _("Activities by objective"),
        "pillar": _("Activities by pillar"),
        "institution": _("Activities by lead institution"),
    }
    return hbar_chart(
        [item["label"] for item in items],
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
