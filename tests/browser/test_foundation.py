"""Each demo role logs in through the browser and reaches what its role may reach."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from krat.models import ReportingPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("sekretaria", ["Institucionet", "Personat", "Periudhat raportuese", "Cilësimet"], []),
        ("kryetari", ["Institucionet", "Personat", "Periudhat raportuese"], ["Cilësimet"]),
        ("policia", ["Institucionet", "Periudhat raportuese"], ["Personat", "Cilësimet"]),
        ("vezhguesi", ["Institucionet", "Personat", "Periudhat raportuese"], ["Cilësimet"]),
    ],
)
def test_each_county_role_reaches_its_pages(demo, sign_in, live_server, username, sees, does_not_see):
    page = sign_in(username)
    nav = page.get_by_role("navigation", name="Navigimi kryesor")
    if username == "policia":
        # A representative lands on the report in hand (issue 20.1); the county is one click away.
        expect(page).to_have_url(re.compile(r"/raporti/$"))
        nav.get_by_role("link", name="Paneli").click()
    expect(page).to_have_url(re.compile(r"/qarqe/durres/$"))
    expect(page.get_by_role("heading", name="Prefektura e Qarkut Durrës")).to_be_visible()
    for label in sees:
        nav.get_by_role("button", name="Tryeza").click()  # the table's pages are in its menu
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert "Nuk lejohet" not in page.content()
    for label in does_not_see:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)


def test_a_representative_typing_a_managers_url_is_refused(demo, sign_in, live_server):
    page = sign_in("policia")
    page.goto(live_server.url + reverse("krat:institution_create", args=["durres"]))
    expect(page.get_by_role("heading", name="Nuk lejohet")).to_be_visible()


def test_the_national_observer_sees_the_counties_at_a_glance_and_opens_one(demo, sign_in):
    page = sign_in("koordinatori")
    expect(page.get_by_role("heading", name="Qarqet me një shikim")).to_be_visible()
    # The wide table is reached by keyboard: a labelled region that takes the focus.
    region = page.get_by_role("region", name="Qarqet në")
    region.focus()
    expect(region).to_be_focused()
    page.get_by_role("link", name="Durrës", exact=True).click()
    expect(page.get_by_role("heading", name="Prefektura e Qarkut Durrës")).to_be_visible()


def test_english_is_one_click_away_and_sticks(demo, sign_in, live_server):
    page = sign_in("sekretaria")
    expect(page.get_by_text("Periudha raportuese aktuale")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Current reporting period")).to_be_visible()
    page.get_by_role("button", name="The table").click()
    page.get_by_role("link", name="Reporting periods").click()
    expect(page.get_by_role("heading", name="Reporting periods of Durrës")).to_be_visible()
    page.get_by_role("button", name="Shqip").click()
    expect(page.get_by_role("heading", name="Periudhat raportuese të Durrës")).to_be_visible()


def test_the_secretariat_adds_a_period_and_an_overlap_is_explained(demo, sign_in, live_server):
    page = sign_in("sekretaria")
    page.goto(live_server.url + reverse("krat:period_create", args=["durres"]))
    page.get_by_label("Emërtimi").fill("Janar – Qershor 2030")
    page.get_by_label("Data e fillimit").fill("01.01.2030")
    page.get_by_label("Data e mbarimit").fill("30.06.2030")
    page.get_by_label("Afati i dorëzimit").fill("10.07.2030")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Periudha raportuese u ruajt.")).to_be_visible()
    expect(page.get_by_role("cell", name="Janar – Qershor 2030")).to_be_visible()

    page.goto(live_server.url + reverse("krat:period_create", args=["durres"]))
    page.get_by_label("Emërtimi").fill("Mbivendosje")
    page.get_by_label("Data e fillimit").fill("01.06.2030")
    page.get_by_label("Data e mbarimit").fill("31.08.2030")
    page.get_by_label("Afati i dorëzimit").fill("10.09.2030")
    page.get_by_role("button", name="Ruaj").click()
    expect(
        page.get_by_text("mbivendoset me “Janar – Qershor 2030” (01.01.2030 – 30.06.2030)")
    ).to_be_visible()
    assert not ReportingPeriod.objects.filter(label="Mbivendosje").exists()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_layout_passes_axe_on_a_phone_and_a_desk(
    demo, sign_in, sign_out, live_server, assert_accessible, width
):
    page = sign_in("sekretaria")
    page.set_viewport_size({"width": width, "height": 900})
    for name, args in [
        ("krat:dashboard", ["durres"]),
        ("krat:institution_list", ["durres"]),
        ("krat:period_create", ["durres"]),
    ]:
        page.goto(live_server.url + reverse(name, args=args))
        assert_accessible(page)
    sign_out()
    expect(page.get_by_role("heading", name="Hyni në KRAT")).to_be_visible()
    assert_accessible(page)


def test_pages_run_under_a_strict_content_security_policy(demo, page, sign_in, live_server):
    """No inline script or style: the browser reports no CSP violation on the core pages."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(live_server.url + reverse("login"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in("sekretaria")
    for name, args in [
        ("krat:dashboard", ["durres"]),
        ("krat:institution_list", ["durres"]),
        ("krat:person_create", ["durres"]),
        ("krat:period_list", ["durres"]),
        ("krat:county_settings", ["durres"]),
    ]:
        page.goto(live_server.url + reverse(name, args=args))
        page.get_by_role("button", name="Elona Hoxha").click()  # Bootstrap's script runs
        expect(page.get_by_role("button", name="Dil")).to_be_visible()
    assert violations == []
