"""A representative locks themselves out; the page says until when; the secretariat unlocks."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from krat.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_locked_out_representative_is_unlocked_by_the_secretariat(
    demo, page, sign_in, sign_out, live_server, assert_accessible
):
    for _ in range(settings.KRAT_LOGIN_LIMITS[("username", "ip_address")]):
        sign_in("policia", "fjalekalim-i-gabuar")
    expect(page.get_by_role("heading", name="Shumë përpjekje të dështuara për hyrje")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Mund të provoni përsëri nga \d\d\.\d\d\.\d{4} \d\d:\d\d\."))
    ).to_be_visible()
    assert_accessible(page)

    sign_in("sekretaria")
    person = User.objects.get(username="policia")
    page.goto(live_server.url + reverse("krat:person_edit", args=[person.pk]))
    expect(page.get_by_role("heading", name="Hyrje të dështuara")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Hyrja është e bllokuar deri më \d\d\.\d\d\.\d{4}"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Zhblloko hyrjen").click()
    expect(page.get_by_text(re.compile("mund të hyjë përsëri"))).to_be_visible()
    expect(page.get_by_role("button", name="Zhblloko hyrjen")).to_have_count(0)
    sign_out()

    sign_in("policia")
    expect(page).to_have_url(re.compile(r"/raporti/$"))  # a representative lands on the report in hand
