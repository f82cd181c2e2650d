"""Demo records of the meetings app, loaded by `manage.py load_demo` (safe to run again):
the model meeting of 25.04.2018 in full and approved, and one planned upcoming meeting."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from actionplan.models import ActionPlan
from krat.choices import Role
from krat.models import County, User
from meetings import seed, services
from meetings.choices import AttendanceStatus, Body, DecisionStatus, MeetingStatus
from meetings.models import AgendaItem, Decision, Meeting
from meetings.selectors import members_of_meeting

# Demo attendance (the seed lists nobody by name): who came for the institutions with demo logins.
ATTENDEES = {
    "Prefektura e Qarkut Durrës": "Agron Meçaj, Sekretar i Përgjithshëm",
    "Drejtoria Vendore e Policisë Durrës": "Arben Krasniqi",
    "Zyra e Punës Durrës": "Mirela Leka",
    "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës": "Blerina Dervishi",
}
EXCUSED = {"Bashkia Shijak"}
DECISION_STATUS = [DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS, DecisionStatus.DONE]


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@transaction.atomic
def load(*, county: County) -> None:
    institutions = {i.name: i for i in county.institutions.all()}
    chair = User.objects.filter(county=county, role=Role.CHAIR).order_by("pk").first()
    starts_at = _aware(seed.DATE, 10)
    if not Meeting.objects.filter(county=county, title=seed.TITLE, starts_at=starts_at).exists():
        _load_seed_meeting(county, institutions, chair, starts_at)
    now = timezone.now()
    if not Meeting.objects.filter(county=county, status=MeetingStatus.PLANNED, starts_at__gt=now).exists():
        _load_upcoming(county, institutions, chair, timezone.localdate() + datetime.timedelta(days=14))


def _load_seed_meeting(county, institutions, chair, starts_at) -> None:
    period = county.periods.filter(start_date__lte=seed.DATE, end_date__gte=seed.DATE).first()
    plan = ActionPlan.objects.filter(county=county, year=seed.DATE.year).first()  # "KRAT 2018"
    meeting = Meeting(
        county=county,
        body=Body.TECHNICAL_TABLE,
        title=seed.TITLE,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place=seed.PLACE,
        chair=chair,
        action_plan=plan,
        action_plan_label="" if plan else seed.ACTION_PLAN,
        period=period,
        introduction=seed.INTRODUCTION,
        other_invitees="Terre des hommes Albania",
    )
    services.meeting_save(meeting=meeting, expected_version=None)
    members = members_of_meeting(meeting)
    meeting.invited_institutions.set(members)
    items = []
    for title, presenter, discussion in seed.AGENDA:
        item = AgendaItem(
            meeting=meeting, title=title, presenter=institutions.get(presenter), discussion=discussion
        )
        items.append(services.agenda_item_save(item=item, expected_version=None))
    services.meeting_set_status(meeting=meeting, status=MeetingStatus.HELD)
    meeting.chair_remarks = seed.CHAIR_REMARKS
    services.minutes_save(meeting=meeting, expected_version=meeting.version)
    services.attendance_record(
        meeting=meeting,
        rows=[
            services.AttendanceRow(
                institution=institution,
                status=AttendanceStatus.EXCUSED if name in EXCUSED else AttendanceStatus.PRESENT,
                attendee=ATTENDEES.get(name, ""),
            )
            for name, institution in sorted(institutions.items())
            if institution in members
        ],
        expected_version=meeting.version,
    )
    for (text, responsible, due, item_number), status in zip(seed.DECISIONS, DECISION_STATUS, strict=True):
        decision = Decision(
            meeting=meeting,
            agenda_item=items[item_number - 1],
            text=text,
            responsible=institutions[responsible],
            due_date=due,
            status=status,
        )
        services.decision_save(decision=decision, expected_version=None)
    if chair is not None:
        services.minutes_approve(meeting=meeting, user=chair, expected_version=meeting.version)


def _load_upcoming(county, institutions, chair, day: datetime.date) -> None:
    starts_at = _aware(day, 10)
    meeting = Meeting(
        county=county,
        body=Body.TECHNICAL_TABLE,
        title=seed.TITLE,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        place="Salla e mbledhjeve, Prefektura e Qarkut Durrës",
        chair=chair,
        action_plan=ActionPlan.objects.filter(county=county, year=day.year).first(),
        period=county.periods.filter(start_date__lte=day, end_date__gte=day).first(),
    )
    services.meeting_save(meeting=meeting, expected_version=None)
    meeting.invited_institutions.set(members_of_meeting(meeting))
    for title, presenter in [
        ("Vlerësimi i situatës për periudhën raportuese", "Prefektura e Qarkut Durrës"),
        (
            "Fëmijët në situatë rruge para sezonit turistik",
            "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës",
        ),
        ("Punësimi i personave që marrin ndihmë ekonomike", "Zyra e Punës Durrës"),
    ]:
        services.agenda_item_save(
            item=AgendaItem(meeting=meeting, title=title, presenter=institutions.get(presenter)),
            expected_version=None,
        )
