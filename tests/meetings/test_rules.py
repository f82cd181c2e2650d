"""Rules of meetings at model and service level: status, lock, reopen, follow-up carry-over."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from krat.services import membership_end
from meetings import selectors, services
from meetings.choices import AttendanceStatus, Body, DecisionStatus, MeetingStatus, MinutesStatus
from meetings.models import AgendaItem, Decision, Meeting
from tests.factories import InstitutionFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, aware

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


class TestMeetingStatus:
    def test_a_meeting_in_the_future_cannot_be_marked_held(self, world):
        meeting = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() + datetime.timedelta(days=3),
        )
        with pytest.raises(ValidationError) as error:
            services.meeting_set_status(meeting=meeting, status=MeetingStatus.HELD)
        assert codes(error.value) == {"held_in_future"}
        assert "cannot be marked held before its date" in str(error.value)
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.PLANNED

    def test_a_past_meeting_is_marked_held(self, world):
        meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
        services.meeting_set_status(meeting=meeting, status=MeetingStatus.HELD)
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.HELD

    def test_the_period_must_be_the_countys_and_hold_the_date(self, world):
        meeting = MeetingFactory.build(county=world.own, period=world.foreign_period)
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "period_county" in codes(error.value)
        meeting.period = world.period
        meeting.starts_at = aware(datetime.date(2018, 6, 1))
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "period_dates" in codes(error.value)

    def test_the_chair_must_be_of_the_county(self, world):
        meeting = MeetingFactory.build(county=world.own, chair=world.users["other_secretariat"])
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "chair_county" in codes(error.value)


class TestAttendance:
    def test_attendance_for_a_planned_meeting_is_refused(self, world):
        meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
        row = services.AttendanceRow(institution=world.own_institution, status=AttendanceStatus.PRESENT)
        with pytest.raises(ValidationError) as error:
            services.attendance_record(meeting=meeting, rows=[row], expected_version=meeting.version)
        assert codes(error.value) == {"not_held"}
        assert meeting.attendances.count() == 0

    def test_attendance_is_recorded_and_changed(self, world):
        meeting = MeetingFactory(county=world.own)
        present = services.AttendanceRow(world.own_institution, AttendanceStatus.PRESENT, "Arben Krasniqi")
        services.attendance_record(
            meeting=meeting, rows=[present], guests="OIM Tiranë", expected_version=meeting.version
        )
        services.attendance_record(
            meeting=meeting,
            rows=[services.AttendanceRow(world.own_institution, AttendanceStatus.EXCUSED)],
            expected_version=meeting.version,
        )
        record = meeting.attendances.get()
        assert (record.status, record.attendee) == (AttendanceStatus.EXCUSED, "")
        meeting.refresh_from_db()
        assert meeting.guest_list == ["OIM Tiranë"]

    def test_an_institution_of_another_county_is_refused(self, world):
        meeting = MeetingFactory(county=world.own)
        row = services.AttendanceRow(world.foreign_institution, AttendanceStatus.PRESENT)
        with pytest.raises(ValidationError) as error:
            services.attendance_record(meeting=meeting, rows=[row], expected_version=meeting.version)
        assert "institution_county" in codes(error.value)

    def test_the_attendance_line_counts_members(self, world):
        meeting = MeetingFactory(county=world.own)
        ngo = InstitutionFactory(county=world.own, name="Terre des hommes", is_table_member=False)
        services.attendance_record(
            meeting=meeting,
            rows=[
                services.AttendanceRow(world.own_institution, AttendanceStatus.PRESENT, "A. K."),
                services.AttendanceRow(ngo, AttendanceStatus.PRESENT),
            ],
            expected_version=meeting.version,
        )
        line = selectors.meeting_summary(meeting).attendance
        assert (line.members_present, line.members_total) == (1, 2)
        # Nobody recorded the labour office: not recorded, not absent.
        assert (line.absent, line.unrecorded) == ([], ["Zyra e Punës Durrës"])
        assert ("Terre des hommes", "") in line.present

    def test_the_attendance_line_counts_the_members_of_the_meeting_day(self, world):
        """Printed minutes do not change when the table changes later."""
        meeting = MeetingFactory(county=world.own)  # 25.04.2018, recorded now
        before = selectors.meeting_summary(meeting).attendance
        today = timezone.localdate()
        leaving = world.own_institution
        membership_end(institution=leaving, end_date=today)
        InstitutionFactory(county=world.own, name="Bashkia e re", is_table_member__since=today)
        after = selectors.meeting_summary(meeting).attendance
        assert (after.members_total, after.unrecorded) == (2, ["Policia Durrës", "Zyra e Punës Durrës"])
        assert (after.members_total, after.unrecorded) == (before.members_total, before.unrecorded)
        later = MeetingFactory(county=world.own, starts_at=timezone.now() + datetime.timedelta(days=7))
        upcoming = selectors.meeting_summary(later).attendance  # a meeting to come: the table of its day
        assert upcoming.unrecorded == ["Bashkia e re", "Zyra e Punës Durrës"]

    def test_the_attendance_sheet_lists_the_members_of_the_meeting_day(self, world):
        """An institution that left in 2019 is on the sheet of a 2018 meeting, not of a 2020 one;
        one that joined in 2020 the other way round."""
        InstitutionFactory(
            county=world.own,
            name="Policia Kufitare",
            is_table_member__since=datetime.date(2010, 1, 1),
            is_table_member__until=datetime.date(2019, 6, 30),
        )
        InstitutionFactory(
            county=world.own, name="Bashkia Shijak", is_table_member__since=datetime.date(2020, 1, 15)
        )

        def sheet(day):
            meeting = MeetingFactory(county=world.own, starts_at=aware(day))
            return [row.institution.name for row in selectors.attendance_rows(meeting)]

        assert sheet(datetime.date(2018, 4, 25)) == [
            "Policia Durrës",
            "Policia Kufitare",
            "Zyra e Punës Durrës",
        ]
        assert sheet(datetime.date(2019, 6, 30)) == [
            "Policia Durrës",
            "Policia Kufitare",
            "Zyra e Punës Durrës",
        ]
        assert sheet(datetime.date(2019, 7, 1)) == ["Policia Durrës", "Zyra e Punës Durrës"]
        assert sheet(datetime.date(2020, 1, 15)) == [
            "Bashkia Shijak",
            "Policia Durrës",
            "Zyra e Punës Durrës",
        ]

    def test_the_summary_names_the_period_but_not_who_has_reported(self, world):
        """Signed minutes state what happened at the meeting; the board has the reports."""
        from krat.models import PeriodSubmission, SubmissionState

        meeting = MeetingFactory(county=world.own)  # 25.04.2018, inside "Janar – Prill 2018"
        PeriodSubmission.objects.create(
            period=world.period,
            institution=world.own_institution,
            state=SubmissionState.SUBMITTED,
            submitted_at=timezone.now(),
        )
        summary = selectors.meeting_summary(meeting)
        assert summary.period_label == "Janar – Prill 2018"
        assert not hasattr(summary.attendance, "without_report")


class TestDecisions:
    def test_a_due_date_before_the_meeting_is_refused(self, world):
        meeting = MeetingFactory(county=world.own)
        decision = Decision(
            meeting=meeting, text="X", responsible=world.own_institution, due_date=datetime.date(2018, 4, 1)
        )
        with pytest.raises(ValidationError) as error:
            services.decision_save(decision=decision, expected_version=None)
        assert codes(error.value) == {"due_before_meeting"}
        assert "before the meeting (25.04.2018)" in str(error.value)

    def test_an_institution_of_another_county_is_refused(self, world):
        meeting = MeetingFactory(county=world.own)
        decision = Decision(meeting=meeting, text="X", responsible=world.foreign_institution)
        with pytest.raises(ValidationError) as error:
            services.decision_save(decision=decision, expected_version=None)
        assert codes(error.value) == {"responsible_county"}
        assert not Decision.objects.exists()

    def test_a_decision_of_a_planned_meeting_is_refused(self, world):
        meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
        decision = Decision(meeting=meeting, text="X", responsible=world.own_institution)
        with pytest.raises(ValidationError) as error:
            services.decision_save(decision=decision, expected_version=None)
        assert codes(error.value) == {"not_held"}


class TestLock:
    @pytest.fixture
    def approved(self, world):
        meeting = MeetingFactory(
            county=world.own, chair=world.users["chair"], chair_remarks="Versioni i parë."
        )
        item = AgendaItemFactory(meeting=meeting, position=1)
        decision = DecisionFactory(meeting=meeting, responsible=world.own_institution)
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
        return meeting, item, decision

    def test_approval_locks_every_part_of_the_minutes(self, world, approved):
        meeting, item, decision = approved
        assert meeting.minutes_status == MinutesStatus.APPROVED
        attempts = [
            lambda: services.minutes_save(
                meeting=Meeting.objects.get(pk=meeting.pk), expected_version=meeting.version
            ),
            lambda: services.meeting_save(
                meeting=Meeting.objects.get(pk=meeting.pk), expected_version=meeting.version
            ),
            lambda: services.agenda_item_save(item=item, expected_version=item.version),
            lambda: services.agenda_item_save(
                item=AgendaItem(meeting=meeting, title="E re"), expected_version=None
            ),
            lambda: services.agenda_item_delete(item=item),
            lambda: services.decision_save(decision=decision, expected_version=decision.version),
            lambda: services.attendance_record(
                meeting=meeting,
                rows=[services.AttendanceRow(world.own_institution, AttendanceStatus.PRESENT)],
                expected_version=meeting.version,
            ),
            lambda: services.meeting_set_status(meeting=meeting, status=MeetingStatus.CANCELLED),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError) as error:
                attempt()
            assert codes(error.value) == {"minutes_locked"}
            assert "approved and locked" in str(error.value)
        assert AgendaItem.objects.filter(meeting=meeting).count() == 1

    def test_the_follow_up_of_a_decision_moves_on_while_locked(self, approved):
        _meeting, _item, decision = approved
        decision.status = DecisionStatus.DONE
        services.decision_update_status(decision=decision, expected_version=decision.version)
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.DONE

    def test_only_held_meetings_are_approved(self, world):
        meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
        with pytest.raises(ValidationError):
            services.minutes_approve(
                meeting=meeting, user=world.users["chair"], expected_version=meeting.version
            )

    def test_reopening_needs_a_reason_and_the_history_keeps_both_versions(self, world, approved):
        meeting, _item, _decision = approved
        with pytest.raises(ValidationError) as error:
            services.minutes_reopen(meeting=meeting, user=world.users["chair"], reason="  ")
        assert codes(error.value) == {"no_reason"}
        meeting.refresh_from_db()
        assert meeting.is_locked

        services.minutes_reopen(
            meeting=meeting, user=world.users["chair"], reason="Gabim në emrin e institucionit"
        )
        meeting.refresh_from_db()
        assert meeting.minutes_status == MinutesStatus.DRAFT
        meeting.chair_remarks = "Versioni i dytë."
        services.minutes_save(meeting=meeting, expected_version=meeting.version)
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)

        versions = list(
            meeting.history.order_by("history_date").values_list("chair_remarks", "minutes_status")
        )
        assert ("Versioni i parë.", MinutesStatus.APPROVED) in versions
        assert ("Versioni i dytë.", MinutesStatus.APPROVED) in versions
        reasons = list(meeting.history.values_list("history_change_reason", flat=True))
        assert "Gabim në emrin e institucionit" in reasons

    def test_reopening_open_minutes_is_refused(self, world):
        meeting = MeetingFactory(county=world.own)
        with pytest.raises(ValidationError) as error:
            services.minutes_reopen(meeting=meeting, user=world.users["chair"], reason="pse")
        assert codes(error.value) == {"not_locked"}


class TestCarryOver:
    def test_open_decisions_of_earlier_meetings_appear_until_closed(self, world):
        first = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2018, 4, 25)))
        second = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2018, 9, 20)))
        third = MeetingFactory(
            county=world.own, status=MeetingStatus.PLANNED, starts_at=aware(datetime.date(2018, 12, 10))
        )
        open_one = DecisionFactory(meeting=first, responsible=world.own_institution, text="Programi i masave")
        DecisionFactory(
            meeting=first, responsible=world.own_institution, status=DecisionStatus.DONE, text="Kryer"
        )
        later = DecisionFactory(meeting=second, responsible=world.own_institution, text="Kalendari")

        assert selectors.pending_decisions(first) == []
        assert selectors.pending_decisions(second) == [open_one]
        assert selectors.pending_decisions(third) == [open_one, later]

        open_one.status = DecisionStatus.CLOSED
        services.decision_update_status(decision=open_one, expected_version=open_one.version)
        assert selectors.pending_decisions(third) == [later]
        assert [row.text for row in selectors.meeting_summary(third).pending] == ["Kalendari"]

    def test_only_the_same_county_and_body_carry_over(self, world):
        plenary = MeetingFactory(
            county=world.own, body=Body.PLENARY, starts_at=aware(datetime.date(2018, 3, 1))
        )
        foreign = MeetingFactory(county=world.other, starts_at=aware(datetime.date(2018, 3, 1)))
        DecisionFactory(meeting=plenary, responsible=world.own_institution)
        DecisionFactory(meeting=foreign, responsible=world.foreign_institution)
        table = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2018, 4, 25)))
        assert selectors.pending_decisions(table) == []


class TestSearch:
    def test_search_runs_over_minutes_agenda_and_decisions(self, world):
        one = MeetingFactory(county=world.own, chair_remarks="bashkërendimi i punës")
        two = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2019, 2, 1)), body=Body.PLENARY)
        AgendaItemFactory(meeting=two, position=1, discussion="Fëmijët në situatë rruge")
        DecisionFactory(meeting=two, responsible=world.other_institution, text="Kalendari i aktiviteteve")
        MeetingFactory(county=world.other, chair_remarks="bashkërendimi")

        def found(**kwargs):
            return set(selectors.meeting_list(world.own, selectors.MeetingFilters(**kwargs)))

        assert found(q="BASHKËRENDIMI") == {one}
        assert found(q="situatë rruge") == {two}

    def test_search_ignores_case_and_diacritics_on_both_databases(self, world):
        """Keyboards without ë and ç: "femijet" finds "Fëmijët", and so does "FËMIJËT"."""
        meeting = MeetingFactory(county=world.own, title="Fëmijët në situatë rruge, Çështje")
        MeetingFactory(county=world.own, title="Punësimi")

        def found(q):
            return set(selectors.meeting_list(world.own, selectors.MeetingFilters(q=q)))

        for typed in ("femijet", "FËMIJËT", "FEMIJET", "fëmijët", "ceshtje", "ÇËSHTJE", "situate rruge"):
            assert found(typed) == {meeting}, typed
        assert found("femijetx") == set()
        assert found("%") == set()  # a LIKE wildcard typed is a character, not "anything"
        assert found("_") == set()

    def test_search_keeps_the_rest_of_the_filters(self, world):
        one = MeetingFactory(county=world.own, chair_remarks="bashkërendimi i punës")
        two = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2019, 2, 1)), body=Body.PLENARY)
        AgendaItemFactory(meeting=two, position=1, discussion="Fëmijët në situatë rruge")
        DecisionFactory(meeting=two, responsible=world.other_institution, text="Kalendari i aktiviteteve")

        def found(**kwargs):
            return set(selectors.meeting_list(world.own, selectors.MeetingFilters(**kwargs)))

        assert found(q="kalendari") == {two}
        assert found(year=2019) == {two}
        assert found(body=Body.PLENARY) == {two}
        assert found(institution=world.other_institution.pk) == {two}
        assert found() == {one, two}


class TestActionPlanLink:
    def test_a_plan_of_another_county_is_refused(self, world):
        from tests.actionplan.factories import PlanFactory

        meeting = MeetingFactory(county=world.own, action_plan=PlanFactory(county=world.other, year=2018))
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "action_plan_county" in codes(error.value)

    def test_the_summary_names_the_linked_plan_else_the_typed_one(self, world):
        from tests.actionplan.factories import PlanFactory

        plan = PlanFactory(county=world.own, year=2018)
        meeting = MeetingFactory(county=world.own, action_plan=plan)
        assert selectors.meeting_summary(meeting).action_plan_label == "Plani i veprimit i KRAT 2018"
        meeting.action_plan, meeting.action_plan_label = None, "Plani kombëtar 2018–2020"
        assert selectors.meeting_summary(meeting).action_plan_label == "Plani kombëtar 2018–2020"
