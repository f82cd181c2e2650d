"""No value is not zero, in the browser: a representative empties the one figure of the
victims grid, saves, the cell opens empty (not 0), and the completeness board shows the
institution's victims part as missing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import VictimReport
from cases.services.victims import VictimGrid, victim_grid_save
from krat.models import Institution, PeriodSubmission
from krat.periods import current_period
from krat.submissions.parts import COMPLETE, part_statuses

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICE = "Drejtoria Vendore e Policisë Durrës"
MISSING_VICTIMS = "Mungon pjesa “Viktimat dhe viktimat e mundshme”"


def test_a_cleared_total_is_no_value_and_the_board_shows_not_reported(demo, sign_in, live_server):
    period = current_period(demo)
    police = Institution.objects.get(name=POLICE)
    victim_grid_save(
        period=period, institution=police, grids={"victim": VictimGrid(total=14)}, versions={"victim": 0}
    )
    submission = PeriodSubmission(period=period, institution=police)
    states = {s.part.key: s.state for s in part_statuses([submission], {})[police.pk]}
    assert states["cases.victims"] == COMPLETE

    page = sign_in("policia")
    page.goto(live_server.url + reverse("cases:victims_entry", args=[period.pk, police.pk]))
    total = page.locator('input[name="victim-total"]')
    expect(total).to_have_value("14")
    expect(page.locator('input[name="victim-sex-female"]')).to_have_value("")  # never entered: not 0
    total.fill("")
    expect(page.get_by_test_id("sum-sex-victim")).to_have_text("—")
    page.locator("main form button.btn-primary").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('input[name="victim-total"]')).to_have_value("")
    assert VictimReport.objects.get(period=period, institution=police, status="victim").total is None

    page.context.clear_cookies()
    page = sign_in("sekretaria")
    page.goto(live_server.url + reverse("krat:submission_board", args=[period.pk]))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=POLICE, exact=True))
    expect(row).to_contain_text(MISSING_VICTIMS)
