"""What the meetings app contributes to the period report (the meetings held, section
"meetings") and to the national report (meetings held and their decisions); registered in
`MeetingsConfig.ready` (`krat.contributions`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from krat.choices import label_of
from krat.contributions import NationalFigures, ReportContext, ReportSection
from krat.models import Institution, ReportingPeriod
from krat.spreadsheets import Sheet
from meetings.choices import Body, DecisionStatus, MeetingStatus
from meetings.models import AgendaItem, Attendance, Decision, Meeting


@dataclass(frozen=True)
class DecisionRow:
    text: str
    responsible: str
    due_date: datetime.date | None
    status: str
    status_label: str


@dataclass(frozen=True)
class HeldMeeting:
    title: str
    date: datetime.date
    body: str
    status_label: str
    place: str
    agenda: list[str]
    decisions: list[DecisionRow]


@dataclass(frozen=True)
class PlannedMeeting:
    title: str
    date: datetime.date
    body: str


@dataclass(frozen=True)
class DecisionCount:
    label: str
    count: int


@dataclass(frozen=True)
class MeetingsSection:
    rows: list[HeldMeeting]
    planned: list[PlannedMeeting]  # inside the period, not yet held
    decision_counts: list[DecisionCount]
    decision_total: int
    has_data: bool


def meetings_section(context: ReportContext) -> MeetingsSection:
    """The meetings of the period with their agenda and decisions (three queries)."""
    period = context.period
    # Only meetings that took place count as held; a meeting still planned inside the
    # period (the period may be running) is listed apart, and a cancelled one not at all.
    meetings = (
        Meeting.objects.filter(
            county=context.county,
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
        date = timezone.localdate(meeting.starts_at)
        if meeting.status == MeetingStatus.PLANNED:
            planned.append(PlannedMeeting(title=meeting.title, date=date, body=label_of(Body, meeting.body)))
            continue
        decisions = [
            DecisionRow(
                text=d.text,
                responsible=d.responsible.name,
                due_date=d.due_date,
                status=d.status,
                status_label=label_of(DecisionStatus, d.status),
            )
            for d in meeting.decisions.all()
        ]
        for d in decisions:
            decision_counts[d.status_label] += 1
        rows.append(
            HeldMeeting(
                title=meeting.title,
                date=date,
                body=label_of(Body, meeting.body),
                status_label=label_of(MeetingStatus, meeting.status),
                place=meeting.place,
                agenda=[item.title for item in meeting.agenda_items.all()],
                decisions=decisions,
            )
        )
    return MeetingsSection(
        rows=rows,
        planned=planned,
        decision_counts=[DecisionCount(label=k, count=v) for k, v in decision_counts.items()],
        decision_total=sum(decision_counts.values()),
        has_data=bool(rows),
    )


_NO_DECISION = DecisionRow(text="", responsible="", due_date=None, status="", status_label="")


def meetings_sheets(data: MeetingsSection) -> list[Sheet]:
    """A row per decision, a meeting without decisions on a row of its own."""
    return [
        Sheet(
            title=_("Meetings"),
            headers=[
                _("Date"),
                _("Meeting"),
                _("Agenda"),
                _("Decision"),
                _("Responsible"),
                _("Due date"),
                _("Status"),
            ],
            rows=[
                [
                    m.date or None,
                    m.title,
                    "; ".join(m.agenda),
                    d.text,
                    d.responsible,
                    d.due_date or None,
                    d.status_label,
                ]
                for m in data.rows
                for d in (m.decisions or [_NO_DECISION])
            ],
        )
    ]


SECTION = ReportSection(
    key="meetings",
    order=30,
    title=lambda: _("Meetings held in the period"),
    build=meetings_section,
    template="meetings/report_section_meetings.html",
    sheets=meetings_sheets,
    models=(Meeting, AgendaItem, Decision, Attendance, Institution),
)


def _labels() -> dict[str, str]:
    return {"meetings": _("Meetings held"), "decisions": _("Decisions")}


def national_counts(periods: list[ReportingPeriod], today: datetime.date) -> dict[int, dict[str, int]]:
    """Each period's meetings held in it and their decisions (one query, whatever the
    periods: a county may have several, the national report's comparisons): a count of the
    table's own work, not of people, so never hidden."""
    if not periods:
        return {}
    windows: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        windows[period.county_id].append(period)
    first = min(p.start_date for p in periods)
    last = max(p.end_date for p in periods)
    found = {p.pk: {"meetings": 0, "decisions": 0} for p in periods}
    for row in (
        Meeting.objects.filter(
            county_id__in=windows.keys(),
            starts_at__date__gte=first,
            starts_at__date__lte=last,
            status=MeetingStatus.HELD,
        )
        .values("county_id", "starts_at")
        .annotate(decision_count=Count("decisions"))
    ):
        day = timezone.localdate(row["starts_at"])
        for period in windows[row["county_id"]]:
            if period.contains(day):
                found[period.pk]["meetings"] += 1
                found[period.pk]["decisions"] += row["decision_count"]
    return found


NATIONAL = NationalFigures(order=10, labels=_labels, read=national_counts, models=(Meeting, Decision))
