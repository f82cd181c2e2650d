"""Reads of the meetings app. Report selectors return plain data, so that templates and
WeasyPrint never reach the database."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krat import access
from krat.choices import Position, Role
from krat.collation import albanian, sort_key
from krat.desk import DeskItem
from krat.ical import CalendarEvent, calendar_bytes
from krat.membership import members_on
from krat.models import County, Institution, ReportingPeriod, User
from krat.search import fold
from krat.selectors import DashboardPanel
from meetings.choices import (
    FINISHED_DECISION_STATUSES,
    AttendanceStatus,
    Body,
    DecisionStatus,
    MeetingStatus,
    MinutesStatus,
)
from meetings.models import AgendaItem, Attachment, Attendance, Decision, Meeting, MinutesVersion

MAX_LIST = 100
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class MeetingFilters:
    q: str = ""
    year: int | None = None
    body: str = ""
    institution: int | None = None


def meeting_list(county: County, filters: MeetingFilters | None = None) -> QuerySet[Meeting]:
    """The county's meetings, newest first, with their decision counts.

    The search is a bounded match, case- and diacritic-insensitive (`krat.search`: "femijet"
    finds "Fëmijët"), over titles, minutes, agenda discussion and
    decisions; it runs alike on SQLite and PostgreSQL.
    """
    filters = filters or MeetingFilters()
    meetings = Meeting.objects.filter(county=county)
    if filters.q:
        q = fold(filters.q[:MAX_SEARCH_LENGTH])
        matching = Meeting.objects.filter(
            Q(title__folded__contains=q)
            | Q(introduction__folded__contains=q)
            | Q(chair_remarks__folded__contains=q)
            | Q(place__folded__contains=q)
            | Q(agenda_items__title__folded__contains=q)
            | Q(agenda_items__discussion__folded__contains=q)
            | Q(decisions__text__folded__contains=q),
            county=county,
        ).values("pk")
        meetings = meetings.filter(pk__in=matching)
    if filters.year:
        meetings = meetings.filter(starts_at__year=filters.year)
    if filters.body:
        meetings = meetings.filter(body=filters.body)
    if filters.institution:
        involved = Meeting.objects.filter(
            Q(invited_institutions=filters.institution)
            | Q(attendances__institution=filters.institution)
            | Q(decisions__responsible=filters.institution)
            | Q(agenda_items__presenter=filters.institution),
            county=county,
        ).values("pk")
        meetings = meetings.filter(pk__in=involved)
    return (
        meetings.select_related("chair")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            pending_count=Count(
                "decisions", filter=~Q(decisions__status__in=FINISHED_DECISION_STATUSES), distinct=True
            ),
        )
        .order_by("-starts_at")
    )


def meetings_in_slot(
    *, county: County, body: str, starts_at: datetime.datetime, exclude_pk: int | None
) -> list[Meeting]:
    """The county's other meetings of `body` at the same date and time, cancelled ones
    aside: what a new meeting there would duplicate."""
    meetings = Meeting.objects.filter(county=county, body=body, starts_at=starts_at).exclude(
        status=MeetingStatus.CANCELLED
    )
    if exclude_pk is not None:
        meetings = meetings.exclude(pk=exclude_pk)
    return list(meetings.order_by("pk"))


def meeting_years(county: County) -> list[int]:
    return sorted(
        {d.year for d in Meeting.objects.filter(county=county).dates("starts_at", "year")}, reverse=True
    )


def pending_decisions(meeting: Meeting) -> list[Decision]:
    """Decisions of earlier meetings of the same county and body that are not done or
    closed: they stand on this meeting's agenda until they are. Computed, never copied."""
    return list(
        Decision.objects.filter(
            meeting__county_id=meeting.county_id,
            meeting__body=meeting.body,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .exclude(status__in=FINISHED_DECISION_STATUSES)
        .select_related("meeting", "responsible__county")
        .order_by("meeting__starts_at", "pk")
    )


def decisions_for_meeting(meeting: Meeting) -> list[Decision]:
    return list(meeting.decisions.select_related("responsible__county", "agenda_item").order_by("pk"))


def agenda_for_meeting(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.select_related("presenter").order_by("position"))


def members_of_meeting(meeting: Meeting) -> list[Institution]:
    """The table's members on the day the meeting is held (`krat.membership.members_on`):
    its minutes count the same members however the table changes later."""
    day = timezone.localdate(meeting.starts_at)
    return list(members_on(meeting.county_id, day).select_related("county").order_by(albanian("name")))


@dataclass
class AttendanceLine:
    """Who of the table's members came, in a form that prints as one sentence.

    Only what was recorded is said: a member recorded absent is listed as absent; a
    member nobody recorded is listed as not recorded, never as absent.
    """

    members_total: int
    members_present: int
    present: list[tuple[str, str]]  # (institution, who came), members and others
    absent: list[str]
    excused: list[str]
    unrecorded: list[str]  # members with no attendance record
    recorded: bool


def attendance_line(
    meeting: Meeting, attendances: list[Attendance], members: list[Institution]
) -> AttendanceLine:
    by_institution = {a.institution_id: a for a in attendances}
    member_ids = {m.pk for m in members}
    present = [(a.institution.name, a.attendee) for a in attendances if a.status == AttendanceStatus.PRESENT]
    excused = [a.institution.name for a in attendances if a.status == AttendanceStatus.EXCUSED]
    absent = [a.institution.name for a in attendances if a.status == AttendanceStatus.ABSENT]
    members_present = sum(
        1 for a in attendances if a.status == AttendanceStatus.PRESENT and a.institution_id in member_ids
    )
    return AttendanceLine(
        members_total=len(members),
        members_present=members_present,
        present=sorted(present, key=lambda row: sort_key(row[0])),
        absent=sorted(absent, key=sort_key),
        excused=sorted(excused, key=sort_key),
        unrecorded=sorted((m.name for m in members if m.pk not in by_institution), key=sort_key),
        recorded=bool(attendances),
    )


@dataclass
class AgendaRow:
    position: int
    title: str
    presenter: str
    discussion: str


@dataclass
class DecisionRow:
    text: str
    responsible: str
    due_date: datetime.date | None
    status: str
    meeting_date: datetime.date | None = None
    meeting_title: str = ""

    @property
    def status_label(self) -> str:
        return str(DecisionStatus(self.status).label)


@dataclass
class MeetingSummary:
    """Everything the printed summary shows, as plain data.

    It holds codes, not labels (those follow the reader's language), and it is what the
    approved minutes store (`as_data`, `from_data`): a field added later needs a default,
    so that the versions stored before it still load.
    """

    pk: int
    county_name: str
    county_slug: str
    prefecture_name: str
    prefecture_address: str
    logo_url: str
    title: str
    body: str
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    action_plan_label: str
    period_label: str
    status: str
    introduction: str
    chair_name: str
    chair_title: str
    chair_remarks: str
    agenda: list[AgendaRow]
    decisions: list[DecisionRow]
    pending: list[DecisionRow]
    attendance: AttendanceLine
    invited: list[str]
    other_invitees: list[str]
    guests: list[str]
    is_approved: bool
    approved_by: str
    approved_at: datetime.datetime | None

    @property
    def body_label(self) -> str:
        return str(Body(self.body).label)

    @property
    def status_label(self) -> str:
        return str(MeetingStatus(self.status).label)

    def as_data(self) -> dict[str, Any]:
        """The summary as JSON-ready data (dates as ISO text once encoded)."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> MeetingSummary:
        """The summary `as_data` gave, back as it was."""

        def day(value: str | None) -> datetime.date | None:
            return datetime.date.fromisoformat(value) if value else None

        def moment(value: str | None) -> datetime.datetime | None:
            return timezone.localtime(datetime.datetime.fromisoformat(value)) if value else None

        def decision(row: dict[str, Any]) -> DecisionRow:
            row = _known(DecisionRow, row)
            return DecisionRow(
                **{**row, "due_date": day(row["due_date"]), "meeting_date": day(row["meeting_date"])}
            )

        values = _known(cls, data)
        attendance = _known(AttendanceLine, data["attendance"])
        attendance["present"] = [tuple(pair) for pair in attendance["present"]]
        values.update(
            date=day(data["date"]),
            starts_at=moment(data["starts_at"]),
            ends_at=moment(data["ends_at"]),
            approved_at=moment(data["approved_at"]),
            agenda=[AgendaRow(**_known(AgendaRow, row)) for row in data["agenda"]],
            decisions=[decision(row) for row in data["decisions"]],
            pending=[decision(row) for row in data["pending"]],
            attendance=AttendanceLine(**attendance),
        )
        return cls(**values)


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """The items of `data` that are fields of the dataclass `kind` (a field since removed
    is ignored)."""
    names = {f.name for f in fields(kind)}
    return {key: value for key, value in data.items() if key in names}


def _decision_row(decision: Decision, *, with_meeting: bool = False) -> DecisionRow:
    return DecisionRow(
        text=decision.text,
        responsible=decision.responsible.name,
        due_date=decision.due_date,
        status=decision.status,
        meeting_date=decision.meeting.date if with_meeting else None,
        meeting_title=decision.meeting.title if with_meeting else "",
    )


def meeting_period(meeting: Meeting) -> ReportingPeriod | None:
    """The reporting period the meeting belongs to: the one linked to it, else the one its
    date falls in."""
    if meeting.period_id:
        return meeting.period
    return ReportingPeriod.objects.filter(
        county_id=meeting.county_id, start_date__lte=meeting.date, end_date__gte=meeting.date
    ).first()


def meeting_summary(
    meeting: Meeting,
    *,
    agenda: list[AgendaItem] | None = None,
    decisions: list[Decision] | None = None,
    pending: list[Decision] | None = None,
) -> MeetingSummary:
    """The meeting's summary as the PDF, the print page and the invitation show it
    (a bounded number of queries whatever the meeting holds). A caller that has already
    read the agenda, the decisions or the pending decisions passes them in."""
    county = meeting.county
    agenda = agenda_for_meeting(meeting) if agenda is None else agenda
    decisions = decisions_for_meeting(meeting) if decisions is None else decisions
    pending = pending_decisions(meeting) if pending is None else pending
    attendances = list(meeting.attendances.select_related("institution"))
    members = members_of_meeting(meeting)
    period = meeting_period(meeting)
    chair: User | None = meeting.chair
    return MeetingSummary(
        pk=meeting.pk,
        county_name=county.name,
        county_slug=county.slug,
        prefecture_name=county.prefecture_name,
        prefecture_address=county.prefecture_address,
        logo_url=county.logo.url if county.logo else "",
        title=meeting.title,
        body=meeting.body,
        date=meeting.date,
        starts_at=timezone.localtime(meeting.starts_at),
        ends_at=timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
        place=meeting.place,
        action_plan_label=meeting.action_plan_name,
        period_label=period.label if period else "",
        status=meeting.status,
        introduction=meeting.introduction,
        chair_name=(chair.get_full_name() or chair.username) if chair else "",
        chair_title=chair.job_title if chair else "",
        chair_remarks=meeting.chair_remarks,
        agenda=[
            AgendaRow(i.position, i.title, i.presenter.name if i.presenter else "", i.discussion)
            for i in agenda
        ],
        decisions=[_decision_row(d) for d in decisions],
        pending=[_decision_row(d, with_meeting=True) for d in pending],
        attendance=attendance_line(meeting, attendances, members),
        invited=sorted((i.name for i in meeting.invited_institutions.all()), key=sort_key),
        other_invitees=meeting.other_invitee_list,
        guests=meeting.guest_list,
        is_approved=meeting.is_locked,
        approved_by=str(meeting.approved_by) if meeting.approved_by_id else "",
        approved_at=meeting.approved_at,
    )


def current_minutes(meeting: Meeting) -> MinutesVersion | None:
    """The approved minutes stored for a meeting whose minutes are approved (None for a
    draft, or for minutes approved before versions were stored)."""
    if not meeting.is_locked:
        return None
    return meeting.minutes_versions.filter(reopened_at__isnull=True).first()


def minutes_versions(meeting: Meeting) -> list[MinutesVersion]:
    """Every approved version of the meeting's minutes, newest first, without their bytes."""
    return list(
        meeting.minutes_versions.defer("pdf", "summary")
        .select_related("approved_by", "reopened_by")
        .order_by("-number")
    )


def attachment_list(meeting: Meeting) -> list[Attachment]:
    """The meeting's documents, oldest first (their metadata: the bytes stay on disk)."""
    return list(meeting.attachments.order_by("uploaded_at", "pk"))


def frozen_summary(version: MinutesVersion) -> MeetingSummary:
    """The summary as it was approved in `version`."""
    return MeetingSummary.from_data(version.summary)


@dataclass
class MeetingRecord:
    """What the meeting's page shows of it, whoever reads it (permissions are the view's)."""

    agenda: list[AgendaItem]
    decisions: list[Decision]
    pending: list[Decision]
    summary: MeetingSummary


def meeting_record(meeting: Meeting) -> MeetingRecord:
    """The meeting's page. Once the minutes are approved, its summary (chair, invitations,
    attendance, guests) is the approved version's, as stored: recounting attendance against
    today's memberships would make the page say something the signed minutes do not. The
    decisions stay live: their follow-up continues after approval."""
    agenda = agenda_for_meeting(meeting)
    decisions = decisions_for_meeting(meeting)
    pending = pending_decisions(meeting)
    # Only the stored data is read: the PDF bytes are the download's business.
    version = (
        meeting.minutes_versions.filter(reopened_at__isnull=True).only("summary").first()
        if meeting.is_locked
        else None
    )
    summary = (
        frozen_summary(version)
        if version is not None
        else meeting_summary(meeting, agenda=agenda, decisions=decisions, pending=pending)
    )
    return MeetingRecord(agenda=agenda, decisions=decisions, pending=pending, summary=summary)


def meeting_calendar(meeting: Meeting) -> bytes:
    """The meeting as an .ics file."""
    start = meeting.starts_at
    end = meeting.ends_at or start + datetime.timedelta(hours=2)
    agenda = "\n".join(f"{i.position}. {i.title}" for i in agenda_for_meeting(meeting))
    return calendar_bytes(
        [
            CalendarEvent(
                uid=f"krat-meeting-{meeting.pk}@krat",
                start=start,
                end=end,
                summary=meeting.title,
                location=meeting.place,
                description=agenda,
            )
        ]
    )


@dataclass(frozen=True)
class AttendanceSheetRow:
    """One institution of the attendance sheet, with the values the sheet opens with."""

    institution: Institution
    status: str  # "" = not recorded
    attendee: str


def representative_names(institution_ids: list[int]) -> dict[int, str]:
    """Each institution's representative as the attendance sheet names them ("Name, job
    title"): the active representative who holds the representative's place in the
    membership order, else the first active representative by name."""
    found: dict[int, str] = {}
    people = User.objects.filter(
        institution__in=institution_ids, role=Role.REPRESENTATIVE, is_active=True
    ).order_by(
        Case(When(position=Position.REPRESENTATIVE, then=0), default=1),
        albanian("last_name"),
        albanian("first_name"),
    )
    for person in people:
        assert person.institution_id is not None  # a representative has one (a constraint)
        name = ", ".join(filter(None, [str(person), person.job_title]))
        found.setdefault(person.institution_id, name)
    return found


def attendance_rows(meeting: Meeting) -> list[AttendanceSheetRow]:
    """Each institution whose attendance can be recorded: the members, the invited and
    any already recorded. A sheet never saved starts from the invitations (an invited
    institution opens as present, the others as not recorded) and names each institution's
    representative as who came; a saved one opens as saved."""
    recorded = {a.institution_id: a for a in meeting.attendances.select_related("institution")}
    invited = {i.pk: i for i in meeting.invited_institutions.all()}
    institutions = {i.pk: i for i in members_of_meeting(meeting)}
    institutions.update(invited)
    institutions.update({a.institution_id: a.institution for a in recorded.values()})
    names = {} if recorded else representative_names(list(institutions))
    rows = []
    for institution in sorted(institutions.values(), key=lambda i: sort_key(i.name)):
        record = recorded.get(institution.pk)
        if record is not None:
            status, attendee = record.status, record.attendee
        else:
            starts_present = not recorded and institution.pk in invited
            status = AttendanceStatus.PRESENT if starts_present else ""
            attendee = names.get(institution.pk, "")
        rows.append(AttendanceSheetRow(institution, status, attendee))
    return rows


def decisions_for_export(county: County, filters: MeetingFilters | None = None) -> list[Decision]:
    """Every decision of the county's (filtered) meetings, oldest meeting first."""
    meetings = meeting_list(county, filters).values("pk")
    return list(
        Decision.objects.filter(meeting__in=meetings)
        .select_related("meeting", "responsible")
        .order_by("meeting__starts_at", "pk")
    )


def dashboard_panel(*, user: User, county: County, period: ReportingPeriod | None) -> DashboardPanel:
    """The dashboard's meetings card: the next meeting, the last one and open decisions."""
    now = timezone.now()
    meetings = Meeting.objects.filter(county=county)
    upcoming = meetings.filter(status=MeetingStatus.PLANNED, starts_at__gte=now).order_by("starts_at").first()
    last = meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    counts = (
        Decision.objects.filter(meeting__county=county)
        .exclude(status__in=FINISHED_DECISION_STATUSES)
        .aggregate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=timezone.localdate())))
    )
    return DashboardPanel(
        title=_("Meetings"),
        template="meetings/panel.html",
        context={
            "county": county,
            "upcoming": upcoming,
            "last": last,
            "pending_count": counts["pending"],
            "overdue_count": counts["overdue"],
        },
    )


def desk_items(*, user: User, county: County, today: datetime.date) -> list[DeskItem]:
    """The chair's desk (`krat.desk`): each meeting held whose minutes wait for approval,
    linked to the page where they are approved. One query."""
    if not access.can_chair(user, county):
        return []
    waiting = Meeting.objects.filter(
        county=county, status=MeetingStatus.HELD, minutes_status=MinutesStatus.DRAFT
    ).order_by("starts_at")
    return [
        DeskItem(
            text=_("The minutes of %(meeting)s of %(date)s wait for your approval.")
            % {"meeting": meeting.title, "date": date_format(meeting.date, "SHORT_DATE_FORMAT")},
            url=reverse("meetings:approve", args=[meeting.pk]),
            action=_("Approve the minutes"),
            since=meeting.date,
        )
        for meeting in waiting
    ]


def approval_gaps(meeting: Meeting) -> list[str]:
    """What the minutes do not say yet, for the chair to read before approving: attendance
    not recorded (for anyone, or for some members), no decision, no opening remarks, agenda
    items with no discussion written. Approval stays allowed: a meeting may well have taken
    no decision; the chair decides with this in front of them. A fixed number of queries."""
    gaps: list[str] = []
    line = attendance_line(
        meeting, list(meeting.attendances.select_related("institution")), members_of_meeting(meeting)
    )
    if not line.recorded:
        gaps.append(_("Attendance has not been recorded."))
    elif line.unrecorded:
        gaps.append(
            ngettext(
                "Attendance is not recorded for %(count)d member institution.",
                "Attendance is not recorded for %(count)d member institutions.",
                len(line.unrecorded),
            )
            % {"count": len(line.unrecorded)}
        )
    if not meeting.decisions.exists():
        gaps.append(_("No decision has been recorded."))
    if not meeting.chair_remarks.strip():
        gaps.append(_("The chair's opening remarks are not written."))
    silent = meeting.agenda_items.filter(discussion="").count()
    if silent:
        gaps.append(
            ngettext(
                "%(count)d agenda item has no discussion written.",
                "%(count)d agenda items have no discussion written.",
                silent,
            )
            % {"count": silent}
        )
    return gaps
