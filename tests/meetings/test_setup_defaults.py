"""Setting up a meeting in few clicks (issue 20, point 4): the form's defaults, a past
meeting entered as held in one go, the attendance sheet's names, the ordered agenda."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from krat.membership import members_on
from meetings.choices import MeetingStatus
from meetings.models import Meeting
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(world, client):
    client.force_login(world.users["secretariat"])
    return client


def _plan(world, **changes):
    data = {
        "body": "technical_table",
        "title": "Takim me Tryezën Teknike",
        "starts_at": "25.04.2018 10:00",
        "chair": world.users["chair"].pk,
        "action_plan_label": "Plani i veprimit i KRAT 2018",
    }
    return {**data, **changes}


class TestNewMeetingDefaults:
    def test_the_county_chair_chairs_and_every_member_is_invited(self, world, secretariat):
        form = secretariat.get(reverse("meetings:create", args=[world.own.slug])).context["form"]
        assert form["chair"].value() == world.users["chair"].pk
        members = {i.pk for i in members_on(world.own, timezone.localdate())}
        assert members, "the world has members of the table"
        assert set(form["invited_institutions"].value()) == members

    def test_the_chair_choices_name_the_role(self, world, secretariat):
        form = secretariat.get(reverse("meetings:create", args=[world.own.slug])).context["form"]
        labels = [str(label) for _value, label in form.fields["chair"].choices]
        chair = world.users["chair"]
        assert f"{chair} — {chair.get_role_display()}" in labels

    def test_an_edit_keeps_what_was_chosen(self, world, secretariat):
        meeting = MeetingFactory(county=world.own, chair=None)
        form = secretariat.get(reverse("meetings:edit", args=[meeting.pk])).context["form"]
        assert form["chair"].value() is None
        assert "held" not in form.fields


class TestPastMeetingInOneGo:
    def test_a_past_meeting_is_created_held(self, world, secretariat):
        response = secretariat.post(
            reverse("meetings:create", args=[world.own.slug]), _plan(world, held="on")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        meeting = Meeting.objects.get()
        assert meeting.status == MeetingStatus.HELD
        page = secretariat.get(response["Location"]).content.decode()
        assert reverse("meetings:attendance", args=[meeting.pk]) in page

    def test_a_future_meeting_is_not_created_held(self, world, secretariat):
        later = timezone.localtime() + datetime.timedelta(days=3)
        response = secretariat.post(
            reverse("meetings:create", args=[world.own.slug]),
            _plan(world, held="on", starts_at=f"{later:%d.%m.%Y %H:%M}"),
        )
        assert response.status_code == 400
        assert response.context["form"].has_error("held", "held_in_future")
        assert not Meeting.objects.exists()

    def test_without_the_tick_a_past_meeting_stays_planned(self, world, secretariat):
        secretariat.post(reverse("meetings:create", args=[world.own.slug]), _plan(world))
        assert Meeting.objects.get().status == MeetingStatus.PLANNED

    def test_mark_as_held_is_offered_only_once_the_meeting_started(self, world, secretariat):
        future = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() + datetime.timedelta(days=5),
        )
        past = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() - datetime.timedelta(days=5),
        )
        held_button = 'name="status" value="held"'
        assert (
            held_button not in secretariat.get(reverse("meetings:detail", args=[future.pk])).content.decode()
        )
        assert held_button in secretariat.get(reverse("meetings:detail", args=[past.pk])).content.decode()


class TestAttendanceSheetStartsFilled:
    def test_an_unsaved_sheet_names_each_representative(self, world, secretariat):
        from meetings import selectors

        meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
        meeting.invited_institutions.add(world.own_institution)
        representative = world.users["representative"]
        rows = {row.institution: row for row in selectors.attendance_rows(meeting)}
        expected = ", ".join(filter(None, [str(representative), representative.job_title]))
        assert rows[world.own_institution].attendee == expected
        assert rows[world.own_institution].status == "present"
        form = secretariat.get(reverse("meetings:attendance", args=[meeting.pk])).context["form"]
        assert form[f"attendee_{world.own_institution.pk}"].value() == expected

    def test_a_saved_sheet_opens_as_saved(self, world):
        from meetings import selectors, services

        meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
        meeting.invited_institutions.add(world.own_institution)
        services.attendance_record(
            meeting=meeting,
            rows=[services.AttendanceRow(institution=world.own_institution, status="present", attendee="")],
            expected_version=meeting.version,
        )
        rows = {row.institution: row for row in selectors.attendance_rows(meeting)}
        assert rows[world.own_institution].attendee == ""


class TestDecisionsOneAfterAnother:
    def test_save_and_add_another_opens_a_new_form(self, world, secretariat):
        meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
        url = reverse("meetings:decision_add", args=[meeting.pk])
        assert "add_another" in secretariat.get(url).content.decode()
        data = {"text": "Të mblidhen të dhënat", "responsible": world.own_institution.pk, "status": "open"}
        response = secretariat.post(url, {**data, "add_another": "1"})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == url
        response = secretariat.post(url, data)
        assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
        assert meeting.decisions.count() == 2


class TestAgendaAsAnOrderedList:
    @pytest.fixture
    def agenda(self, world):
        from tests.meetings.factories import AgendaItemFactory

        meeting = MeetingFactory(county=world.own)
        return meeting, [AgendaItemFactory(meeting=meeting, position=n, title=f"Pika {n}") for n in (1, 2, 5)]

    def _titles(self, meeting):
        return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))

    def test_an_item_is_added_at_the_end_from_the_meeting_page(self, world, secretariat, agenda):
        meeting, _items = agenda
        page = secretariat.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'id="new-item-title"' in page
        response = secretariat.post(
            reverse("meetings:agenda_add", args=[meeting.pk]),
            {"title": "Pika e re", "presenter": world.own_institution.pk, "version": 0},
        )
        assert response.status_code == 302
        assert self._titles(meeting) == ["Pika 1", "Pika 2", "Pika 5", "Pika e re"]

    def test_the_arrows_swap_neighbours_and_stop_at_the_ends(self, secretariat, agenda):
        meeting, items = agenda
        move = lambda item, direction: secretariat.post(  # noqa: E731
            reverse("meetings:agenda_move", args=[item.pk]), {"direction": direction}
        )
        assert move(items[2], "up").status_code == 302
        assert self._titles(meeting) == ["Pika 1", "Pika 5", "Pika 2"]
        move(items[0], "down")
        assert self._titles(meeting) == ["Pika 5", "Pika 1", "Pika 2"]
        move(items[2], "up")  # now first: stays
        move(items[1], "down")  # now last: stays
        assert self._titles(meeting) == ["Pika 5", "Pika 1", "Pika 2"]
        assert sorted(meeting.agenda_items.values_list("position", flat=True)) == [1, 2, 3]

    def test_a_move_refuses_an_edit_opened_before_it(self, secretariat, agenda):
        meeting, items = agenda
        secretariat.post(reverse("meetings:agenda_move", args=[items[1].pk]), {"direction": "up"})
        response = secretariat.post(
            reverse("meetings:agenda_edit", args=[items[1].pk]), {"title": "Ndryshuar", "version": 1}
        )
        assert response.status_code == 400
        assert self._titles(meeting) == ["Pika 2", "Pika 1", "Pika 5"]

    def test_approved_minutes_keep_their_order(self, world, secretariat, agenda):
        from meetings.choices import MinutesStatus

        meeting, items = agenda
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.HELD, minutes_status=MinutesStatus.APPROVED
        )
        response = secretariat.post(
            reverse("meetings:agenda_move", args=[items[1].pk]), {"direction": "up"}, follow=True
        )
        assert "Procesverbali është miratuar dhe është i kyçur." in response.content.decode()
        assert self._titles(meeting) == ["Pika 1", "Pika 2", "Pika 5"]
        assert 'id="new-item-title"' not in response.content.decode()

    def test_the_agenda_is_numbered_again_after_a_removal(self, world):
        from meetings import services
        from tests.meetings.factories import AgendaItemFactory

        meeting = MeetingFactory(county=world.own)
        # Order numbers typed by hand before the arrows: a run from 0, and gaps.
        items = [AgendaItemFactory(meeting=meeting, position=n, title=f"P{n}") for n in (0, 1, 2, 7, 9)]
        services.agenda_item_delete(item=items[3])
        assert list(meeting.agenda_items.order_by("position").values_list("position", "title")) == [
            (1, "P0"),
            (2, "P1"),
            (3, "P2"),
            (4, "P9"),
        ]

    def test_a_drag_puts_the_agenda_in_the_order_sent(self, secretariat, agenda):
        meeting, items = agenda
        url = reverse("meetings:agenda_reorder", args=[meeting.pk])
        order = ",".join(str(items[i].pk) for i in (2, 0, 1))
        assert secretariat.post(url, {"order": order}).status_code == 302
        assert self._titles(meeting) == ["Pika 5", "Pika 1", "Pika 2"]
        assert sorted(meeting.agenda_items.values_list("position", flat=True)) == [1, 2, 3]

    @pytest.mark.parametrize("order", ["", "x,1", "{0}", "{0},{1},{2},{2}", "{0},{1},{2},99999"])
    def test_an_order_that_is_not_the_agenda_moves_nothing(self, secretariat, agenda, order):
        meeting, items = agenda
        url = reverse("meetings:agenda_reorder", args=[meeting.pk])
        response = secretariat.post(url, {"order": order.format(*(i.pk for i in items))}, follow=True)
        assert "Rendi i ditës ndryshoi ndërkohë" in response.content.decode()
        assert self._titles(meeting) == ["Pika 1", "Pika 2", "Pika 5"]
        assert sorted(meeting.agenda_items.values_list("position", flat=True)) == [1, 2, 5]
