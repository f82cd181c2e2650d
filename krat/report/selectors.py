"""Reads of the period coordination report: plain dicts and lists, bounded queries.

`period_report` calls the apps' own selectors (cases, actionplan, submissions) and reads
meetings and awareness events from their models; the preview page, the PDF and the
workbook all render its output, so they never reach the database themselves.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplan.choices import ActivityState, EventStatus
from actionplan.models import Activity, AwarenessEvent
from actionplan.selectors import plan_progress, progress_chart
from cases.selectors.employment import employment_summary
from cases.selectors.figures import headline_cells
from cases.selectors.reporting import PeriodReference, period_reference
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from krat import charts
from krat.choices import Role
from krat.collation import albanian, sort_key
from krat.membership import member_ids_by_period
from krat.models import (
    County,
    FinalReport,
    PeriodReport,
    PeriodSubmission,
    ReportingPeriod,
    SubmissionState,
    User,
)
from krat.submissions.selectors import submission_board
from krat.suppression import Line, present
from meetings.choices import MeetingStatus
from meetings.models import AgendaItem, Decision, Meeting

#: Section keys in the order the report reads; the templates use them as anchors.
SECTIONS = [
    "summary",
    "institutions",
    "meetings",
    "victims",
    "street",
    "employment",
    "awareness",
    "plan",
    "annex",
]

#: When no period follows, "planned for the next period" looks this many months ahead.
NEXT_MONTHS = 4


def section_titles() -> dict[str, str]:
    """The section headings, translated in the active language."""
    return {
        "summary": _("Summary of the secretariat"),
        "institutions": _("Member institutions and their submissions"),
        "meetings": _("Meetings held in the period"),
        "victims": _("Victims and potential victims of trafficking"),
        "street": _("Children in street situations"),
        "employment": _("Employment of vulnerable people"),
        "awareness": _("Awareness activities"),
        "plan": _("Implementation of the action plan"),
        "annex": _("Annex: narratives of the institutions"),
    }


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=1)


def _chair_name(county: County) -> str:
    chair = (
        User.objects.filter(county=county, role=Role.CHAIR, is_active=True)
        .order_by(albanian("last_name"), albanian("first_name"), "pk")
        .first()
    )
    if chair is None:
        return ""
    name = chair.get_full_name() or chair.username
    return f"{name}, {chair.job_title}" if chair.job_title else name


# --- 3. Institutions ------------------------------------------------------------------------


def _institutions(period: ReportingPeriod, today: datetime.date) -> dict:
    board = submission_board(period=period, today=today)
    rows = [
        {
            "name": row.institution.name,
            "state": str(row.state),
            "state_label": row.label,
            "submitted_at": timezone.localtime(row.submission.submitted_at)
            if row.submission.submitted_at
            else None,
            "overdue": row.is_overdue,
        }
        for row in board.rows
    ]
    return {
        "rows": rows,
        "total": board.total,
        "complete": board.complete,
        "percent": board.percent,
        "counts": [{"label": label, "count": n} for label, n in board.counts() if n],
        "has_data": bool(rows),
    }


# --- 4. Meetings --------------------------------------------------------------------------------


def _meetings(county: County, period: ReportingPeriod) -> dict:
    # Only meetings that took place count as held; a meeting still planned inside the
    # period (the period may be running) is listed apart, and a cancelled one not at all.
    meetings = (
        Meeting.objects.filter(
            county=county,
            starts_at__date__gte=period.start_date,
            starts_at__date__lte=period.end_date,
            status__in=[MeetingStatus.HELD, MeetingStatus.PLANNED],
        )
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")),
            Prefetch("decisions", queryset=Decision.objects.select_related("responsible").order_by("pk")),
        )
        .order_by("starts_at")
    )
    rows, planned = [], []
    decision_counts: dict[str, int] = defaultdict(int)
    for meeting in meetings:
        if meeting.status == MeetingStatus.PLANNED:
            planned.append(
                {
                    "title": meeting.title,
                    "date": timezone.localdate(meeting.starts_at),
                    "body": meeting.get_body_display(),
                }
            )
            continue
        decisions: list[dict[str, Any]] = [
            {
                "text": d.text,
                "responsible": d.responsible.name,
                "due_date": d.due_date,
                "status": d.status,
                "status_label": d.get_status_display(),
            }
            for d in meeting.decisions.all()
        ]
        for d in decisions:
            decision_counts[d["status_label"]] += 1
        rows.append(
            {
                "title": meeting.title,
                "date": timezone.localdate(meeting.starts_at),
                "body": meeting.get_body_display(),
                "status_label": meeting.get_status_display(),
                "place": meeting.place,
                "agenda": [item.title for item in meeting.agenda_items.all()],
                "decisions": decisions,
            }
        )
    return {
        "rows": rows,
        "planned": planned,
        "decision_counts": [{"label": k, "count": v} for k, v in decision_counts.items()],
        "decision_total": sum(decision_counts.values()),
        "has_data": bool(rows),
    }


# --- 5–7. Period data -----------------------------------------------------------------------------


def _victims(county: County, period: ReportingPeriod, shared: bool, reference: PeriodReference) -> dict:
    data = victims_summary(county, period, suppressed=shared, reference=reference)
    columns = [data["period"], data["previous"], data["year_earlier"]]
    names = [c["label"] if c else "" for c in columns]
    series = []
    for index, column in enumerate(columns):
        if column is None:
            continue
        cells = [status["total"][index] for status in data["statuses"]]
        series.append(charts.Series.of_cells(names[index], cells))
    chart = charts.bar_chart(
        [s["label"] for s in data["statuses"]],
        series,
        title=_("Victims and potential victims, compared"),
        width=560,
        height=220,
    )
    data["chart"] = chart
    data["columns"] = columns
    data["has_data"] = any(s["has_data"] for s in data["statuses"])
    return data


def _street(county: County, period: ReportingPeriod, shared: bool, reference: PeriodReference) -> dict:
    data = street_children_summary(county, period, suppressed=shared, reference=reference)
    data["columns"] = [data["period"], data["previous"], data["year_earlier"]]
    return data


def _employment(county: County, period: ReportingPeriod, shared: bool, reference: PeriodReference) -> dict:
    data = employment_summary(county, period, suppressed=shared, reference=reference)
    data["columns"] = [data["period"], data["previous"], data["year_earlier"]]
    return data


def period_data_sections(
    county: County, period: ReportingPeriod, *, shared: bool, reference: PeriodReference | None = None
) -> dict:
    """Sections 5–7 of the report: the period's figures with their comparisons and charts.
    What the three share (settings, age groups, the periods compared) is read once, or given."""
    reference = reference or period_reference(county, period)
    return {
        "victims": _victims(county, period, shared, reference),
        "street": _street(county, period, shared, reference),
        "employment": _employment(county, period, shared, reference),
    }


# --- 8. Awareness -----------------------------------------------------------------------------------


def _event_rows(events) -> list[dict]:
    return [
        {
            "title": e.title,
            "date": e.date,
            "municipality": e.municipality.name,
            "organiser": e.organiser.name,
            "target_groups": [str(g) for g in e.target_groups.all()],
            "status_label": e.get_status_display(),
            "reached": e.people_reached or 0,
        }
        for e in events
    ]


def _awareness(county: County, period: ReportingPeriod, shared: bool) -> dict:
    following = (
        ReportingPeriod.objects.filter(county=county, start_date__gt=period.end_date)
        .order_by("start_date")
        .first()
    )
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
    held_events: list[AwarenessEvent] = []
    planned_events: list[AwarenessEvent] = []
    for event in events:  # held in the period and planned for the next, in one query
        (held_events if event.status == EventStatus.HELD else planned_events).append(event)
    held, planned = _event_rows(held_events), _event_rows(planned_events)
    # People reached: each event a part, the period's total the line's total.
    values: dict[Hashable, int] = {("e", i): row["reached"] for i, row in enumerate(held)}
    values["total"] = sum(row["reached"] for row in held)
    cells = present(
        values,
        [Line([("e", i) for i in range(len(held))], "total")],
        county.small_number_threshold,
        suppressed=shared,
    )
    for i, row in enumerate(held):
        row["reached_cell"] = cells[("e", i)]
    by_group: dict[str, int] = defaultdict(int)
    for row in held:
        for group in row["target_groups"]:
            by_group[group] += 1
    return {
        "held": held,
        "planned": planned,
        "reached_total": cells["total"],
        "by_group": [
            {"label": k, "events": v}
            for k, v in sorted(by_group.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))
        ],
        "next_window": window,
        "next_label": next_label,
        "has_data": bool(held or planned),
    }


# --- 9. Action plan ------------------------------------------------------------------------------------


def _plan(county: County, period: ReportingPeriod, today: datetime.date) -> dict:
    data = plan_progress(county, period=period, today=today)
    data["has_data"] = bool(data["plan"]) and data["totals"]["total"] > 0
    data["chart"] = (
        progress_chart(data, by="objective", width=640, label_width=240) if data["has_data"] else None
    )
    data["states"] = [{"key": str(s), "label": str(s.label)} for s in ActivityState]
    return data


# --- 10. Annex --------------------------------------------------------------------------------------------


def _annex(period: ReportingPeriod) -> dict:
    submissions = (
        PeriodSubmission.objects.filter(
            period=period, state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED]
        )
        .select_related("institution")
        .order_by(albanian("institution__name"))
    )
    rows = []
    for submission in submissions:
        rows.append(
            {
                "institution": submission.institution.name,
                "state_label": submission.get_state_display(),
                "sections": [
                    {"label": label, "text": text, "nothing": nothing}
                    for _name, label, text, nothing in submission.sections()
                ],
            }
        )
    return {"rows": rows, "has_data": bool(rows)}


# --- The whole report -------------------------------------------------------------------------------------


def final_versions(period: ReportingPeriod, *, exact: bool) -> list[Mapping[str, Any]]:
    """The period's finalised versions, newest first; the table's versions (made with
    exact figures) only when the reader sees exact figures (`exact`)."""
    versions = FinalReport.objects.filter(period=period)
    if not exact:
        versions = versions.filter(shared=True)
    return list(
        versions.select_related("created_by")
        .order_by("-number")
        .values(
            "pk",
            "number",
            "created_at",
            "reason",
            "shared",
            "language",
            "sha256",
            "size",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__username",
        )
    )


def period_report(
    county: County, period: ReportingPeriod, *, shared: bool, today: datetime.date | None = None
) -> dict:
    """Everything the coordination report of `period` shows, in order, as plain data.

    `shared=True` applies the county's small-number rule to every count table
    (sections 5–8). A section without data carries `has_data=False` and prints
    "no data reported"; nothing here raises for an empty period.
    """
    today = today or timezone.localdate()
    stored = PeriodReport.objects.filter(period=period).first()
    titles = section_titles()
    return {
        "county": {
            "pk": county.pk,
            "name": county.name,
            "slug": county.slug,
            "prefecture_name": county.prefecture_name,
            "prefecture_address": county.prefecture_address,
            "k": county.small_number_threshold,
        },
        "period": {
            "pk": period.pk,
            "label": period.label,
            "start": period.start_date,
            "end": period.end_date,
            "deadline": period.deadline,
            "is_closed": period.is_closed,
        },
        "chair": _chair_name(county),
        "today": today,
        "shared": shared,
        "sections": [{"key": key, "number": i + 1, "title": titles[key]} for i, key in enumerate(SECTIONS)],
        "numbers": {key: i + 1 for i, key in enumerate(SECTIONS)},
        "titles": titles,
        "summary": {
            "text": stored.summary if stored else "",
            "version": stored.version if stored else None,
            "has_data": bool(stored and stored.summary.strip()),
        },
        "institutions": _institutions(period, today),
        "meetings": _meetings(county, period),
        **period_data_sections(county, period, shared=shared),
        "awareness": _awareness(county, period, shared),
        "plan": _plan(county, period, today),
        "annex": _annex(period),
    }


# --- The national report ------------------------------------------------------------------------------------

HEADLINES = [
    "victims",
    "potential",
    "children",
    "received",
    "employed",
    "events",
    "reached",
]


def headline_labels() -> dict[str, str]:
    """The national report's figures, each under the one name it has everywhere (the
    dashboard's card, the period's pages; locale/GLOSSARY.md)."""
    return {
        "submissions": _("Submissions complete"),
        "meetings": _("Meetings held"),
        "decisions": _("Decisions"),
        "victims": _("Identified victims"),
        "potential": _("Potential victims"),
        "children": _("Children in street situations"),
        "received": _("Received by the labour office"),
        "employed": _("Employed"),
        "events": _("Awareness events held"),
        "reached": _("People reached"),
        "done": _("Activities done"),
        "overdue": _("Activities overdue"),
    }


def national_periods() -> list[dict]:
    """The distinct period start dates of all counties, newest first, with a label."""
    rows = (
        ReportingPeriod.objects.values("start_date", "end_date")
        .annotate(counties=Count("county", distinct=True))
        .order_by("-start_date", "end_date")
    )
    labels = dict(
        ReportingPeriod.objects.order_by(albanian("county__name"))
        .values_list("start_date", "label")
        .distinct()
    )
    return [{**row, "label": labels.get(row["start_date"], "")} for row in rows]


def national_report(start: datetime.date, *, today: datetime.date | None = None) -> dict:
    """Headline figures of each county for its period starting on `start`, small numbers
    hidden with each county's threshold (a fixed number of queries, whatever the counties)."""
    today = today or timezone.localdate()
    periods = list(
        ReportingPeriod.objects.filter(start_date=start)
        .select_related("county")
        .order_by(albanian("county__name"))
    )
    ids = [p.pk for p in periods]

    # Each county's figures as its pages show them for sharing (the same hidden counts).
    figures = headline_cells(periods)
    # Each period counts the members of its own dates (`krat.membership`), not today's.
    members = member_ids_by_period(periods)
    complete: dict[int, int] = defaultdict(int)
    for period_id, institution_id in PeriodSubmission.objects.filter(
        period_id__in=ids, state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED]
    ).values_list("period_id", "institution_id"):
        complete[period_id] += institution_id in members[period_id]
    windows = {p.county_id: p for p in periods}
    last = max((p.end_date for p in periods), default=start)
    meeting_rows = (
        Meeting.objects.filter(
            county_id__in=windows.keys(), starts_at__date__gte=start, starts_at__date__lte=last
        )
        .filter(status=MeetingStatus.HELD)
        .values("county_id", "starts_at")
        .annotate(decision_count=Count("decisions"))
    )
    meetings: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in meeting_rows:
        period = windows[row["county_id"]]
        if period.contains(timezone.localdate(row["starts_at"])):
            meetings[row["county_id"]][0] += 1
            meetings[row["county_id"]][1] += row["decision_count"]
    events: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for held_row in AwarenessEvent.objects.filter(
        county_id__in=windows.keys(), status=EventStatus.HELD, date__range=(start, last)
    ).values("county_id", "date", "people_reached"):
        if windows[held_row["county_id"]].contains(held_row["date"]):
            events[held_row["county_id"]][0] += 1
            events[held_row["county_id"]][1] += held_row["people_reached"] or 0
    rows = []
    for period in periods:
        county = period.county
        k = county.small_number_threshold
        counts: dict[Hashable, int] = {"events": events[county.pk][0], "reached": events[county.pk][1]}
        cells = {**present(counts, [], k, suppressed=True), **figures[period.pk]}
        rows.append(
            {
                "county": county.name,
                "county_pk": county.pk,
                "period": period.label,
                "period_pk": period.pk,
                "reported": True,
                "submissions": complete[period.pk],
                "members": len(members[period.pk]),
                "meetings": meetings[county.pk][0],
                "decisions": meetings[county.pk][1],
                **{key: cells[key] for key in HEADLINES},
            }
        )
    plan = _national_plan(periods, today)
    labels = headline_labels()
    for row in rows:
        row["done"], row["overdue"] = plan.get(row["period_pk"], (0, 0))
        row["figures"] = [
            {
                "label": label,
                "value": f"{row['submissions']}/{row['members']}"
                if key == "submissions"
                else (row[key] if row["reported"] else None),
            }
            for key, label in labels.items()
        ]
    # A county with no period starting on `start` has not reported: it is listed as
    # such, never left out (a reader must tell "no data" from "no county").
    missing = County.objects.exclude(pk__in=[p.county_id for p in periods]).values_list("pk", "name")
    for pk, name in missing:
        rows.append(
            {
                "county": name,
                "county_pk": pk,
                "period": "",
                "period_pk": None,
                "reported": False,
                "figures": [{"label": label, "value": None} for label in labels.values()],
            }
        )
    rows.sort(key=lambda row: row["county"])
    return {
        "start": start,
        "label": periods[0].label if periods else "",
        "today": today,
        "rows": rows,
        "labels": labels,
        "has_data": bool(periods),
    }


def _national_plan(periods: list[ReportingPeriod], today: datetime.date) -> dict[int, tuple[int, int]]:
    """(done, overdue) activities of each county's plan as of its period: two queries."""
    from actionplan.models import ActivityProgress, activity_state

    if not periods:
        return {}
    by_county = {p.county_id: p for p in periods}
    year = periods[0].start_date.year
    activities = list(
        Activity.objects.filter(plan__county_id__in=by_county.keys(), plan__year=year).values(
            "pk", "deadline", "plan__county_id"
        )
    )
    latest: dict[int, str] = {}
    for row in (
        ActivityProgress.objects.filter(activity_id__in=[a["pk"] for a in activities])
        .values("activity_id", "status", "period__start_date", "activity__plan__county_id")
        .order_by("activity_id", "period__start_date")
    ):
        period = by_county[row["activity__plan__county_id"]]
        if row["period__start_date"] <= period.start_date:
            latest[row["activity_id"]] = row["status"]
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for activity in activities:
        period = by_county[activity["plan__county_id"]]
        state = activity_state(
            status=latest.get(activity["pk"], "not_started"), deadline=activity["deadline"], today=today
        )
        if state == ActivityState.DONE:
            result[period.pk][0] += 1
        elif state == ActivityState.OVERDUE:
            result[period.pk][1] += 1
    return {pk: (v[0], v[1]) for pk, v in result.items()}
