"""Memberships of the Technical Table have dates (issue 16, point 2): their rules, the
services and pages that keep them, and every period, meeting and report counting the
members of its own dates."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from krat import services
from krat.membership import member_ids_by_period, members_during, members_on, period_members
from krat.models import Institution, SubmissionState, TableMembership
from krat.report.selectors import national_report
from krat.submissions.reminders import reminders_send
from krat.submissions.selectors import submission_board
from tests.factories import MEMBER_SINCE, InstitutionFactory, PeriodFactory, UserFactory
from tests.krat.access_cases import make_submission

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]


def codes(error: ValidationError) -> list[str]:
    return (
        [e.code for e in error.error_list]
        if not hasattr(error, "error_dict")
        else [e.code for errors in error.error_dict.values() for e in errors]
    )


def membership(institution, start, end=None) -> TableMembership:
    return TableMembership(institution=institution, start_date=start, end_date=end)


def names(institutions) -> list[str]:
    return sorted(i.name for i in institutions)


@pytest.fixture
def albanian():
    with translation.override("sq"):
        yield


@pytest.mark.usefixtures("albanian")
class TestRules:
    def test_an_end_before_the_start_is_refused_in_albanian(self, world):
        institution = InstitutionFactory(county=world.own, is_table_member=False)
        with pytest.raises(ValidationError) as error:
            membership(institution, D(2019, 1, 1), D(2018, 12, 31)).full_clean()
        assert codes(error.value) == ["end_before_start"]
        assert error.value.messages == ["Anëtarësia nuk mund të mbarojë para se të fillojë."]

    def test_a_one_day_membership_is_fine(self, world):
        institution = InstitutionFactory(county=world.own, is_table_member=False)
        membership(institution, D(2019, 1, 1), D(2019, 1, 1)).full_clean()

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (D(2019, 12, 31), None),  # starts on the last day of the other
            (D(2017, 1, 1), D(2018, 1, 1)),  # ends on its first day
            (D(2018, 3, 1), D(2018, 4, 1)),  # inside
            (D(2017, 1, 1), None),  # around, open
        ],
    )
    def test_two_memberships_of_one_institution_never_share_a_day(self, world, start, end):
        institution = InstitutionFactory(
            county=world.own, is_table_member__since=D(2018, 1, 1), is_table_member__until=D(2019, 12, 31)
        )
        with pytest.raises(ValidationError) as error:
            membership(institution, start, end).full_clean()
        assert codes(error.value) == ["membership_overlap"]
        assert error.value.messages == [
            "Ky institucion është tashmë anëtar nga 01.01.2018 deri më 31.12.2019."
        ]

    def test_an_open_membership_is_named_as_such(self, world):
        with pytest.raises(ValidationError) as error:
            membership(world.own_institution, D(2020, 1, 1)).full_clean()
        assert error.value.messages == ["Ky institucion është tashmë anëtar nga 01.01.2010, pa datë mbarimi."]

    def test_adjacent_memberships_and_other_institutions_do_not_clash(self, world):
        institution = InstitutionFactory(
            county=world.own, is_table_member__since=D(2018, 1, 1), is_table_member__until=D(2019, 12, 31)
        )
        membership(institution, D(2020, 1, 1)).full_clean()
        membership(InstitutionFactory(county=world.own, is_table_member=False), D(2018, 1, 1)).full_clean()
        institution.memberships.get().full_clean()  # saved again, it does not clash with itself

    def test_an_inactive_institution_has_no_open_membership(self, world):
        institution = InstitutionFactory(county=world.own, is_table_member=False, is_active=False)
        with pytest.raises(ValidationError) as error:
            membership(institution, D(2018, 1, 1)).full_clean()
        assert codes(error.value) == ["inactive_member"]
        membership(institution, D(2018, 1, 1), D(2019, 6, 30)).full_clean()  # its past is recorded


@pytest.mark.django_db(transaction=True)
class TestDatabaseConstraints:
    """The database refuses what slips past validation (a script, a race, the shell)."""

    def _refused(self, record):
        with pytest.raises(IntegrityError), transaction.atomic():
            record.save()

    def test_an_overlap_is_refused_by_the_database(self):
        institution = InstitutionFactory(
            is_table_member__since=D(2018, 1, 1), is_table_member__until=D(2018, 12, 31)
        )
        self._refused(membership(institution, D(2018, 12, 31), D(2019, 6, 30)))
        self._refused(membership(institution, D(2017, 1, 1)))  # an open one around it
        assert TableMembership.objects.count() == 1

    def test_two_open_memberships_are_refused_by_the_database(self):
        institution = InstitutionFactory(is_table_member__since=D(2018, 1, 1))
        self._refused(membership(institution, D(2020, 1, 1)))

    def test_an_update_into_an_overlap_is_refused_too(self):
        institution = InstitutionFactory(
            is_table_member__since=D(2018, 1, 1), is_table_member__until=D(2018, 12, 31)
        )
        later = membership(institution, D(2019, 1, 1))
        later.save()
        later.start_date = D(2018, 6, 1)
        self._refused(later)

    def test_an_end_before_the_start_is_refused_by_the_database(self):
        institution = InstitutionFactory(is_table_member=False)
        self._refused(membership(institution, D(2019, 1, 1), D(2018, 1, 1)))

    def test_other_institutions_and_adjacent_memberships_are_accepted(self):
        institution = InstitutionFactory(
            is_table_member__since=D(2018, 1, 1), is_table_member__until=D(2018, 12, 31)
        )
        membership(institution, D(2019, 1, 1)).save()
        membership(InstitutionFactory(county=institution.county, is_table_member=False), D(2018, 1, 1)).save()
        assert TableMembership.objects.count() == 3


@pytest.mark.usefixtures("albanian")
class TestServices:
    def test_a_membership_starts_and_ends(self, world):
        institution = InstitutionFactory(county=world.own, is_table_member=False)
        started = services.membership_start(
            institution=institution, start_date=D(2019, 1, 15), reference="Urdhri nr. 3, 15.01.2019"
        )
        assert (started.start_date, started.end_date, started.reference) == (
            D(2019, 1, 15),
            None,
            "Urdhri nr. 3, 15.01.2019",
        )
        ended = services.membership_end(
            institution=institution, end_date=D(2020, 12, 31), end_reference="Urdhri nr. 1"
        )
        assert (ended.pk, ended.end_date, ended.end_reference) == (
            started.pk,
            D(2020, 12, 31),
            "Urdhri nr. 1",
        )
        assert ended.history.count() == 2

    def test_an_overlapping_start_changes_nothing(self, world):
        with pytest.raises(ValidationError) as error:
            services.membership_start(institution=world.own_institution, start_date=D(2020, 1, 1))
        assert codes(error.value) == ["membership_overlap"]
        assert world.own_institution.memberships.count() == 1

    def test_ending_what_is_not_open_is_refused(self, world):
        institution = InstitutionFactory(county=world.own, name="OJF", is_table_member=False)
        with pytest.raises(ValidationError) as error:
            services.membership_end(institution=institution, end_date=D(2020, 1, 1))
        assert codes(error.value) == ["not_member"]
        with pytest.raises(ValidationError) as error:
            services.membership_end(institution=world.own_institution, end_date=D(2009, 12, 31))
        assert codes(error.value) == ["end_before_start"]
        assert error.value.messages == [
            "Anëtarësia fillon më 01.01.2010: nuk mund të mbarojë para kësaj date."
        ]
        assert world.own_institution.memberships.get().end_date is None

    def test_an_institution_made_inactive_leaves_the_table_today(self, world):
        institution = world.own_institution
        institution.is_active = False
        services.institution_save(institution=institution, expected_version=institution.version)
        assert institution.memberships.get().end_date == timezone.localdate()

    def test_a_new_institution_joins_from_the_day_given(self, world):
        institution = Institution(county=world.own, name="Bashkia Shijak", kind="municipality")
        services.institution_save(
            institution=institution,
            expected_version=None,
            member_since=D(2021, 1, 1),
            reference="Urdhri nr. 7",
        )
        assert list(institution.memberships.values_list("start_date", "end_date", "reference")) == [
            (D(2021, 1, 1), None, "Urdhri nr. 7")
        ]


class TestWhoIsAMember:
    """A period counts who was a member on a day of it; a meeting and today, on the day."""

    @pytest.fixture
    def table(self, world):
        return {
            "left_2019": InstitutionFactory(
                county=world.own, name="Doli 2019", is_table_member__until=D(2019, 6, 30)
            ),
            "joined_march": InstitutionFactory(
                county=world.own, name="Hyri në mars", is_table_member__since=D(2018, 3, 15)
            ),
            "left_february": InstitutionFactory(
                county=world.own,
                name="Doli në shkurt",
                is_table_member__since=D(2017, 1, 1),
                is_table_member__until=D(2018, 2, 10),
            ),
            "joined_after": InstitutionFactory(
                county=world.own, name="Hyri pas periudhës", is_table_member__since=D(2018, 5, 1)
            ),
            "invited": InstitutionFactory(county=world.own, name="E ftuar", is_table_member=False),
        }

    def test_a_period_expects_whoever_was_a_member_on_one_of_its_days(self, world, table):
        assert names(period_members(world.period)) == [
            "Doli 2019",
            "Doli në shkurt",
            "Hyri në mars",
            "Policia Durrës",
            "Zyra e Punës Durrës",
        ]

    def test_an_institution_that_left_in_2019_counts_in_2018_and_not_in_2020(self, world, table):
        assert "Doli 2019" in names(members_during(world.own, D(2018, 1, 1), D(2018, 12, 31)))
        assert "Doli 2019" not in names(members_during(world.own, D(2020, 1, 1), D(2020, 4, 30)))
        assert "Doli 2019" in names(members_on(world.own, D(2019, 6, 30)))
        assert "Doli 2019" not in names(members_on(world.own, D(2019, 7, 1)))

    def test_two_memberships_in_one_period_count_once(self, world):
        twice = InstitutionFactory(
            county=world.own,
            name="Dy herë",
            is_table_member__since=D(2018, 1, 1),
            is_table_member__until=D(2018, 1, 31),
        )
        services.membership_start(institution=twice, start_date=D(2018, 4, 1))
        assert names(period_members(world.period)).count("Dy herë") == 1

    def test_the_bulk_read_agrees_with_the_query(self, world, table):
        later = PeriodFactory(
            county=world.own, start_date=D(2020, 1, 1), end_date=D(2020, 4, 30), deadline=D(2020, 5, 10)
        )
        foreign = world.foreign_period
        found = member_ids_by_period([world.period, later, foreign])
        for period in (world.period, later, foreign):
            assert found[period.pk] == set(period_members(period).values_list("pk", flat=True))
        assert table["joined_after"].pk in found[later.pk]
        assert world.foreign_institution.pk in found[foreign.pk]


class TestTheIssue:
    """A tester added four institutions today, and the closed 2018 board turned from
    "13 of 13" into "0 of 17", the newcomers listed as late."""

    @pytest.fixture
    def table_of_2018(self, world):
        members = [world.own_institution, world.other_institution]
        members += [InstitutionFactory(county=world.own, name=f"Anëtari {n:02}") for n in range(11)]
        for institution in members:
            make_submission(world.period, institution, SubmissionState.SUBMITTED)
        world.period.is_closed = True
        world.period.save()
        return members

    @pytest.fixture
    def current(self, world):
        today = timezone.localdate()
        return PeriodFactory(
            county=world.own,
            label="Periudha e sotme",
            start_date=today - datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=60),
            deadline=today + datetime.timedelta(days=70),
        )

    def add_four_today(self, client, world):
        client.force_login(world.users["secretariat"])
        url = reverse("krat:institution_create", args=[world.own.slug])
        for n in range(4):
            data = {"name": f"I ri {n}", "kind": "ngo", "is_active": "on", "version": 0}
            data["member_since"] = timezone.localdate().strftime("%d.%m.%Y")
            assert client.post(url, data).status_code == 302

    def test_the_closed_2018_board_still_reads_13_of_13(self, world, client, table_of_2018, current):
        board = submission_board(period=world.period)
        assert (board.complete, board.total) == (13, 13)
        self.add_four_today(client, world)
        board = submission_board(period=world.period)
        assert (board.complete, board.total, board.overdue) == (13, 13, [])
        page = client.get(reverse("krat:submission_board", args=[world.period.pk])).content.decode()
        assert "(13 nga 13 institucione" in page
        assert "I ri" not in page
        assert submission_board(period=current).total == 17

    def test_the_national_report_counts_the_members_of_each_period(
        self, world, client, table_of_2018, current
    ):
        self.add_four_today(client, world)
        rows = {row.county: row for row in national_report(world.period.start_date).rows}
        assert (rows["Durrës"].submitted, rows["Durrës"].members) == (13, 13)
        assert (rows["Vlorë"].submitted, rows["Vlorë"].members) == (0, 1)
        rows = national_report(current.start_date).rows
        assert [(row.submitted, row.members) for row in rows if row.period_pk] == [(0, 17)]

    def test_the_dashboard_and_the_county_list_count_today(self, world, client, table_of_2018, current):
        self.add_four_today(client, world)
        services.membership_end(institution=world.other_institution, end_date=D(2019, 6, 30))
        page = client.get(reverse("krat:dashboard", args=[world.own.slug]))
        assert len(page.context["board"].members) == 16
        from krat.selectors import county_list

        counties = county_list([world.own.pk, world.other.pk])
        assert {c.name: c.member_count for c in counties} == {"Durrës": 16, "Vlorë": 1}


class TestReminders:
    DEADLINE = D(2018, 5, 10)  # the world's period

    def test_reminders_go_only_to_the_members_of_the_period(self, world):
        newcomer = InstitutionFactory(county=world.own, name="E re", is_table_member__since=D(2018, 5, 1))
        gone = InstitutionFactory(
            county=world.own,
            name="E larguar",
            is_table_member__since=D(2016, 1, 1),
            is_table_member__until=D(2017, 12, 31),
        )
        left_during = InstitutionFactory(
            county=world.own,
            name="U largua",
            is_table_member__since=D(2016, 1, 1),
            is_table_member__until=D(2018, 2, 28),
        )
        people = {
            institution.name: UserFactory(role="representative", county=world.own, institution=institution)
            for institution in (newcomer, gone, left_during)
        }
        make_submission(world.period, world.other_institution, SubmissionState.SUBMITTED)
        reminders_send(today=self.DEADLINE - datetime.timedelta(days=1))
        sent_to = sorted(address for message in mail.outbox for address in message.to)
        assert sent_to == sorted([world.users["representative"].email, people["U largua"].email])

    def test_the_board_button_reminds_the_same_institutions(self, world):
        newcomer = InstitutionFactory(county=world.own, name="E re", is_table_member__since=D(2018, 5, 1))
        UserFactory(role="representative", county=world.own, institution=newcomer)
        run = reminders_send(period=world.period, today=self.DEADLINE + datetime.timedelta(days=1))
        assert run.emails == 2  # the police and the labour office, not the newcomer


class TestPages:
    @pytest.fixture
    def staff(self, world, client):
        client.force_login(world.users["secretariat"])
        return client

    def test_the_institution_page_shows_the_membership_history(self, world, staff):
        institution = InstitutionFactory(
            county=world.own,
            name="Doli",
            is_table_member__since=D(2016, 1, 1),
            is_table_member__until=D(2019, 6, 30),
        )
        services.membership_start(institution=institution, start_date=D(2021, 1, 1), reference="Urdhri nr. 2")
        page = staff.get(reverse("krat:institution_detail", args=[institution.pk])).content.decode()
        assert "anëtar që nga 01.01.2021" in page
        assert page.index("01.01.2021") < page.index("01.01.2016") < page.index("30.06.2019")
        assert "Urdhri nr. 2" in page

    def test_a_new_institution_may_be_invited_without_being_a_member(self, world, staff):
        url = reverse("krat:institution_create", args=[world.own.slug])
        data = {"name": "OJF e ftuar", "kind": "ngo", "is_active": "on", "version": 0, "member_since": ""}
        assert staff.post(url, data).status_code == 302
        institution = Institution.objects.get(name="OJF e ftuar")
        assert not institution.memberships.exists()
        page = staff.get(reverse("krat:institution_detail", args=[institution.pk])).content.decode()
        assert "jo anëtar sot" in page

    def test_the_secretariat_ends_a_membership(self, world, staff):
        record = world.own_institution.memberships.get()
        url = reverse("krat:membership_edit", args=[record.pk])
        data = {
            "start_date": "01.01.2010",
            "end_date": "31.12.2019",
            "end_reference": "Urdhri nr. 1",
            "version": 1,
        }
        assert staff.post(url, data).status_code == 302
        record.refresh_from_db()
        assert (record.end_date, record.end_reference, record.version) == (D(2019, 12, 31), "Urdhri nr. 1", 2)
        assert record.history.first().history_user == world.users["secretariat"]

    def test_a_change_to_the_members_of_a_closed_period_is_refused(self, world, staff):
        """Found by a tester: moving a start date back rewrote a closed 2018 board (13 → 14 members)
        and the live page of approved minutes."""
        world.period.is_closed = True  # January–April 2018
        world.period.save()
        newcomer = InstitutionFactory(county=world.own, name="OJF e re", is_table_member=False)
        with pytest.raises(ValidationError) as error:
            services.membership_start(institution=newcomer, start_date=D(2017, 1, 1))
        assert codes(error.value) == ["closed_period_members"]
        assert not newcomer.memberships.exists()
        # Dates that leave the closed period's days as they were are fine.
        services.membership_start(institution=newcomer, start_date=D(2018, 5, 1))
        with pytest.raises(ValidationError):  # ending the police's membership inside 2018
            services.membership_end(institution=world.own_institution, end_date=D(2018, 2, 28))
        record = world.own_institution.memberships.get()
        url = reverse("krat:membership_edit", args=[record.pk])
        moved = {"start_date": "01.03.2018", "version": record.version}
        response = staff.post(url, moved)
        assert response.status_code == 400
        assert "periudhën e mbyllur" in response.content.decode()
        record.refresh_from_db()
        assert record.start_date == D(2010, 1, 1)
        fine = {"start_date": "01.01.2010", "reference": "Urdhri nr. 5", "version": record.version}
        assert staff.post(url, fine).status_code == 302  # the dates unchanged: only the order

    def test_an_overlapping_membership_is_refused_in_albanian_and_nothing_is_saved(self, world, staff):
        url = reverse("krat:membership_create", args=[world.own_institution.pk])
        response = staff.post(url, {"start_date": "01.01.2020", "version": 0})
        assert response.status_code == 400
        assert (
            "Ky institucion është tashmë anëtar nga 01.01.2010, pa datë mbarimi." in response.content.decode()
        )
        response = staff.post(url, {"start_date": "01.01.2009", "end_date": "01.01.2008", "version": 0})
        assert response.status_code == 400
        assert "Anëtarësia nuk mund të mbarojë para se të fillojë." in response.content.decode()
        assert world.own_institution.memberships.count() == 1

    def test_an_old_version_is_refused(self, world, staff):
        record = world.own_institution.memberships.get()
        url = reverse("krat:membership_edit", args=[record.pk])
        data = {"start_date": "01.01.2010", "end_date": "31.12.2019", "version": 1}
        assert staff.post(url, data).status_code == 302
        data["end_date"] = "31.12.2020"
        assert staff.post(url, data).status_code == 400
        record.refresh_from_db()
        assert record.end_date == D(2019, 12, 31)

    def test_another_countys_secretariat_cannot_touch_a_membership(self, world, client):
        client.force_login(world.users["other_secretariat"])
        record = world.own_institution.memberships.get()
        data = {"start_date": "01.01.2010", "end_date": "31.12.2019", "version": 1}
        assert client.post(reverse("krat:membership_edit", args=[record.pk]), data).status_code == 404
        assert (
            client.post(reverse("krat:membership_create", args=[world.own_institution.pk]), data).status_code
            == 404
        )
        record.refresh_from_db()
        assert record.end_date is None

    def test_the_representative_reads_but_does_not_write(self, world, client):
        client.force_login(world.users["representative"])
        record = world.own_institution.memberships.get()
        data = {"start_date": "01.01.2010", "end_date": "31.12.2019", "version": 1}
        assert client.post(reverse("krat:membership_edit", args=[record.pk]), data).status_code == 403
        page = client.get(
            reverse("krat:institution_detail", args=[world.own_institution.pk])
        ).content.decode()
        assert "01.01.2010" in page and reverse("krat:membership_edit", args=[record.pk]) not in page

    def test_the_api_derives_the_member_flag(self, world):
        from rest_framework.test import APIClient

        from krat.api.tokens import token_create

        services.membership_end(institution=world.other_institution, end_date=D(2019, 6, 30))
        _token, key = token_create(user=world.users["secretariat"], name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        rows = client.get("/api/v1/institutions/?county=durres").json()["results"]
        found = {row["name"]: (row["is_table_member"], row["memberships"]) for row in rows}
        assert found["Policia Durrës"] == (
            True,
            [
                {
                    "start_date": MEMBER_SINCE.isoformat(),
                    "end_date": None,
                    "reference": "",
                    "end_reference": "",
                }
            ],
        )
        assert found["Zyra e Punës Durrës"][0] is False
