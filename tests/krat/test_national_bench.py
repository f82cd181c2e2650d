"""Issue 21, as checked: the benchmark's data at scale 10 (twelve counties, two years, the
ended periods closed as `make bench` has them) drives the national page, PDF and XLSX.

All of it: a tenth of the records made the test slower, not faster (small counts are
what the suppression works hardest on). One county's period is moved off the national
start, so that one county has not reported."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from bench.data.core import generate
from krat.geography import COUNTIES
from krat.models import County, ReportingPeriod, User
from krat.report.national import current_start, national_report
from tests.krat.test_national import national_page
from tests.krat.test_report import flat, pdf_text

pytestmark = pytest.mark.django_db


def test_the_benchmark_s_twelve_counties_in_the_national_page_pdf_and_workbook():
    generate(scale=10, close_ended=True)
    assert County.objects.count() == 12
    # The last national start whose periods are all closed: published in every county.
    start = max(
        day
        for day in ReportingPeriod.objects.values_list("start_date", flat=True).distinct()
        if not ReportingPeriod.objects.filter(start_date=day, is_closed=False).exists()
    )
    assert start < (current_start() or datetime.date.max)
    silent = County.objects.order_by("name").last()
    ReportingPeriod.objects.filter(county=silent, start_date=start).update(
        start_date=start + datetime.timedelta(days=1)
    )

    with translation.override("sq"):  # the page's language: it finds what this read kept
        report = national_report(start)
    rows = {row.county: row for row in report.rows}
    assert sorted(rows) == sorted(COUNTIES) and report.reported == 11
    assert not rows[silent.name].reported
    assert str(rows[silent.name].figure("victims", report.headlines)) == "nuk ka raportuar"
    for total in report.totals:
        cells = [cell for _county, cell in report.column(total.key) if cell.value is not None]
        assert total.current.counted == len(cells) and total.current.of == 12
        if total.current.cell.hidden:
            # Hidden only beside a hidden county figure that it would give away.
            assert any(cell.hidden for cell in cells), total.key
        elif total.current.cell.value is not None:
            assert not any(cell.hidden for cell in cells), total.key
            assert total.current.cell.value == sum(cell.value for cell in cells), total.key

    client = Client()
    client.force_login(User.objects.get(username="bench.national"))
    national_page(client, start, silent.name)

    pdf = client.get(reverse("krat:national_report_pdf", args=[start.isoformat()]))
    text = flat(pdf_text(pdf.content))
    for name in COUNTIES:
        assert name in text
    assert text.count("Nuk ka raportuar: qarku nuk ka periudhë raportimi") == 1

    workbook = client.get(reverse("krat:national_report_xlsx", args=[start.isoformat()]))
    book = load_workbook(io.BytesIO(workbook.content))  # in Albanian: totals, then counties
    totals = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True)}
    counties = list(book.worksheets[1].iter_rows(values_only=True))
    assert sorted(row[0] for row in counties[1:]) == sorted(COUNTIES)
    victims = report.total("victims").current.cell
    if not victims.hidden and victims.value is not None:
        assert victims.value in totals[str(report.total("victims").label)]
    # Typed cells: counts are numbers, not text.
    assert any(isinstance(value, int) for row in counties[1:] for value in row[1:])
