"""Nothing typed is lost (issue 20, point 2): the narrative's autosave, the keep-alive,
and the log-in page that says why a person was sent to it."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from krat.middleware import IdleSessionMiddleware
from krat.models import SubmissionState
from tests.krat.access_cases import FILLED, make_submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_registered_parts")]


@pytest.fixture
def rep(world, client):
    client.force_login(world.users["representative"])
    return client


def autosave(client, submission, **fields):
    data = {**FILLED, "version": submission.version, **fields}
    return client.post(reverse("krat:submission_autosave", args=[submission.pk]), data)


def test_autosave_saves_the_draft_and_gives_the_new_version(world, rep):
    submission = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    response = autosave(rep, submission, results="Shkruar pa shtypur butonin")
    assert response.status_code == 200
    answer = response.json()
    submission.refresh_from_db()
    assert submission.results == "Shkruar pa shtypur butonin"
    assert answer["version"] == submission.version == 2
    assert re.fullmatch(r"\d\d:\d\d", answer["saved_at"])  # shown as "Ruajtur 10:42"
    assert 0 < answer["seconds_left"] <= 30 * 60

    # The button's save that follows carries the version the autosave answered: not stale.
    url = reverse("krat:submission_edit", args=[submission.pk])
    data = {**FILLED, "results": "Më pas, me butonin", "version": answer["version"], "action": "draft"}
    assert rep.post(url, data).status_code == 302
    submission.refresh_from_db()
    assert submission.results == "Më pas, me butonin"


def test_a_colleagues_save_meanwhile_refuses_the_autosave(world, rep):
    submission = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    assert autosave(rep, submission, results="E kolegut").status_code == 200
    response = autosave(rep, submission, results="Imja, e vonuar")  # still version 1
    assert response.status_code == 409
    assert "Dikush tjetër e ruajti këtë regjistrim" in response.json()["detail"]
    submission.refresh_from_db()
    assert submission.results == "E kolegut"


def test_an_autosave_without_a_version_is_refused(world, rep):
    submission = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    response = rep.post(
        reverse("krat:submission_autosave", args=[submission.pk]), {**FILLED, "results": "Pa version"}
    )
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.results == FILLED["results"]


def test_a_submitted_report_is_not_autosaved(world, rep):
    submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    response = autosave(rep, submission, results="Pas dorëzimit")
    assert response.status_code == 400
    assert "Ky raport është dorëzuar" in response.json()["detail"]
    submission.refresh_from_db()
    assert submission.results == FILLED["results"]


def test_another_institutions_report_is_not_autosaved(world, rep):
    submission = make_submission(world.period, world.other_institution, SubmissionState.DRAFT)
    assert autosave(rep, submission, results="E huaj").status_code == 403
    submission.refresh_from_db()
    assert submission.results == FILLED["results"]


def test_an_ended_session_gets_401_and_the_log_in_page_says_why(world, rep):
    submission = make_submission(world.period, world.own_institution, SubmissionState.DRAFT)
    Session.objects.all().delete()  # the idle time-out, as the server sees it
    response = autosave(rep, submission, results="Pas fundit të seancës")
    assert response.status_code == 401
    submission.refresh_from_db()
    assert submission.results == FILLED["results"]
    assert IdleSessionMiddleware.ENDED_COOKIE in response.cookies

    page = rep.get(reverse("login")).content.decode()
    assert "Seanca juaj mbaroi" in page

    rep.force_login(world.users["representative"])
    response = rep.get(reverse("krat:submission_todo", args=[world.own.slug]))
    assert response.cookies[IdleSessionMiddleware.ENDED_COOKIE]["max-age"] == 0  # removed
    rep.logout()
    assert "Seanca juaj mbaroi" not in rep.get(reverse("login")).content.decode()


def test_a_fresh_visitor_of_the_log_in_page_is_told_nothing_about_a_session(client, world):
    assert "Seanca juaj mbaroi" not in client.get(reverse("login")).content.decode()


def test_the_keep_alive_renews_the_session(world, rep, settings):
    rep.get(reverse("krat:submission_todo", args=[world.own.slug]))  # stamps the session
    session = rep.session
    session[IdleSessionMiddleware.STAMP] = int(time.time()) - 10 * 60  # ten idle minutes
    session.save()
    response = rep.post(reverse("krat:session_keepalive"))
    assert response.status_code == 200
    assert response.json()["seconds_left"] == settings.SESSION_COOKIE_AGE
    assert Session.objects.get().expire_date > timezone.now() + timezone.timedelta(minutes=29)


def test_the_page_knows_how_long_its_session_has_left(world, rep):
    page = rep.get(reverse("krat:submission_todo", args=[world.own.slug])).content.decode()
    assert 'data-seconds-left="1800"' in page
    assert 'data-warning-seconds="300"' in page
