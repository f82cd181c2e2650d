"""On a phone, a representative who forgot the password finds the language switch and the
link at once, and sets a new password through the e-mail (read from Django's locmem
outbox: the live server runs in this process)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Kali-i-bardhe-vrapon-2018"


def test_a_forgotten_password_is_reset_from_a_phone(
    demo, page, sign_in, live_server, settings, assert_accessible
):
    settings.KRAT_SITE_URL = live_server.url
    cache.clear()  # the reset throttle's counts
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("login"))
    # No menu to open: the switch and the way out of a forgotten password are in sight.
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("button", name="Hap menunë")).to_have_count(0)
    expect(page.get_by_test_id("login-help")).to_contain_text("sekretariatin e prefekturës")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Log in to KRAT")).to_be_visible()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    page.get_by_role("button", name="Shqip").click()

    page.get_by_role("link", name="Keni harruar fjalëkalimin?").click()
    page.get_by_label("E-maili").fill("policia@demo.krat.invalid")
    page.get_by_role("button", name="Dërgo lidhjen").click()
    expect(page.get_by_role("heading", name="Shikoni e-mailin tuaj")).to_be_visible()
    assert_accessible(page)

    [message] = mail.outbox
    link = re.search(re.escape(live_server.url) + r"/fjalekalimi/rivendos/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Zgjidhni një fjalëkalim të ri")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fjalëkalim i ri").fill(NEW_PASSWORD)
    page.get_by_label("Ripohim fjalëkalimi të ri").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Ruaj fjalëkalimin e ri").click()
    expect(page.get_by_role("heading", name="Fjalëkalimi juaj u ndryshua.")).to_be_visible()

    sign_in("policia", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/raporti/$"))  # a representative lands on the report in hand
