"""The printed period report (issues 17 and 18): every table is laid out `fixed`, so no
column is sized by measuring its text and a long address wraps inside the A4 page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from actionplan.models import Activity
from cases.models import VictimReport
from krat.models import County, Institution, ReportingPeriod, User
from krat.pdf import PDF_BASE_URL
from krat.report import selectors
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


def _table_boxes(box):
    from weasyprint.formatting_structure.boxes import TableBox

    if isinstance(box, TableBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _table_boxes(child)


def test_every_table_of_the_report_is_laid_out_fixed(demo):
    """A table in automatic layout is sized by laying out every cell's text for its widths
    before the real layout, and widened by its longest word: none is left in the report."""
    from weasyprint import HTML

    county, period = demo
    with translation.override("sq"):
        report = selectors.period_report(county, period, shared=False)
        html = render_to_string("pdf/report.html", {"report": report})
    document = HTML(string=html, base_url=PDF_BASE_URL).render()
    # `_page_box` is WeasyPrint's laid-out page: the only way to read a box's computed style.
    tables = [table for page in document.pages for table in _table_boxes(page._page_box)]
    assert len(tables) > 10
    assert {table.style["table_layout"] for table in tables} == {"fixed"}


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
