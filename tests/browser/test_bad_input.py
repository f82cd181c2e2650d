"""A form larger than the server accepts is stopped before it leaves the page: the limit
is said in Albanian and what was typed stays where it was typed (issue 14, point 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.meetings.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_text_over_the_upload_limit_is_stopped_in_the_page_and_kept(demo, sign_in, live_server, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20  # the page says what the server applies
    meeting = MeetingFactory(county=demo)
    page = sign_in("sekretaria")
    url = live_server.url + reverse("meetings:minutes", args=[meeting.pk])
    page.goto(url)
    remarks = page.locator('textarea[name="chair_remarks"]')
    too_long = "Fjalë të gjata të kryetarit. " * (2**20 // 25)
    remarks.fill(too_long)
    page.get_by_role("button", name="Ruaj").click()
    alert = page.get_by_role("alert").filter(has_text="MB")
    expect(alert).to_contain_text("më i madh se 1 MB")
    expect(alert).to_contain_text("asgjë nuk humbi")
    assert page.url == url
    assert remarks.input_value() == too_long
    assert Meeting.objects.get().chair_remarks == ""
    remarks.fill("Fjalë të shkurtra.")
    page.get_by_role("button", name="Ruaj").click()
    expect(page).not_to_have_url(url)
    assert Meeting.objects.get().chair_remarks == "Fjalë të shkurtra."
