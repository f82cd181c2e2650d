"""Numbers as the reader's language writes them: 1.680 in Albanian, whole-number chart axes."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from actionplan.choices import EventStatus
from krat.charts import Series, bar_chart, hbar_chart
from krat.numbers import format_number, format_percent
from krat.suppression import exact, hidden_cell
from tests.actionplan.factories import EventFactory

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sq", ["1.680", "12,5", "25.000", "0", "1.234.567,25", "15%"]),
        ("en", ["1,680", "12.5", "25,000", "0", "1,234,567.25", "15%"]),
    ],
)
def test_numbers_are_grouped_as_the_language_writes_them(language, expected):
    with translation.override(language):
        shown = [format_number(v) for v in (1680, Decimal("12.50"), Decimal("25000.00"), 0, 1234567.25)]
        assert [*shown, format_percent(15)] == expected
    assert format_number(None) is None and format_number("< 3") == "< 3"


def test_the_template_filters_and_a_count_s_cell_print_the_same():
    template = Template("{% load numbers %}{{ n|number }} {{ share|percent }} {{ cell }} {{ small }}")
    with translation.override("sq"):
        text = template.render(
            Context({"n": 1680, "share": 15, "cell": exact(1680), "small": hidden_cell(2, 3)})
        )
    assert text == "1.680 15% 1.680 &lt; 3"


def test_a_year_and_an_id_are_not_grouped():
    """Grouping is asked for, never global: a year stays 2026."""
    with translation.override("sq"):
        assert Template("{{ year }}").render(Context({"year": 2026})) == "2026"


def _axis_labels(chart) -> list[str]:
    root = ET.fromstring(str(chart.svg))
    return [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]


@pytest.mark.parametrize(
    ("highest", "labels"),
    [
        (45, ["0", "20", "40", "60"]),
        (7, ["0", "2", "4", "6", "8"]),
        (3, ["0", "1", "2", "3"]),
        (0, ["0", "1"]),
    ],
)
def test_a_chart_of_counts_has_whole_number_ticks(highest, labels):
    with translation.override("sq"):
        chart = bar_chart(["Janar", "Shkurt"], [Series("Fëmijë", [highest, 0])], title="t")
    assert _axis_labels(chart) == labels


def test_chart_labels_group_thousands():
    with translation.override("sq"):
        chart = hbar_chart(["Të regjistruar"], [Series("2026", [1680])], title="t")
        axis = bar_chart(["Janar"], [Series("s", [1680])], title="t")
    root = ET.fromstring(str(chart.svg))
    assert "Të regjistruar: 2026 1.680" in root.find(f"{SVG}desc").text
    assert _axis_labels(axis) == ["0", "500", "1.000", "1.500", "2.000"]


def test_a_page_prints_people_reached_with_the_separator(world, login):
    event = EventFactory(
        county=world.own, title="Fushata", status=EventStatus.HELD, people_reached=1680,
        date=datetime.date(2018, 3, 1), organiser=world.own_institution,
    )  # fmt: skip
    page = login(world.users["secretariat"]).get(reverse("actionplan:event_detail", args=[event.pk]))
    assert page.status_code == 200 and "1.680" in page.content.decode()
