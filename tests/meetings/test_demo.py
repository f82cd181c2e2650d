import pytest
from django.utils import timezone

from krat.demo import demo_load
from meetings import demo, seed
from meetings.choices import DecisionStatus, MeetingStatus, MinutesStatus
from meetings.models import AgendaItem, Attendance, Decision, Meeting
from meetings.selectors import pending_decisions

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_seed_meeting_approved_and_one_upcoming_and_loads_once():
    county = demo_load(timezone.localdate())
    demo.load(county=county)
    counts = [m.objects.count() for m in (Meeting, AgendaItem, Attendance, Decision)]
    demo.load(county=county)
    assert [m.objects.count() for m in (Meeting, AgendaItem, Attendance, Decision)] == counts

    held = Meeting.objects.get(county=county, starts_at__year=2018)
    assert (held.status, held.minutes_status) == (MeetingStatus.HELD, MinutesStatus.APPROVED)
    assert held.chair_remarks == seed.CHAIR_REMARKS
    assert held.period.label == "Janar – Prill 2018"
    assert held.agenda_items.count() == 5
    assert held.decisions.count() == 3
    upcoming = Meeting.objects.get(county=county, status=MeetingStatus.PLANNED)
    assert upcoming.starts_at > timezone.now()
    pending = [d.status for d in pending_decisions(upcoming)]
    assert pending == [DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS]
