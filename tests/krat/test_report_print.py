"""The printed period report (issues 17 and 18): its tables are laid out `fixed`, so a long
address wraps inside its column and the A4 page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import Activity
from cases.models import VictimReport
from krat.models import County, Institution, ReportingPeriod, User
from tests.meetings.test_print import RIGHT_MARGIN, URL
from tests.pdf_layout import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    county = County.objects.get(slug="durres")
    period = (
        ReportingPeriod.objects.filter(
            county=county,
            pk__in=VictimReport.objects.values("period_id"),
            start_date__lte=datetime.date.today(),
        )
        .order_by("-start_date")
        .first()
    )
    return county, period


def test_a_long_address_in_a_figures_table_wraps_inside_the_page(demo, client):
    """The lead institutions' table lists figures beside each name: a 180-character address
    as a name wraps inside its column and every figure column stays on the page."""
    county, period = demo
    leads = Activity.objects.filter(plan__county=county, plan__year=period.start_date.year)
    Institution.objects.filter(pk__in=leads.values("lead_institution")[:1]).update(name=URL)
    client.force_login(User.objects.get(username="sekretaria"))
    response = client.get(reverse("krat:report_pdf", args=[period.pk]) + "?ndarje=0")
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    for page in pages:
        outside = [w.text for w in page.words if w.x_max > page.width - RIGHT_MARGIN + 1]
        assert outside == []
    # The address is printed whole, in pieces on consecutive lines of its cell.
    text = "".join(word.text for page in pages for word in page.words)
    assert URL in text
