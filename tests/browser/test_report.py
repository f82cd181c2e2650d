"""The coordination report in the browser: from the period list to the PDF download."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    with page.expect_download() as info:
        page.get_by_role("link", name="Shkarko PDF").click()
    download = info.value
    target = tmp_path / "raporti.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True).stdout.decode()
    assert "Raporti i koordinimit" in text and "Përmbajtja" in text
