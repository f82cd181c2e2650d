"""The meetings of one county-year (`bench.data.core.generate` calls `generate`), built
with the meetings' factories (tests/meetings/factories.py).

Ten meetings a year, each with eight agenda items; the meetings already held have their
attendance, twelve decisions and approved minutes, the later ones are planned. The first
meeting and decision of each run pass `full_clean()`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from bench.data.base import CountyYear
from krat.choices import Role
from krat.models import User
from meetings.choices import AttendanceStatus, Body, DecisionStatus, MeetingStatus, MinutesStatus
from meetings.models import AgendaItem, Attendance, Decision, Meeting
from tests.meetings.factories import AgendaItemFactory, AttendanceFactory, DecisionFactory, MeetingFactory

MEETINGS = 10
AGENDA_ITEMS = 8
DECISIONS = 12
TOPICS = [
    "Vlerësimi i situatës për periudhën raportuese",
    "Fëmijët në situatë rruge para sezonit turistik",
    "Punësimi i personave që marrin ndihmë ekonomike",
    "Ecuria e planit të veprimit",
    "Rastet e identifikuara të viktimave dhe referimi",
    "Fushatat e ndërgjegjësimit në shkolla",
    "Bashkëpunimi me qarqet e origjinës",
    "Të ndryshme",
]
TASKS = [
    "Të organizohen sesione informuese në shkollat e {place}.",
    "Të raportohen rastet e fëmijëve në situatë rruge brenda periudhës.",
    "Të hartohet lista e familjeve në nevojë për programet e punësimit.",
    "Të koordinohet me qarkun e origjinës kthimi i fëmijëve në familje.",
    "Të përgatitet informacioni për takimin e ardhshëm të Tryezës Teknike.",
    "Të shpërndahen materialet e fushatës në zonat turistike.",
]


def generate(part: CountyYear) -> None:
    county = part.county
    if Meeting.objects.filter(county=county, starts_at__year=part.year).exists():
        return
    rng = part.rng
    chair = User.objects.filter(county=county, role=Role.CHAIR).order_by("pk").first()
    members = part.members
    now = timezone.now()
    count = part.count(MEETINGS)
    meetings = []
    for number in range(count):
        # Spread over the year, mid-month, on a working morning.
        month = 1 + (number * 12) // count
        day = datetime.date(part.year, month, 10 + number % 10)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        held = starts_at < now - datetime.timedelta(days=2)
        period = next((p for p in part.periods if p.contains(day)), None)
        meetings.append(
            MeetingFactory.build(
                county=county,
                body=Body.PLENARY if number % 5 == 4 else Body.TECHNICAL_TABLE,
                title=f"Mbledhja e Tryezës Teknike nr. {number + 1}/{part.year}",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                place=f"Salla e mbledhjeve, Prefektura e Qarkut {county.name}",
                chair=chair,
                action_plan_label=f"Plani i veprimit i KRAT {part.year}",
                period=period,
                other_invitees="Terre des hommes Albania\nOrganizata Ndërkombëtare për Migracionin",
                status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                invitations_sent_at=starts_at - datetime.timedelta(days=7),
                introduction=f"Takimi u zhvillua në ambientet e Prefekturës së Qarkut {county.name}."
                if held
                else "",
                chair_remarks="Kryetari përshëndeti pjesëmarrësit dhe paraqiti rendin e ditës."
                if held
                else "",
                minutes_status=MinutesStatus.APPROVED if held and chair else MinutesStatus.DRAFT,
                approved_at=starts_at + datetime.timedelta(days=3) if held and chair else None,
                approved_by=chair if held else None,
            )
        )
    meetings[0].full_clean()
    Meeting.objects.bulk_create(meetings)

    invited = Meeting.invited_institutions.through
    invited.objects.bulk_create(
        [invited(meeting_id=m.pk, institution_id=i.pk) for m in meetings for i in members]
    )
    items = [
        AgendaItemFactory.build(
            meeting=meeting,
            position=position + 1,
            title=TOPICS[position % len(TOPICS)],
            presenter=rng.choice(members),
            discussion="Përfaqësuesit paraqitën gjendjen dhe u diskutuan hapat e mëtejshëm."
            if meeting.is_held
            else "",
        )
        for meeting in meetings
        for position in range(AGENDA_ITEMS)
    ]
    AgendaItem.objects.bulk_create(items)
    by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        by_meeting.setdefault(item.meeting_id, []).append(item)

    attendance, decisions = [], []
    statuses = [AttendanceStatus.PRESENT] * 8 + [AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]
    for meeting in meetings:
        if not meeting.is_held:
            continue
        for institution in members:
            status = rng.choice(statuses)
            attendance.append(
                AttendanceFactory.build(
                    meeting=meeting,
                    institution=institution,
                    status=status,
                    attendee=f"Përfaqësuesi i {institution.name}"
                    if status == AttendanceStatus.PRESENT
                    else "",
                )
            )
        for number in range(DECISIONS):
            due = meeting.date + datetime.timedelta(days=rng.randint(14, 120))
            overdue = due < part.today
            decisions.append(
                DecisionFactory.build(
                    meeting=meeting,
                    agenda_item=by_meeting[meeting.pk][number % AGENDA_ITEMS],
                    text=TASKS[number % len(TASKS)].format(place=county.name),
                    responsible=rng.choice(members),
                    due_date=due,
                    status=rng.choice(
                        [
                            DecisionStatus.DONE,
                            DecisionStatus.DONE,
                            DecisionStatus.CLOSED,
                            DecisionStatus.IN_PROGRESS,
                        ]
                        if overdue
                        else [DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS]
                    ),
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    if decisions:
        decisions[0].full_clean()
    Decision.objects.bulk_create(decisions, batch_size=1000)
