"""Reminders (cron and board), the chair's list, and each e-mail, with the locmem backend."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from krat.choices import Role
from krat.models import ReminderStep, SubmissionReminder, SubmissionState
from krat.submissions import services
from krat.submissions.reminders import reminders_send
from tests.factories import InstitutionFactory, PeriodFactory, UserFactory
from tests.krat.access_cases import make_submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]

DEADLINE = datetime.date(2018, 5, 10)  # the world's period


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


@pytest.fixture
def reps(world):
    """The representative of each member institution of the own county."""
    return {
        "own": world.users["representative"],
        "other": world.users["other_representative"],
    }


def test_nothing_is_sent_before_the_window(world, reps):
    assert reminders_send(today=day(-4), days_before=3).nothing_new
    assert mail.outbox == []


def test_before_the_deadline_each_late_representative_gets_one_albanian_email(world, reps):
    make_submission(world.period, world.other_institution, SubmissionState.SUBMITTED)
    run = reminders_send(today=day(-3), days_before=3, days_after=1)
    assert (run.emails, run.items, run.chair_lists) == (1, 1, 0)
    message = mail.outbox[0]
    assert message.to == [reps["own"].email]
    assert message.subject == "Kujtesë: 1 raport ka afat dorëzimi"
    # A month inside running text is lower case (locale/GLOSSARY.md).
    assert "Policia Durrës, janar – prill 2018: afati 10.05.2018" in message.body
    assert "nuk ka për të raportuar" in message.body
    assert "Zyra e Punës" not in message.body
    assert SubmissionReminder.objects.get().step == ReminderStep.BEFORE_DEADLINE


def test_a_second_run_the_same_day_or_later_in_the_window_sends_nothing_new(world, reps):
    reminders_send(today=day(-3))
    sent = len(mail.outbox)
    assert reminders_send(today=day(-3)).nothing_new
    assert reminders_send(today=day(-1)).nothing_new
    assert len(mail.outbox) == sent


def test_after_the_deadline_a_second_reminder_and_the_chairs_list(world, reps):
    reminders_send(today=day(-2))
    mail.outbox.clear()
    assert reminders_send(today=day(0), days_after=1).nothing_new  # deadline day: not yet "after"
    run = reminders_send(today=day(1), days_after=1)
    assert run.emails == 2 and run.chair_lists == 1
    chair_mail = next(m for m in mail.outbox if m.to == [world.users["chair"].email])
    assert chair_mail.subject == "Janar – Prill 2018: 2 institucione nuk kanë raportuar"  # a label starts it
    assert "Afati për janar – prill 2018 ishte 10.05.2018." in chair_mail.body
    assert "- Policia Durrës" in chair_mail.body and "- Zyra e Punës Durrës" in chair_mail.body
    assert "10.05.2018" in chair_mail.body
    mail.outbox.clear()
    assert reminders_send(today=day(2)).nothing_new
    assert mail.outbox == []


def test_several_due_items_of_one_person_go_in_one_email(world, reps):
    PeriodFactory(
        county=world.own,
        label="Maj – Gusht 2018",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2018, 8, 31),
        deadline=day(1),
    )
    run = reminders_send(today=day(0), days_before=3)
    own_mails = [m for m in mail.outbox if m.to == [reps["own"].email]]
    assert len(own_mails) == 1
    assert own_mails[0].subject == "Kujtesë: 2 raporte kanë afat dorëzimi"
    assert "janar – prill 2018" in own_mails[0].body and "maj – gusht 2018" in own_mails[0].body
    assert run.items == 4 and run.emails == 2


def test_a_closed_period_gets_no_reminder(world, reps):
    world.period.is_closed = True
    world.period.save()
    assert reminders_send(today=day(-1)).nothing_new


def test_inactive_people_and_non_members_get_nothing(world, reps):
    reps["other"].is_active = False
    reps["other"].save()
    invited = InstitutionFactory(county=world.own, name="OJF e ftuar", is_table_member=False)
    UserFactory(role=Role.REPRESENTATIVE, county=world.own, institution=invited)
    reminders_send(today=day(-1))
    assert [m.to for m in mail.outbox] == [[reps["own"].email]]


class TestBoardButton:
    def test_sends_to_the_late_ones_once_a_day(self, world, reps, client):
        make_submission(world.period, world.other_institution, SubmissionState.APPROVED)
        client.force_login(world.users["secretariat"])
        url = reverse("krat:submission_remind", args=[world.period.pk])
        response = client.post(url, follow=True)
        assert "U dërgua një kujtesë për 1 person." in response.content.decode()
        assert [m.to for m in mail.outbox] == [[reps["own"].email]]
        response = client.post(url, follow=True)
        assert "Nuk u dërgua asgjë e re" in response.content.decode()
        assert len(mail.outbox) == 1
        assert SubmissionReminder.objects.filter(step=ReminderStep.MANUAL).count() == 1

    def test_the_next_day_the_button_reminds_again(self, world, reps):
        run = reminders_send(period=world.period, today=day(3))
        assert run.emails == 2
        assert reminders_send(period=world.period, today=day(3)).nothing_new
        assert reminders_send(period=world.period, today=day(4)).emails == 2

    def test_before_the_deadline_too_those_who_have_not_submitted(self, world, reps):
        """The secretariat may nudge before the deadline (issue 20 point 7); the e-mail says
        the deadline is still ahead."""
        make_submission(world.period, world.other_institution, SubmissionState.SUBMITTED)
        run = reminders_send(period=world.period, today=day(-5))
        assert run.emails == 1 and [m.to for m in mail.outbox] == [[reps["own"].email]]
        assert "10.05.2018" in mail.outbox[0].body

    def test_one_institution_only(self, world, reps, client):
        client.force_login(world.users["secretariat"])
        url = reverse("krat:submission_remind", args=[world.period.pk])
        response = client.post(url, {"institution": world.other_institution.pk}, follow=True)
        assert "U dërgua një kujtesë për 1 person." in response.content.decode()
        assert [m.to for m in mail.outbox] == [[reps["other"].email]]
        board = client.get(reverse("krat:submission_board", args=[world.period.pk])).context["board"]
        reminded = {row.institution.pk: row.last_reminded for row in board.rows}
        assert reminded[world.other_institution.pk] is not None
        assert reminded[world.own_institution.pk] is None

    @pytest.mark.parametrize("posted", ["other_county", "not a number", "999999", "²", "9" * 24, " "])
    def test_another_county_s_institution_or_a_bad_id_is_refused(self, world, reps, client, posted):
        client.force_login(world.users["secretariat"])
        value = {"other_county": lambda: world.foreign_institution.pk}.get(posted, lambda: posted)()
        response = client.post(
            reverse("krat:submission_remind", args=[world.period.pk]), {"institution": value}, follow=True
        )
        assert response.status_code == 200
        assert "nuk është një nga institucionet e këtij qarku" in response.content.decode()
        assert mail.outbox == [] and not SubmissionReminder.objects.exists()

    def test_an_institution_whose_report_is_in_is_refused(self, world, reps):
        from django.core.exceptions import ValidationError

        make_submission(world.period, world.other_institution, SubmissionState.SUBMITTED)
        with pytest.raises(ValidationError, match="nothing to be reminded of"):
            reminders_send(period=world.period, institution=world.other_institution, today=day(1))
        assert mail.outbox == []

    def test_the_board_shows_the_last_reminder_of_each_institution(self, world, reps, client):
        reminders_send(today=day(-1))  # the cron's before-the-deadline step
        reminders_send(period=world.period, institution=world.own_institution, today=day(2))
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:submission_board", args=[world.period.pk]))
        reminded = {row.institution.pk: row.last_reminded for row in page.context["board"].rows}
        assert reminded == {world.own_institution.pk: day(2), world.other_institution.pk: day(-1)}
        assert "12.05.2018" in page.content.decode() and "09.05.2018" in page.content.decode()

    def test_a_closed_period_is_refused(self, world):
        from django.core.exceptions import ValidationError

        world.period.is_closed = True
        world.period.save()
        with pytest.raises(ValidationError):
            reminders_send(period=world.period, today=day(3))


class TestCommand:
    def test_the_command_reports_what_it_sent_and_then_nothing(self, world, reps):
        out = StringIO()
        call_command("send_reminders", "--days-before", "5", "--date", str(day(-5)), stdout=out)
        assert "Sent 2 reminder e-mail(s)" in out.getvalue()
        out = StringIO()
        call_command("send_reminders", "--days-before", "5", "--date", str(day(-5)), stdout=out)
        assert "Nothing new to send" in out.getvalue()
        assert len(mail.outbox) == 2

    def test_negative_days_are_refused(self, world):
        with pytest.raises(CommandError):
            call_command("send_reminders", "--days-after", "-1", stdout=StringIO())


def test_the_returned_email_is_albanian_and_carries_the_comment(world, django_capture_on_commit_callbacks):
    submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(
            submission=submission,
            user=world.users["secretariat"],
            comment="Mungon <b>seksioni</b> i rezultateve.",
            expected_version=submission.version,
        )
    message = mail.outbox[0]
    assert message.subject == "Raporti juaj për janar – prill 2018 u kthye"
    assert "Mungon <b>seksioni</b> i rezultateve." in message.body
    assert "Mungon &lt;b&gt;seksioni&lt;/b&gt; i rezultateve." in message.alternatives[0][0]
    assert reverse("krat:submission_edit", args=[submission.pk]) in message.body
    assert "Sekretaria e ktheu raportin e institucionit Policia Durrës" in message.body
