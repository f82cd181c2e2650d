"""A period report's whole journey in the browser: fill and submit, return, fix and
resubmit, approve, and the board at 100 %."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from krat.membership import period_members
from krat.models import PeriodSubmission, SubmissionState
from krat.periods import current_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICE = "Drejtoria Vendore e Policisë Durrës"
SECTIONS = {
    "Vlerësimi i situatës": "Rritje e lypjes me fëmijë në plazh gjatë verës.",
    "Zbatimi i planit të veprimit": "Patrullime të përbashkëta çdo fundjavë.",
    "Bashkëpunimi me institucionet e tjera": "Me NJMF-në dhe Shërbimin Social.",
    "Problemet e hasura": "Mungesë përkthyesish.",
    "Propozimet": "Një njësi e lëvizshme gjatë sezonit.",
}


def everyone_else_has_submitted(county):
    """The other member institutions are done, so the board reaches 100 % with the police."""
    period = current_period(county)
    now = timezone.now()
    for institution in period_members(period).exclude(name=POLICE):
        PeriodSubmission.objects.update_or_create(
            period=period,
            institution=institution,
            defaults={"state": SubmissionState.SUBMITTED, "submitted_at": now},
        )
    return period


def switch_user(page, sign_in, username):
    page.context.clear_cookies()
    return sign_in(username)


def test_fill_submit_return_fix_resubmit_approve(demo, sign_in, live_server, assert_accessible):
    period = everyone_else_has_submitted(demo)

    # The police representative fills the report in, saves a draft, then submits.
    page = sign_in("policia")
    nav = page.get_by_role("navigation", name="Navigimi kryesor")
    nav.get_by_role("link", name="Raportet e mia").click()
    expect(page.get_by_role("heading", name=period.label)).to_be_visible()
    expect(page.get_by_text("pa filluar")).to_be_visible()
    page.get_by_role("button", name="Fillo raportin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(POLICE)
    assert_accessible(page)
    for label, text in SECTIONS.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Ruaj draftin").click()
    expect(page.get_by_text("Drafti u ruajt.")).to_be_visible()
    page.get_by_role("button", name="Dorëzoje te sekretaria").click()
    expect(page.get_by_text("Plotësoni këtë seksion ose shënoni “nuk ka për të raportuar”.")).to_be_visible()
    page.get_by_label("Rezultatet: nuk ka për të raportuar").check()
    # The police report victims and street children; none this period is an answer too.
    expect(page.get_by_text("Mungon pjesa “Viktimat dhe viktimat e mundshme”")).to_be_visible()
    page.get_by_label("Viktimat dhe viktimat e mundshme: nuk ka për të raportuar").check()
    page.get_by_label("Fëmijët në situatë rruge: nuk ka për të raportuar").check()
    page.get_by_role("button", name="Dorëzoje te sekretaria").click()
    expect(page.get_by_text("Raporti iu dorëzua sekretarisë.")).to_be_visible()
    expect(page.get_by_text("Nuk ka për të raportuar këtë periudhë.")).to_be_visible()

    # The secretariat returns it with a comment; the representative gets an e-mail.
    page = switch_user(page, sign_in, "sekretaria")
    page.get_by_role("navigation", name="Navigimi kryesor").get_by_role("link", name="Plotësia").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.label)
    assert_accessible(page)
    page.get_by_role("link", name=f"Hap raportin — {POLICE}").click()
    page.get_by_label("Çfarë duhet të korrigjojë institucioni?").fill("Shtoni numrin e patrullimeve.")
    page.get_by_role("button", name="Ktheje te institucioni").click()
    expect(page.get_by_text("Raporti iu kthye institucionit")).to_be_visible()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["policia@demo.krat.invalid"]
    assert "Shtoni numrin e patrullimeve." in mail.outbox[0].body

    # The representative sees the comment, fixes the report and submits again.
    page = switch_user(page, sign_in, "policia")
    page.get_by_role("navigation", name="Navigimi kryesor").get_by_role("link", name="Raportet e mia").click()
    expect(page.get_by_text("Shtoni numrin e patrullimeve.")).to_be_visible()
    page.get_by_role("link", name="Vazhdo raportin").click()
    page.get_by_label("Zbatimi i planit të veprimit", exact=True).fill(
        "Dymbëdhjetë patrullime të përbashkëta."
    )
    page.get_by_role("button", name="Dorëzoje te sekretaria").click()
    expect(page.get_by_text("Raporti iu dorëzua sekretarisë.")).to_be_visible()

    # Editing now is refused with a message.
    submission = PeriodSubmission.objects.get(period=period, institution__name=POLICE)
    page.goto(live_server.url + reverse("krat:submission_edit", args=[submission.pk]))
    expect(page.get_by_text("Ky raport është dorëzuar dhe nuk mund të ndryshohet më")).to_be_visible()

    # The secretariat approves; the board shows 100 %.
    page = switch_user(page, sign_in, "sekretaria")
    page.goto(live_server.url + reverse("krat:submission_detail", args=[submission.pk]))
    expect(page.get_by_text("Dymbëdhjetë patrullime të përbashkëta.")).to_be_visible()
    page.get_by_role("button", name="Mirato").click()
    expect(page.get_by_text("Raporti u miratua dhe tani është i kyçur.")).to_be_visible()
    page.get_by_role("link", name="Kthehu te tabela e plotësisë").click()
    expect(page.get_by_text(re.compile(r"Plotësuar 100%"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(POLICE))).to_contain_text("miratuar")
    assert_accessible(page)


def test_the_representative_submits_the_report_with_figures_from_home_in_at_most_8_clicks(
    demo, sign_in, live_server, assert_accessible
):
    """Issue 20.1 (16 clicks before): home is the report in hand; its parts open from it and
    come back to it; the state reads "started" once figures are saved."""
    from cases.models import VictimReport
    from krat.models import Institution

    period = current_period(demo)
    police = Institution.objects.get(name=POLICE)
    page = sign_in("policia")  # the log-in lands on the report in hand
    clicks = 0
    expect(page.get_by_role("heading", level=1)).to_contain_text(POLICE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(period.label, re.I))
    expect(page.get_by_text("pa filluar")).to_be_visible()
    missing = page.get_by_role("region", name="Mungon ende para se ta dorëzoni")
    expect(missing).to_contain_text("Viktimat dhe viktimat e mundshme")
    assert_accessible(page)

    missing.get_by_role("link", name="Viktimat dhe viktimat e mundshme").click()
    clicks += 1
    grid = page.locator("#victims-grid")
    grid.locator('input[name="victim-total"]').fill("2")
    for dimension in ("sex", "age", "exploitation", "citizenship", "movement", "identified_by"):
        grid.locator(f'input[name="victim-{dimension}-unknown"]').fill("2")
    grid.locator('input[name="victim-referred"]').fill("1")
    page.locator("main form button.btn-primary").click()
    clicks += 1
    # Back on the report, which now reads as started.
    expect(page.get_by_role("heading", level=1)).to_contain_text(POLICE)
    expect(page.get_by_text("pa filluar")).to_have_count(0)
    expect(page.get_by_text("draft", exact=True)).to_be_visible()
    assert VictimReport.objects.filter(period=period, institution=police).exists()

    page.get_by_role("button", name="Fillo raportin").click()
    clicks += 1
    for label, text in SECTIONS.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Rezultatet: nuk ka për të raportuar").check()
    clicks += 1
    page.get_by_label("Fëmijët në situatë rruge: nuk ka për të raportuar").check()
    clicks += 1
    page.get_by_role("button", name="Dorëzoje te sekretaria").click()
    clicks += 1
    expect(page.get_by_text("Raporti iu dorëzua sekretarisë.")).to_be_visible()
    submission = PeriodSubmission.objects.get(period=period, institution=police)
    assert submission.state == SubmissionState.SUBMITTED
    assert clicks <= 8, clicks
