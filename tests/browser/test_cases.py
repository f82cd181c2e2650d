"""The victims grid in a browser: live sums, save, comparison; and an import through the page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from cases import demo as cases_demo
from cases import sheets
from cases.models import EmploymentFunnel, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.selectors.comparison import comparison_periods
from krat.models import Institution
from krat.periods import current_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(demo):
    cases_demo.load(county=demo)
    period = current_period(demo)
    police = Institution.objects.get(name="Drejtoria Vendore e Policisë Durrës")
    return demo, period, police


def test_the_police_fill_the_victims_grid_see_sums_save_and_compare(
    setting, sign_in, live_server, assert_accessible
):
    _county, period, police = setting
    previous = comparison_periods(period).previous
    page = sign_in("policia")
    page.goto(live_server.url + reverse("cases:victims_entry", args=[period.pk, police.pk]))
    grid = page.locator("#victims-grid")
    grid.locator("input[type=number]").evaluate_all("inputs => inputs.forEach(i => { i.value = '0'; })")
    grid.locator('input[name="victim-total"]').fill("6")
    grid.locator('input[name="victim-sex-female"]').fill("4")
    expect(page.get_by_test_id("sum-sex-victim")).to_have_text("4 ≠ 6")
    grid.locator('input[name="victim-sex-unknown"]').fill("2")
    expect(page.get_by_test_id("sum-sex-victim")).to_have_text("6 ✓")
    for dimension in ("age", "exploitation", "citizenship", "movement", "identified_by"):
        grid.locator(f'input[name="victim-{dimension}-unknown"]').fill("6")
        expect(page.get_by_test_id(f"sum-{dimension}-victim")).to_have_text("6 ✓")
    grid.locator('input[name="victim-referred"]').fill("3")
    assert_accessible(page)
    page.locator("main form button.btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    report = VictimReport.objects.get(period=period, institution=police, status="victim")
    assert (report.total, report.referred) == (6, 3)
    comparison = page.locator('table[data-comparison="victim"]').last
    expect(comparison.locator("thead")).to_contain_text(previous.label)
    total_row = comparison.locator("tbody tr").first
    expect(total_row.locator("td").first).to_have_text("6")
    expect(total_row.locator("td").nth(1)).not_to_have_text("—")


def test_the_police_import_the_grid_from_a_spreadsheet(setting, sign_in, live_server):
    county, period, police = setting
    book = load_workbook(io.BytesIO(sheets.victims_template(age_groups_for(county))))
    sheet = book.worksheets[0]
    sheet.cell(2, 3, 2)  # total of identified victims
    for row in sheet.iter_rows(min_row=4):
        if row[1].value == "Unknown" and row[0].value != "Foreign victims by country":
            sheet.cell(row[0].row, 3, 2)
    buffer = io.BytesIO()
    book.save(buffer)
    page = sign_in("policia")
    page.goto(live_server.url + reverse("cases:victims_import", args=[period.pk, police.pk]))
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "viktima.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}]
    )
    page.locator("main form button.btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert VictimReport.objects.get(period=period, institution=police, status="victim").total == 2


@pytest.mark.parametrize("width", [1280, 390])
def test_the_labour_office_fills_the_employment_grid_row_by_row(
    setting, sign_in, live_server, assert_accessible, width
):
    """Issue 20, point 8: a fixed row per category under visible headers, values never cut,
    the live "cannot be more than the stage before" check, and no axe violation."""
    _county, period, _police = setting
    office = Institution.objects.get(name="Zyra e Punës Durrës")
    page = sign_in("zyra.punes")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("cases:employment_entry", args=[period.pk, office.pk]))
    grid = page.locator("#employment-grid")
    expect(grid.locator("th", has_text="Komunitetet rome dhe egjiptiane")).to_be_visible()
    expect(grid.get_by_role("rowheader", name="Femër · 18–24")).to_have_count(5)  # one per group
    cell = "Persona me aftësi të kufizuara Femër · 18–24 {}"
    received = page.get_by_role("spinbutton", name=cell.format("Të pritur"), exact=True)
    interviewed = page.get_by_role("spinbutton", name=cell.format("Të intervistuar"), exact=True)
    received.fill("43")
    interviewed.fill("50")
    row = grid.locator("tr[data-row]").filter(has=received)
    expect(row.locator("output[data-row-check]")).to_contain_text("nuk mund të jetë më shumë se")
    expect(interviewed).to_have_attribute("aria-invalid", "true")
    # The value is whole in its cell (it read "4:" for 43 at 1280 px).
    assert received.evaluate("input => input.scrollWidth <= input.clientWidth")
    if width == 1280:  # the whole row, its check included, is on the screen without scrolling
        assert grid.evaluate("table => table.parentElement.scrollWidth <= table.parentElement.clientWidth")
    interviewed.fill("40")
    expect(row.locator("output[data-row-check]")).to_have_text("✓")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Ruaj").click()
    expect(page.locator(".alert-success")).to_be_visible()
    saved = EmploymentFunnel.objects.get(period=period, institution=office, group="disability", sex="female")
    assert (saved.received, saved.interviewed, saved.age_group.label) == (43, 40, "18–24")


def test_the_street_date_is_typed_or_picked_from_a_calendar(setting, sign_in, live_server, assert_accessible):
    """Issue 20.10: the street-children date field had no date picker. It is typed as
    03.02.2018 as before, and a button beside it opens the browser's calendar, whose
    choice is written back as the date is typed."""
    _county, period, _police = setting
    page = sign_in("policia")
    page.goto(live_server.url + reverse("cases:street_create", args=[period.pk]))
    field = page.locator("input[data-date-picker]").first
    button = page.get_by_role("button", name="Zgjidhni datën nga kalendari")
    expect(button).to_be_visible()
    assert_accessible(page)
    # What the calendar does once a day is chosen (its own window cannot be driven here).
    page.locator('input[type="date"]').evaluate(
        "n => { n.value = '2018-02-03'; n.dispatchEvent(new Event('change')); }"
    )
    expect(field).to_have_value("03.02.2018")
    field.fill("04.02.2018")  # typing still works
    expect(field).to_have_value("04.02.2018")


def test_a_wrong_date_still_shows_its_message_beside_the_calendar_button(setting, sign_in, live_server):
    _county, period, _police = setting
    page = sign_in("policia")
    page.goto(live_server.url + reverse("cases:street_create", args=[period.pk]))
    page.locator("input[data-date-picker]").first.fill("31.02.2018")
    page.get_by_role("button", name="Ruaj").click()
    feedback = page.locator(".input-group .invalid-feedback").first
    expect(feedback).to_be_visible()
