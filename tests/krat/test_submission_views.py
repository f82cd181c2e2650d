"""The submission pages: to-do, form, review, board, dashboard card; permissions and queries."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from krat.choices import Role
from krat.models import PeriodSubmission, SubmissionState
from tests.factories import InstitutionFactory, PeriodFactory, UserFactory
from tests.krat.access_cases import FILLED, make_submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]


@pytest.fixture
def rep(world, client):
    client.force_login(world.users["representative"])
    return client


@pytest.fixture
def staff(world, client):
    client.force_login(world.users["secretariat"])
    return client


def post_data(**overrides):
    return {**FILLED, "version": 1, "action": "draft", **overrides}


class TestRepresentative:
    def test_the_todo_page_lists_the_open_period_and_what_is_missing(self, world, rep):
        page = rep.get(reverse("krat:submission_todo", args=[world.own.slug])).content.decode()
        assert "Janar – Prill 2018" in page
        assert "10.05.2018" in page
        assert "pa filluar" in page
        assert "Fillo raportin" in page

    def test_start_save_a_draft_then_submit(self, world, rep):
        response = rep.post(reverse("krat:submission_open", args=[world.period.pk, world.own_institution.pk]))
        submission = PeriodSubmission.objects.get()
        assert response.url == reverse("krat:submission_edit", args=[submission.pk])
        url = response.url
        response = rep.post(url, post_data(results="", proposals=""))
        assert response.status_code == 302
        submission.refresh_from_db()
        assert submission.state == SubmissionState.DRAFT
        page = rep.get(reverse("krat:submission_todo", args=[world.own.slug])).content.decode()
        assert "Seksioni “rezultatet” është bosh" in page

        response = rep.post(url, post_data(version=2, action="submit", results="", proposals=""))
        assert response.status_code == 400
        assert "Plotësoni këtë seksion ose shënoni “nuk ka për të raportuar”." in response.content.decode()
        submission.refresh_from_db()
        assert submission.state == SubmissionState.DRAFT

        response = rep.post(
            url, post_data(version=2, action="submit", proposals="", proposals_nothing_to_report="on")
        )
        assert response.url == reverse("krat:submission_detail", args=[submission.pk])
        submission.refresh_from_db()
        assert submission.state == SubmissionState.SUBMITTED
        assert submission.proposals_nothing_to_report

    def test_editing_after_submission_is_refused_with_a_message(self, world, rep):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        url = reverse("krat:submission_edit", args=[submission.pk])
        response = rep.get(url, follow=True)
        assert "Ky raport është dorëzuar dhe nuk mund të ndryshohet më" in response.content.decode()
        response = rep.post(url, post_data(results="Ndryshim"))
        assert response.status_code == 400
        assert "Ky raport është dorëzuar" in response.content.decode()
        submission.refresh_from_db()
        assert submission.results == FILLED["results"]

    def test_another_institutions_submission_is_forbidden_by_id(self, world, rep):
        theirs = make_submission(world.period, world.other_institution)
        assert rep.get(reverse("krat:submission_detail", args=[theirs.pk])).status_code == 403
        assert rep.get(reverse("krat:submission_edit", args=[theirs.pk])).status_code == 403
        assert rep.post(reverse("krat:submission_edit", args=[theirs.pk]), post_data()).status_code == 403
        response = rep.post(
            reverse("krat:submission_open", args=[world.period.pk, world.other_institution.pk])
        )
        assert response.status_code == 403

    def test_a_representative_cannot_approve_or_return_their_own(self, world, rep):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        assert rep.post(reverse("krat:submission_approve", args=[submission.pk])).status_code == 403
        response = rep.post(reverse("krat:submission_return", args=[submission.pk]), {"comment": "x"})
        assert response.status_code == 403
        submission.refresh_from_db()
        assert submission.state == SubmissionState.SUBMITTED

    def test_another_county_gets_not_found(self, world, client):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        client.force_login(world.users["other_secretariat"])
        assert client.get(reverse("krat:submission_detail", args=[submission.pk])).status_code == 404
        assert client.post(reverse("krat:submission_approve", args=[submission.pk])).status_code == 404

    def test_text_is_plain_and_escaped(self, world, rep):
        submission = make_submission(world.period, world.own_institution, results="<script>alert(1)</script>")
        page = rep.get(reverse("krat:submission_detail", args=[submission.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_the_second_of_two_concurrent_edits_is_refused_and_shows_what_changed(self, world, rep):
        submission = make_submission(world.period, world.own_institution)
        url = reverse("krat:submission_edit", args=[submission.pk])
        assert rep.post(url, post_data(results="Nga redaktori i parë")).status_code == 302
        response = rep.post(url, post_data(results="Nga redaktori i dytë"))
        assert response.status_code == 400
        page = response.content.decode()
        assert "Dikush tjetër e ruajti këtë regjistrim" in page
        assert "nga të dhënat tuaja: rezultatet." in page
        assert "Nga redaktori i dytë" in page  # the second editor's input is still in the form
        submission.refresh_from_db()
        assert submission.results == "Nga redaktori i parë"
        assert submission.version == 2


class TestSecretariat:
    def test_return_tells_the_representative_who_sees_the_comment(
        self, world, staff, django_capture_on_commit_callbacks
    ):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(
                reverse("krat:submission_return", args=[submission.pk]),
                {"comment": "Shtoni shifrat.", "version": submission.version},
            )
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        staff.force_login(world.users["representative"])
        page = staff.get(reverse("krat:submission_todo", args=[world.own.slug])).content.decode()
        assert "Shtoni shifrat." in page and "kthyer për plotësim" in page

    def test_return_without_a_comment_says_why(self, world, staff):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        response = staff.post(
            reverse("krat:submission_return", args=[submission.pk]),
            {"version": submission.version},
            follow=True,
        )
        assert "Shkruani një koment" in response.content.decode()
        submission.refresh_from_db()
        assert submission.state == SubmissionState.SUBMITTED

    def test_approve_then_reopen_with_a_reason_shown_in_the_history(self, world, staff):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        staff.post(reverse("krat:submission_approve", args=[submission.pk]), {"version": submission.version})
        submission.refresh_from_db()
        assert submission.state == SubmissionState.APPROVED
        response = staff.post(
            reverse("krat:submission_reopen", args=[submission.pk]), {"reason": ""}, follow=True
        )
        assert "Jepni arsyen e rihapjes." in response.content.decode()
        staff.post(reverse("krat:submission_reopen", args=[submission.pk]), {"reason": "Gabim në shifra."})
        submission.refresh_from_db()
        assert submission.state == SubmissionState.RETURNED
        page = staff.get(
            reverse("krat:record_history", args=["krat.periodsubmission", submission.pk])
        ).content.decode()
        assert "Gabim në shifra." in page

    def test_the_board_shows_every_member_with_its_state_and_the_share(self, world, staff):
        make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        page = staff.get(reverse("krat:submission_board", args=[world.period.pk])).content.decode()
        assert "Policia Durrës" in page and "Zyra e Punës Durrës" in page
        assert "Policia Vlorë" not in page
        assert "Plotësuar 50%" in page
        assert "dorëzuar në afat" in page and "pa filluar" in page and "i gjithë raporti" in page
        assert "1 institucion e ka kaluar afatin:" in page  # the world's deadline is in 2018
        assert "Kujto të gjithë ata që nuk kanë dorëzuar" in page and "Kujtuar së fundi" in page

    def test_the_current_board_redirects_to_the_current_period(self, world, staff):
        response = staff.get(reverse("krat:submission_board_current", args=[world.own.slug]))
        assert response.url == reverse("krat:submission_board", args=[world.period.pk])

    def test_the_chair_reads_the_board_but_cannot_review(self, world, client):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        client.force_login(world.users["chair"])
        page = client.get(reverse("krat:submission_board", args=[world.period.pk])).content.decode()
        assert "Dërgoju kujtesë" not in page
        detail = client.get(reverse("krat:submission_detail", args=[submission.pk])).content.decode()
        assert "Mirato" not in detail
        assert client.post(reverse("krat:submission_approve", args=[submission.pk])).status_code == 403

    def test_a_closed_period_shows_no_edit_or_review(self, world, staff):
        submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
        world.period.is_closed = True
        world.period.save()
        page = staff.get(reverse("krat:submission_detail", args=[submission.pk])).content.decode()
        assert "Mirato" not in page
        response = staff.post(
            reverse("krat:submission_approve", args=[submission.pk]),
            {"version": submission.version},
            follow=True,
        )
        assert "është mbyllur" in response.content.decode()

    def test_a_closed_period_opens_no_new_report(self, world, staff):
        world.period.is_closed = True
        world.period.save()
        url = reverse("krat:submission_open", args=[world.period.pk, world.own_institution.pk])
        response = staff.post(url, follow=True)
        assert response.redirect_chain == [(url, 302)]
        assert "është mbyllur" in response.content.decode()
        assert not PeriodSubmission.objects.exists()


class TestDashboardCard:
    def test_the_secretariat_sees_the_share_complete(self, world, staff):
        make_submission(world.period, world.own_institution, SubmissionState.APPROVED)
        page = staff.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
        assert "Raportet e periudhës" in page and "Plotësuar 50% (1 nga 2)" in page

    def test_a_representative_sees_their_own_state(self, world, rep):
        page = rep.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
        assert "Raportet e periudhës" in page and "pa filluar" in page


@pytest.mark.parametrize(
    ("name", "user", "args"),
    [
        ("krat:submission_board", "secretariat", lambda w: [w.period.pk]),
        ("krat:submission_todo", "representative", lambda w: [w.own.slug]),
        ("krat:submission_detail", "secretariat", lambda w: [w.extra["mine"].pk]),
        ("krat:submission_edit", "representative", lambda w: [w.extra["mine"].pk]),
        ("krat:dashboard", "secretariat", lambda w: [w.own.slug]),
        ("krat:dashboard", "representative", lambda w: [w.own.slug]),
    ],
)
def test_pages_run_the_same_queries_with_ten_times_more_data(
    world, client, django_assert_max_num_queries, name, user, args
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.extra["mine"] = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    client.force_login(world.users[user])
    url = reverse(name, args=args(world))

    def grow(n):
        for i in range(n):
            institution = InstitutionFactory(county=world.own, name=f"Shtesë {n}-{i}")
            UserFactory(role=Role.REPRESENTATIVE, county=world.own, institution=institution)
            make_submission(
                world.period, institution, [SubmissionState.DRAFT, SubmissionState.APPROVED][i % 2]
            )
            period = PeriodFactory(
                county=world.own,
                label=f"P {n}-{i}",
                start_date=datetime.date(2030 + i + n, 1, 1),
                end_date=datetime.date(2030 + i + n, 4, 30),
                deadline=datetime.date(2030 + i + n, 5, 10),
            )
            make_submission(period, world.own_institution)

    grow(2)
    # A session's first request checks the second factor and saves the session, whatever the
    # page (a log-in through the form does the same): the pages are measured from the next.
    assert client.get(reverse("health")).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # A read writes nothing (the county's defaults were made with it).
    writes = ("INSERT", "UPDATE", "DELETE")
    assert [q["sql"] for q in small.captured_queries if q["sql"].lstrip().upper().startswith(writes)] == []
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= 20
