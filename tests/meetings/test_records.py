"""Records that stay true (issue 16): no silent duplicate meeting, decisions named by their
meeting, the summary saying only what was recorded, and approved minutes frozen."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from meetings import services
from meetings.choices import AttendanceStatus, Body, MeetingStatus
from meetings.models import Meeting
from tests.meetings.factories import DecisionFactory, MeetingFactory, aware

pytestmark = pytest.mark.django_db


def flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def secretariat(world, client):
    client.force_login(world.users["secretariat"])
    return client


# --- 8. No silent duplicates ----------------------------------------------------------------


def plan(world, **overrides) -> dict:
    return {
        "body": Body.TECHNICAL_TABLE,
        "title": "Takimi i dytë i prillit",
        "starts_at": "25.04.2018 10:00",
        "place": "Prefektura",
        **overrides,
    }


class TestDuplicates:
    @pytest.fixture
    def existing(self, world):
        return MeetingFactory(
            county=world.own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25))
        )

    def test_the_same_body_date_and_time_asks_for_confirmation(self, world, secretariat, existing):
        url = reverse("meetings:create", args=[world.own.slug])
        response = secretariat.post(url, plan(world))
        assert response.status_code == 400
        page = flat(response.content.decode())
        assert "Takimi i prillit" in page and "25.04.2018 10:00" in page
        assert "Krijoje gjithsesi" in page  # the tick that confirms, now shown
        assert Meeting.objects.count() == 1

    def test_ticking_create_anyway_creates_the_second_meeting(self, world, secretariat, existing):
        url = reverse("meetings:create", args=[world.own.slug])
        response = secretariat.post(url, plan(world, confirm_duplicate="on"))
        assert response.status_code == 302
        assert Meeting.objects.filter(county=world.own, starts_at=existing.starts_at).count() == 2

    def test_moving_a_meeting_onto_another_asks_too(self, world, secretariat, existing):
        other = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2018, 5, 2)))
        response = secretariat.post(
            reverse("meetings:edit", args=[other.pk]), plan(world, version=other.version)
        )
        assert response.status_code == 400
        other.refresh_from_db()
        assert other.date == datetime.date(2018, 5, 2)

    @pytest.mark.parametrize(
        "overrides",
        [
            {"starts_at": "25.04.2018 11:00"},  # another time
            {"starts_at": "26.04.2018 10:00"},  # another day
            {"body": Body.PLENARY},  # another body
        ],
    )
    def test_another_slot_or_body_is_no_duplicate(self, world, secretariat, existing, overrides):
        response = secretariat.post(
            reverse("meetings:create", args=[world.own.slug]), plan(world, **overrides)
        )
        assert response.status_code == 302

    def test_a_cancelled_meeting_or_another_countys_is_no_duplicate(self, world, secretariat, existing):
        existing.status = MeetingStatus.CANCELLED
        existing.save()
        MeetingFactory(county=world.other, starts_at=existing.starts_at)
        response = secretariat.post(reverse("meetings:create", args=[world.own.slug]), plan(world))
        assert response.status_code == 302


def test_pending_decisions_name_their_meeting_by_title_and_date(world, client):
    april = MeetingFactory(
        county=world.own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25))
    )
    other = MeetingFactory(
        county=world.own, title="Takim i jashtëzakonshëm", starts_at=aware(datetime.date(2018, 4, 25), 15)
    )
    DecisionFactory(meeting=april, responsible=world.own_institution, text="Programi i masave")
    DecisionFactory(meeting=other, responsible=world.own_institution, text="Kalendari")
    later = MeetingFactory(
        county=world.own, title="Takimi i shtatorit", starts_at=aware(datetime.date(2018, 9, 20))
    )
    client.force_login(world.users["observer"])
    for name in ("meetings:summary", "meetings:detail"):
        page = flat(client.get(reverse(name, args=[later.pk])).content.decode())
        assert re.search(r"Takimi i prillit,? \(?25\.04\.2018\)? Programi i masave", page), name
        assert re.search(r"Takim i jashtëzakonshëm,? \(?25\.04\.2018\)? Kalendari", page), name


# --- 4. The summary says only what was recorded -------------------------------------------------


class TestSummarySaysWhatWasRecorded:
    @pytest.fixture
    def held(self, world):
        """Three members: the police came, the labour office was recorded absent, the third
        (the prefecture) was left "not recorded"."""
        from tests.factories import InstitutionFactory

        prefecture = InstitutionFactory(county=world.own, name="Prefektura e Qarkut Durrës")
        meeting = MeetingFactory(county=world.own, period=world.period, title="Takimi i prillit")
        services.attendance_record(
            meeting=meeting,
            rows=[
                services.AttendanceRow(world.own_institution, AttendanceStatus.PRESENT, "Arben Krasniqi"),
                services.AttendanceRow(world.other_institution, AttendanceStatus.ABSENT),
            ],
            expected_version=meeting.version,
        )
        return meeting, prefecture

    def pages(self, client, meeting) -> list[str]:
        from tests.meetings.test_seed_summary import pdftotext

        summary = flat(client.get(reverse("meetings:summary", args=[meeting.pk])).content.decode())
        pdf = pdftotext(client.get(reverse("meetings:summary_pdf", args=[meeting.pk])).content)
        return [summary, pdf]

    def test_absence_prints_only_where_it_was_recorded(self, world, client, held):
        meeting, _prefecture = held
        client.force_login(world.users["observer"])
        for text in self.pages(client, meeting):
            assert "Morën pjesë 1 nga 3 institucionet anëtare." in text
            assert "Nuk morën pjesë: Zyra e Punës Durrës." in text
            # The member nobody recorded is not said to have stayed away, only not recorded.
            assert "Pjesëmarrja nuk u regjistrua për: Prefektura e Qarkut Durrës." in text
            assert (
                "Nuk morën pjesë: Prefektura" not in text and "Prefektura e Qarkut Durrës, Zyra" not in text
            )

    def test_the_minutes_print_the_period_but_no_line_on_missing_reports(self, world, client, held):
        meeting, _prefecture = held
        client.force_login(world.users["observer"])
        for text in self.pages(client, meeting):
            assert "Periudha raportuese: Janar – Prill 2018" in text
            assert "dorëzuar raportin" not in text

    def test_the_period_is_found_from_the_date_when_the_meeting_names_none(self, world, client, held):
        meeting, _prefecture = held
        Meeting.objects.filter(pk=meeting.pk).update(period=None)
        client.force_login(world.users["observer"])
        for text in self.pages(client, meeting):
            assert "Periudha raportuese: Janar – Prill 2018" in text

    def test_approved_minutes_keep_their_attendance_when_the_membership_changes_later(
        self, world, client, held
    ):
        """Found by a tester: the page of an approved meeting recounted its attendance against
        today's memberships, so a member added afterwards (its start dated back into the
        still open period) turned "1 of 3" into "1 of 4" on a page the chair had signed."""
        from krat.services import membership_start
        from tests.factories import InstitutionFactory

        meeting, _prefecture = held
        meeting.refresh_from_db()
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
        late = InstitutionFactory(county=world.own, name="OJF Tjetër", is_table_member=False)
        membership_start(institution=late, start_date=world.period.start_date)
        client.force_login(world.users["observer"])
        detail = flat(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
        assert "Morën pjesë 1 nga 3 institucionet anëtare." in detail
        assert "OJF Tjetër" not in detail
        for text in self.pages(client, meeting):
            assert "Morën pjesë 1 nga 3 institucionet anëtare." in text
        # Reopened, the minutes are a draft again and count today's members.
        services.minutes_reopen(meeting=meeting, user=world.users["chair"], reason="Anëtar i ri")
        detail = flat(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
        assert "Morën pjesë 1 nga 4 institucionet anëtare." in detail


class TestAttendanceForm:
    @pytest.fixture
    def invited(self, world):
        from tests.factories import InstitutionFactory

        uninvited = InstitutionFactory(county=world.own, name="Bashkia Shijak")  # a member, not invited
        meeting = MeetingFactory(county=world.own, title="Takimi i prillit")
        meeting.invited_institutions.set([world.own_institution, world.other_institution])
        return meeting, uninvited

    def selected(self, html: str, institution) -> str:
        select = re.search(rf'<select[^>]* name="status_{institution.pk}".*?</select>', html, re.S).group(0)
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
        return chosen.group(1) if chosen else ""

    def test_the_invited_start_as_present_the_others_as_not_recorded(self, world, secretariat, invited):
        meeting, uninvited = invited
        page = secretariat.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
        assert self.selected(page, world.own_institution) == AttendanceStatus.PRESENT
        assert self.selected(page, world.other_institution) == AttendanceStatus.PRESENT
        assert self.selected(page, uninvited) == ""
        # The page says what a row left "not recorded" means.
        assert "nuk shënohet as i pranishëm as i munguar" in flat(page)

    def test_a_saved_sheet_opens_as_saved_not_as_the_invitations(self, world, secretariat, invited):
        meeting, _uninvited = invited
        services.attendance_record(
            meeting=meeting,
            rows=[services.AttendanceRow(world.other_institution, AttendanceStatus.EXCUSED)],
            expected_version=meeting.version,
        )
        page = secretariat.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
        assert self.selected(page, world.other_institution) == AttendanceStatus.EXCUSED
        assert self.selected(page, world.own_institution) == ""  # left unrecorded on purpose

    def test_all_present_in_one_click_then_save(self, world, secretariat, invited):
        meeting, uninvited = invited
        url = reverse("meetings:attendance", args=[meeting.pk])
        data = {
            "version": meeting.version,
            "status_" + str(world.own_institution.pk): "",
            "status_" + str(world.other_institution.pk): "excused",
            "status_" + str(uninvited.pk): "",
            "attendee_" + str(world.own_institution.pk): "Arben Krasniqi",
            "all_present": "1",
        }
        response = secretariat.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert {
            self.selected(page, i) for i in (world.own_institution, world.other_institution, uninvited)
        } == {AttendanceStatus.PRESENT}
        assert "Arben Krasniqi" in page  # what was typed stays
        assert not meeting.attendances.exists()  # nothing saved until Save
        data.pop("all_present")
        data.update(
            {f"status_{i.pk}": "present" for i in (world.own_institution, world.other_institution, uninvited)}
        )
        assert secretariat.post(url, data).status_code == 302
        assert meeting.attendances.filter(status=AttendanceStatus.PRESENT).count() == 3


# --- 3. Approved minutes are frozen -------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    from tests.meetings.test_seed_summary import pdftotext

    assert data.startswith(b"%PDF")
    return pdftotext(data)


@pytest.fixture
def forty_pending(world):
    """An approved meeting carrying 40 open decisions of an earlier one."""
    earlier = MeetingFactory(
        county=world.own, title="Takimi i janarit", starts_at=aware(datetime.date(2018, 1, 20))
    )
    decisions = [
        DecisionFactory(meeting=earlier, responsible=world.own_institution, text=f"Detyra e hershme nr. {n}")
        for n in range(1, 41)
    ]
    meeting = MeetingFactory(
        county=world.own,
        chair=world.users["chair"],
        title="Takimi i prillit",
        starts_at=aware(datetime.date(2018, 4, 25)),
    )
    services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
    return meeting, decisions


def close(decisions) -> None:
    from meetings.choices import DecisionStatus

    for decision in decisions:
        decision.status = DecisionStatus.DONE
        services.decision_update_status(decision=decision, expected_version=decision.version)


def pending_rows(text: str) -> int:
    return len(re.findall(r"Detyra e hershme nr\. \d+", text))


class TestApprovedMinutesAreFrozen:
    def test_the_pdf_is_byte_identical_after_earlier_decisions_are_closed(self, world, client, forty_pending):
        meeting, decisions = forty_pending
        client.force_login(world.users["observer"])
        url = reverse("meetings:summary_pdf", args=[meeting.pk])
        before = client.get(url).content
        assert pending_rows(pdf_text(before)) == 40
        close(decisions[:3])
        after = client.get(url).content
        assert after == before  # 40 rows, not 37
        # The print page and the English PDF show the same frozen 40 rows.
        page = flat(client.get(reverse("meetings:summary", args=[meeting.pk])).content.decode())
        assert pending_rows(page) == 40
        assert pending_rows(pdf_text(client.get(url + "?lang=en").content)) == 40
        # The meeting's own page is where the follow-up lives: it shows today's 37.
        detail = flat(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
        assert pending_rows(detail) == 37

    def test_a_later_meeting_still_carries_the_decisions_open_today(self, world, client, forty_pending):
        _meeting, decisions = forty_pending
        close(decisions[:3])
        later = MeetingFactory(
            county=world.own, title="Takimi i shtatorit", starts_at=aware(datetime.date(2018, 9, 20))
        )
        client.force_login(world.users["secretariat"])
        text = pdf_text(client.get(reverse("meetings:summary_pdf", args=[later.pk])).content)
        assert pending_rows(text) == 37


class TestMinutesVersions:
    @pytest.fixture
    def approved(self, world):
        meeting = MeetingFactory(
            county=world.own,
            chair=world.users["chair"],
            title="Takimi i prillit",
            chair_remarks="Versioni i parë.",
        )
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
        return meeting

    def test_approval_stores_the_pdf_with_its_checksum_and_data(self, world, approved):
        import hashlib

        version = approved.minutes_versions.get()
        assert (version.number, version.is_current, version.language) == (1, True, "sq")
        assert version.approved_by == world.users["chair"] and version.approved_at == approved.approved_at
        pdf = bytes(version.pdf)
        assert version.sha256 == hashlib.sha256(pdf).hexdigest() and version.size == len(pdf)
        assert "Versioni i parë." in pdf_text(pdf)
        assert version.summary["chair_remarks"] == "Versioni i parë."

    def test_reopening_keeps_the_old_version_and_approving_again_makes_a_new_one(
        self, world, client, approved
    ):
        meeting = approved
        first = meeting.minutes_versions.get()
        first_pdf = bytes(first.pdf)
        services.minutes_reopen(
            meeting=meeting, user=world.users["chair"], reason="Gabim në emrin e institucionit"
        )
        meeting.refresh_from_db()
        meeting.chair_remarks = "Versioni i dytë."
        services.minutes_save(meeting=meeting, expected_version=meeting.version)
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)

        first.refresh_from_db()
        assert not first.is_current
        assert (first.reopened_by, first.reopen_reason) == (
            world.users["chair"],
            "Gabim në emrin e institucionit",
        )
        assert first.history.filter(history_type="~").get().reopen_reason == "Gabim në emrin e institucionit"
        second = meeting.minutes_versions.get(number=2)
        assert second.is_current
        # The current summary is the second; the first is kept, byte for byte, for every reader.
        client.force_login(world.users["representative"])
        assert "Versioni i dytë." in pdf_text(
            client.get(reverse("meetings:summary_pdf", args=[meeting.pk])).content
        )
        old = client.get(reverse("meetings:minutes_version_pdf", args=[first.pk]))
        assert old.status_code == 200 and old.content == first_pdf
        assert "permbledhja-2018-04-25-v1-sq.pdf" in old["Content-Disposition"]
        assert "Versioni i parë." in pdf_text(
            client.get(reverse("meetings:minutes_version_pdf", args=[first.pk]) + "?lang=en").content
        )
        page = flat(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
        assert "Versioni 2 (PDF)" in page and "Versioni 1 (PDF)" in page
        assert "Gabim në emrin e institucionit" in page

    def test_another_countys_reader_gets_not_found(self, world, client, approved):
        version = approved.minutes_versions.get()
        client.force_login(world.users["other_secretariat"])
        assert client.get(reverse("meetings:minutes_version_pdf", args=[version.pk])).status_code == 404
        client.logout()
        response = client.get(reverse("meetings:minutes_version_pdf", args=[version.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_a_stored_pdf_that_no_longer_matches_its_checksum_is_not_sent(self, world, client, approved):
        from meetings.models import MinutesVersion

        MinutesVersion.objects.filter(meeting=approved).update(pdf=b"%PDF-1.7 altered")
        client.force_login(world.users["chair"])
        response = client.get(reverse("meetings:summary_pdf", args=[approved.pk]))
        assert response.status_code == 500
        assert b"altered" not in response.content

    def test_the_database_keeps_one_current_version_and_reopens_only_with_a_reason(self, world, approved):
        from django.db import IntegrityError, transaction

        from meetings.models import MinutesVersion

        version = approved.minutes_versions.get()
        twin = MinutesVersion(
            meeting=approved,
            number=2,
            approved_by=world.users["chair"],
            approved_at=approved.approved_at,
            summary={},
        )
        twin.store(b"%PDF")
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()
        with pytest.raises(IntegrityError), transaction.atomic():
            MinutesVersion.objects.filter(pk=version.pk).update(reopened_at=approved.approved_at)

    def test_approving_twice_stores_nothing_more(self, world, approved):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            stored = Meeting.objects.get(pk=approved.pk)
            services.minutes_approve(
                meeting=stored, user=world.users["chair"], expected_version=stored.version
            )
        assert approved.minutes_versions.count() == 1

    def test_minutes_approved_before_versions_are_stored_once_by_the_command(self, world):
        import io

        from django.core.management import call_command
        from django.utils import timezone

        from meetings.choices import MinutesStatus

        legacy = MeetingFactory(
            county=world.own,
            minutes_status=MinutesStatus.APPROVED,
            approved_by=world.users["chair"],
            approved_at=timezone.now(),
        )
        for _run in range(2):
            call_command("store_approved_minutes", stdout=io.StringIO())
        assert legacy.minutes_versions.count() == 1


def test_an_edit_that_keeps_a_confirmed_slot_is_not_asked_again(world, secretariat):
    first = MeetingFactory(
        county=world.own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25))
    )
    second = MeetingFactory(
        county=world.own, title="Takimi i dytë", starts_at=first.starts_at
    )  # confirmed once
    response = secretariat.post(
        reverse("meetings:edit", args=[second.pk]),
        plan(world, title="Takimi i dytë, i ndryshuar", version=second.version),
    )
    assert response.status_code == 302
