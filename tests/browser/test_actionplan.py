"""The action plan in the browser: progress by the lead institution, the overview, import."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook
from playwright.sync_api import expect

from actionplan import demo as actionplan_demo
from actionplan.models import ActionPlan, Activity
from actionplan.spreadsheet import PLAN_TEMPLATE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(demo):
    actionplan_demo.load(county=demo)
    return ActionPlan.objects.get(county=demo, year=timezone.localdate().year)


def test_a_representative_records_progress_only_for_what_its_institution_leads(plan, sign_in, live_server):
    page = sign_in("policia")
    page.get_by_role("navigation", name="Navigimi kryesor").get_by_role(
        "link", name="Plani i veprimit"
    ).click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", name=plan.title)).to_be_visible()

    # The labour office leads 1.3.1: the police see no button for it, and its URL refuses them.
    expect(
        page.get_by_test_id("activity-1.3.1").get_by_role("link", name=re.compile("Regjistro ecurinë"))
    ).to_have_count(0)
    labour_activity = Activity.objects.get(plan=plan, code="1.3.1")
    period_pk = page.get_by_label("Periudha raportuese").input_value()
    page.goto(live_server.url + reverse("actionplan:progress_edit", args=[labour_activity.pk, period_pk]))
    expect(page.get_by_role("heading", name="Nuk lejohet")).to_be_visible()

    # The police lead 3.1.2 and record it as done.
    page.go_back()
    page.get_by_test_id("activity-3.1.2").get_by_role("link", name=re.compile("Regjistro ecurinë")).click()
    expect(page.get_by_role("heading", name=re.compile("Ecuria e aktivitetit 3.1.2"))).to_be_visible()
    page.get_by_label("Statusi").select_option(label="Përfunduar")
    page.get_by_label("Vlera e arritur").fill("-3")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Siguroni që kjo vlerë është më e madhe ose baras me 0.")).to_be_visible()
    page.get_by_label("Vlera e arritur").fill("25")
    page.get_by_label("Përshkrimi i ecurisë").fill("U kryen 25 kontrolle në vendet e punës sezonale.")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Ecuria u ruajt.")).to_be_visible()
    expect(page.get_by_text("U kryen 25 kontrolle në vendet e punës sezonale.")).to_be_visible()


def test_the_secretariat_sees_the_overview_change(plan, sign_in, sign_out, live_server):
    overview = live_server.url + reverse("actionplan:plan_overview", args=[plan.pk])
    page = sign_in("sekretaria")
    page.goto(overview)
    done_before = int(page.get_by_test_id("share-done").inner_text().rstrip("%"))
    expect(page.locator(".chart svg").first).to_be_visible()
    sign_out()

    page = sign_in("policia")
    activity = Activity.objects.get(plan=plan, code="3.1.2")
    page.goto(live_server.url + reverse("actionplan:activity_detail", args=[activity.pk]))
    page.get_by_role("link", name=re.compile("Korrigjo ecurinë|Regjistro ecurinë")).first.click()
    page.get_by_label("Statusi").select_option(label="Përfunduar")
    page.get_by_label("Vlera e arritur").fill("25")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Ecuria u ruajt.")).to_be_visible()
    sign_out()

    page = sign_in("sekretaria")
    page.goto(overview)
    done_after = int(page.get_by_test_id("share-done").inner_text().rstrip("%"))
    assert done_after > done_before


def _xlsx(path, rows) -> str:
    book = Workbook()
    sheet = book.active
    with translation.override("sq"):
        sheet.append([str(column.title) for column in PLAN_TEMPLATE.columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_the_secretariat_imports_a_plan_from_a_spreadsheet(plan, sign_in, live_server, tmp_path):
    plan_2018 = ActionPlan.objects.get(county=plan.county, year=2018)
    page = sign_in("sekretaria")
    page.goto(live_server.url + reverse("actionplan:plan_detail", args=[plan_2018.pk]))
    page.get_by_role("link", name="Importo", exact=True).click()
    expect(page.get_by_role("link", name="Shkarko shabllonin (.xlsx)")).to_be_visible()

    row = ["Parandalimi", "Informimi i turistëve", "1.9", "Fletëpalosje në plazhe për lypjen e fëmijëve",
           "Bashkia Durrës", "Drejtoria Vendore e Policisë Durrës", "01.05.2018", "15.06.2018",
           "Fletëpalosje", 2000, "copë", 50000, "Bashkia"]  # fmt: skip
    bad = [*row[:4], "Bashkia Vlorë", *row[5:7], "15.06.2019", *row[8:]]
    page.get_by_label("Fleta elektronike (.xlsx)").set_input_files(_xlsx(tmp_path / "keq.xlsx", [bad]))
    page.get_by_role("button", name="Importo").click()
    expect(page.get_by_text("Nuk u importua asgjë.")).to_be_visible()
    expect(page.get_by_text("E2: Asnjë institucion i këtij qarku nuk quhet “Bashkia Vlorë”.")).to_be_visible()
    expect(page.get_by_text("H2: Afati duhet të bjerë brenda vitit të planit, 2018.")).to_be_visible()
    assert not Activity.objects.filter(plan=plan_2018, code="1.9").exists()

    page.get_by_label("Fleta elektronike (.xlsx)").set_input_files(_xlsx(tmp_path / "mire.xlsx", [row]))
    page.get_by_role("button", name="Importo").click()
    expect(page.get_by_text("U importuan 1 aktivitete.")).to_be_visible()
    expect(page.get_by_test_id("activity-1.9")).to_contain_text("Bashkia Durrës")


def test_the_calendar_pages_pass_axe(plan, sign_in, live_server, assert_accessible):
    page = sign_in("sekretaria")
    for name, args in [
        ("actionplan:plan_detail", [plan.pk]),
        ("actionplan:plan_overview", [plan.pk]),
        ("actionplan:event_month", ["durres"]),
        ("actionplan:event_list", ["durres"]),
        ("krat:dashboard", ["durres"]),
    ]:
        page.goto(live_server.url + reverse(name, args=args))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_calendar_is_a_list_on_a_phone_and_a_grid_on_a_desk(plan, sign_in, live_server, width):
    """Issue 20, point 9: seven columns on a phone broke the titles letter by letter."""
    from actionplan.models import AwarenessEvent

    event = AwarenessEvent.objects.filter(county=plan.county).order_by("date").first()
    page = sign_in("sekretaria")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(
        live_server.url + reverse("actionplan:event_month", args=["durres"]) + f"?muaji={event.date:%Y-%m}"
    )
    grid = page.locator("table.month-grid")
    days = page.locator("ol.month-list")
    if width == 390:
        expect(grid).to_be_hidden()
        link = days.get_by_role("link", name=event.title, exact=False).first
        expect(link).to_be_visible()
        assert link.bounding_box()["width"] > 60  # wider than a seventh of the phone: words, not letters
    else:
        expect(days).to_be_hidden()
        expect(grid.get_by_role("link", name=event.title, exact=False).first).to_be_visible()
