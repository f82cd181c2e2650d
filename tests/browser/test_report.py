"""The coordination report in the browser: from the period list to the PDF download."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: How long a download may take to start: the server builds the PDF first (WeasyPrint, a
#: few seconds; several times that on a loaded machine running two suites). A wait, not a
#: measure of speed (`make bench` measures that): the browser's default of 10 s failed on
#: such a machine.
PDF_WAIT_MS = 120_000


def test_the_secretariat_downloads_the_report_pdf_from_the_preview(
    full_demo, sign_in, live_server, assert_accessible, tmp_path
):
    page = sign_in("sekretaria")
    page.goto(live_server.url + reverse("krat:period_list", args=[full_demo.slug]))
    page.get_by_role("link", name="Raporti").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raporti i koordinimit")
    expect(
        page.get_by_role("heading", name="4. Viktimat dhe viktimat e mundshme të trafikimit")
    ).to_be_visible()
    page.get_by_role("link", name="Për ndarje").click()
    expect(page.get_by_text("Numrat e vegjël fshihen")).to_be_visible()
    assert_accessible(page)
    with page.expect_download(timeout=PDF_WAIT_MS) as info:
        page.get_by_role("link", name="Shkarko PDF").click()
    download = info.value
    target = tmp_path / "raporti.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True).stdout.decode()
    assert "Raporti i koordinimit" in text and "Përmbajtja" in text


def test_long_work_shows_it_is_working_and_is_not_sent_twice(full_demo, sign_in, live_server):
    """Issue 20 point 6: the PDF link and a POST form read as busy once clicked, and a second
    click sends nothing more."""
    from krat.models import DownloadLog, ReportingPeriod

    period = ReportingPeriod.objects.filter(county=full_demo).order_by("-start_date").first()
    page = sign_in("sekretaria")
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))

    page.goto(live_server.url + reverse("krat:report_preview", args=[period.pk]))
    link = page.get_by_role("link", name="Shkarko PDF")
    before = DownloadLog.objects.count()  # each PDF built is logged (a download is no page request)
    with page.expect_download(timeout=PDF_WAIT_MS):
        link.click()
        expect(link).to_have_attribute("aria-busy", "true")
        link.click()  # the impatient second click
    page.wait_for_timeout(500)  # a second request, were there one, would be on its way
    assert DownloadLog.objects.count() == before + 1

    page.goto(live_server.url + reverse("krat:submission_board", args=[period.pk]))
    button = page.get_by_role("button", name="Kujto të gjithë ata që nuk kanë dorëzuar")
    if button.count():
        remind_path = reverse("krat:submission_remind", args=[period.pk])
        button.dblclick()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tabela e plotësisë")
        assert [m for m, url in sent if remind_path in url] == ["POST"]


def test_the_preview_prints_without_its_buttons_and_forms(full_demo, sign_in, live_server):
    """Issue 20 point 5: a print button, and the printed page is the report alone."""
    from krat.models import ReportingPeriod

    period = ReportingPeriod.objects.filter(county=full_demo).order_by("-start_date").first()
    page = sign_in("kryetari")
    page.goto(live_server.url + reverse("krat:report_preview", args=[period.pk]))
    expect(page.get_by_role("button", name="Printo")).to_be_visible()
    expect(page.get_by_role("button", name="Finalizo raportin")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (
        page.get_by_role("button", name="Printo"),
        page.get_by_role("link", name="Shkarko PDF"),
        page.get_by_role("button", name="Finalizo raportin"),
        page.get_by_role("navigation", name="Navigimi kryesor"),
    ):
        expect(hidden).to_be_hidden()
    expect(
        page.get_by_role("heading", name="4. Viktimat dhe viktimat e mundshme të trafikimit")
    ).to_be_visible()


def test_the_chair_prints_the_period_report_in_two_clicks_and_finalises_after_a_warning(
    full_demo, sign_in, live_server, assert_accessible
):
    """Issue 20.5: the chair's home shows what waits for them; the period report is one
    click from it and printed with the second; finalising says what the report lacks."""
    from krat.models import FinalReport

    page = sign_in("kryetari")  # lands on the county's dashboard
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    desk = page.get_by_role("region", name="Ju presin")
    expect(desk).to_be_visible()
    assert_accessible(page)
    clicks = 0
    desk.get_by_role("link", name="Hap raportin").first.click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raporti i koordinimit")
    page.get_by_role("button", name="Printo").click()
    clicks += 1
    assert page.evaluate("window.__printed") == 1 and clicks == 2
    before = FinalReport.objects.count()
    page.get_by_role("button", name="Finalizo raportin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finalizo raportin")
    expect(page.get_by_text("Para se ta finalizoni, vini re çfarë i mungon raportit:")).to_be_visible()
    assert FinalReport.objects.count() == before  # nothing stored before confirming
    assert_accessible(page)
    page.get_by_role("button", name="Finalizoje gjithsesi").click()
    expect(page.get_by_text("u finalizua")).to_be_visible()
    assert FinalReport.objects.count() == before + 1
