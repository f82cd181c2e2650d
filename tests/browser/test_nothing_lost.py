"""Nothing typed is lost (issue 20, point 2): the narrative saves itself while it is typed,
the page warns before the idle session ends and keeps it on request, and a save that meets
an ended session keeps the text and completes after the log-in.

The page's clock is Playwright's (`page.clock`): the test moves it instead of waiting; the
server's session is ended as its idle time-out ends it (its expiry date passes)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from krat.models import PeriodSubmission, SubmissionState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOCIAL = "sherbimi.social"  # the demo's representative whose report is a draft
SECTION = "Vlerësimi i situatës"


def end_the_session():
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))


def test_a_session_that_ends_while_typing_loses_nothing(demo, page, sign_in, live_server):
    submission = PeriodSubmission.objects.get(institution__people__username=SOCIAL)
    assert submission.state == SubmissionState.DRAFT
    page.clock.install()
    sign_in(SOCIAL)
    page.goto(live_server.url + reverse("krat:submission_edit", args=[submission.pk]))
    status = page.locator("[data-autosave-status]")

    # Typing stops: a few seconds later the text is saved, and the page says when.
    page.get_by_role("textbox", name=SECTION).fill("Shkruar pa shtypur butonin.")
    page.clock.run_for(4_000)
    expect(status).to_have_text(re.compile(r"^Ruajtur \d\d:\d\d$"))
    submission.refresh_from_db()
    assert submission.situation_assessment == "Shkruar pa shtypur butonin."
    saved_version = submission.version

    # Five minutes before the idle end, a warning; its button keeps the session.
    page.clock.fast_forward("25:30")
    warning = page.get_by_role("alert").filter(has_text="Seanca juaj mbaron në orën")
    expect(warning).to_be_visible()
    warning.get_by_role("button", name="Qëndro i identifikuar").click()
    expect(warning).to_be_hidden()

    # The session ends while the person types; the autosave meets it and keeps the text.
    page.get_by_role("textbox", name=SECTION).fill("Shkruar pasi mbaroi seanca.")
    end_the_session()
    page.clock.run_for(4_000)
    expect(status).to_contain_text("Nuk u ruajt: seanca juaj mbaroi.")
    expect(page.get_by_role("alert").filter(has_text="Seanca juaj mbaroi")).to_be_visible()

    # "Save draft" then leads to the log-in page, which says why; after it, the text is back
    # and saved, on the version it was typed on (the autosave's, not the page's first).
    page.get_by_role("button", name="Ruaj draftin").click()
    expect(page.get_by_role("heading", name="Hyni në KRAT")).to_be_visible()
    expect(page.get_by_text("Seanca juaj mbaroi sepse nuk u bë asgjë për një kohë.")).to_be_visible()
    page.get_by_label("Emër përdoruesi").fill(SOCIAL)
    page.get_by_label("Fjalëkalimi").fill("Krat-demo-2026")
    page.get_by_role("button", name="Hyr").click()
    expect(page).to_have_url(re.compile(rf"/raporte/{submission.pk}/ndrysho/$"))
    expect(page.get_by_role("textbox", name=SECTION)).to_have_value("Shkruar pasi mbaroi seanca.")
    page.clock.run_for(1_000)
    expect(status).to_have_text(re.compile(r"^Ruajtur \d\d:\d\d$"))
    submission.refresh_from_db()
    assert submission.situation_assessment == "Shkruar pasi mbaroi seanca."
    assert submission.version == saved_version + 1
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('krat:draft:'))") == []

    # The button's save that follows carries the version the autosave answered: not stale.
    page.get_by_role("textbox", name=SECTION).fill("Me butonin.")
    page.get_by_role("button", name="Ruaj draftin").click()
    expect(page.get_by_text("Drafti u ruajt.")).to_be_visible()
    submission.refresh_from_db()
    assert submission.situation_assessment == "Me butonin."


def test_a_colleagues_save_is_not_overwritten_by_a_restored_text(demo, page, sign_in, live_server):
    submission = PeriodSubmission.objects.get(institution__people__username=SOCIAL)
    page.clock.install()
    sign_in(SOCIAL)
    page.goto(live_server.url + reverse("krat:submission_edit", args=[submission.pk]))
    page.get_by_role("textbox", name=SECTION).fill("Imja, e shkruar pa seancë.")
    end_the_session()
    page.clock.run_for(4_000)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Nuk u ruajt")

    # Meanwhile a colleague saves the report.
    PeriodSubmission.objects.filter(pk=submission.pk).update(
        situation_assessment="E kolegut.", version=F("version") + 1
    )

    page.goto(live_server.url + reverse("login") + f"?next=/raporte/{submission.pk}/ndrysho/")
    page.get_by_label("Emër përdoruesi").fill(SOCIAL)
    page.get_by_label("Fjalëkalimi").fill("Krat-demo-2026")
    page.get_by_role("button", name="Hyr").click()
    expect(page.get_by_role("textbox", name=SECTION)).to_have_value(
        "Imja, e shkruar pa seancë."
    )  # still on screen
    page.clock.run_for(1_000)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Dikush tjetër e ruajti këtë regjistrim")
    submission.refresh_from_db()
    assert submission.situation_assessment == "E kolegut."


def test_a_draft_kept_for_a_report_submitted_since_is_removed(demo, page, sign_in, live_server):
    submission = PeriodSubmission.objects.get(institution__people__username="zyra.punes")
    assert submission.state == SubmissionState.SUBMITTED
    sign_in("zyra.punes")
    url = live_server.url + reverse("krat:submission_detail", args=[submission.pk])
    page.goto(url)
    key = f"krat:draft:{submission.institution.people.get(username='zyra.punes').pk}:{submission.pk}"
    page.evaluate("key => localStorage.setItem(key, '{}')", key)
    page.goto(url)
    assert page.evaluate("key => localStorage.getItem(key)", key) is None
