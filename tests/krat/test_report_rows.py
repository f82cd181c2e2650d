"""The report's long tables written by `krat.templatetags.report_rows` and the apps' own
(`meetings_report`, `actionplan_report`) are byte for byte what the template loops they
replace wrote, hostile text and missing values included."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from krat.suppression import exact, hidden_cell, no_value

HOSTILE = '<script>alert("x")</script> & "Tiranë" \'1\''


@dataclass
class Row:
    name: str = HOSTILE
    state_label: str = "Dorëzuar"
    submitted_at: datetime.datetime | None = None


@dataclass
class DecisionRow:
    text: str = HOSTILE
    responsible: str = "Policia <b>"
    due_date: datetime.date | None = datetime.date(2018, 4, 25)
    status_label: str = "Në proces"


@dataclass
class EventRow:
    date: datetime.date = datetime.date(2018, 4, 25)
    title: str = HOSTILE
    municipality: str = "Durrës & Shijak"
    target_groups: tuple = ("Fëmijë <12", "Të rinj")
    reached_cell: object = None


#: Each tag and the loop of the report's section templates it replaced.
LOOPS = {
    "institution_rows": (
        "{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.state_label }}</td>"
        '<td>{{ row.submitted_at|date:"d.m.Y"|default:"—" }}</td></tr>{% endfor %}'
    ),
    "decision_rows": (
        '{% for d in rows %}<tr><td class="text">{{ d.text }}</td><td>{{ d.responsible }}</td>'
        '<td>{{ d.due_date|date:"d.m.Y"|default:"—" }}</td><td>{{ d.status_label }}</td></tr>{% endfor %}'
    ),
    "held_event_rows": (
        '{% for e in rows %}<tr><td>{{ e.date|date:"d.m.Y" }}</td><td>{{ e.title }}</td>'
        '<td>{{ e.municipality }}</td><td>{{ e.target_groups|join:", " }}</td>'
        '<td class="num">{{ e.reached_cell }}</td></tr>{% endfor %}'
    ),
    "planned_event_rows": (
        '{% for e in rows %}<tr><td>{{ e.date|date:"d.m.Y" }}</td><td>{{ e.title }}</td>'
        '<td>{{ e.municipality }}</td><td>{{ e.target_groups|join:", " }}</td></tr>{% endfor %}'
    ),
    "tally_rows": (
        '{% for o in rows %}<tr><td>{{ o.label }}</td><td class="num">{{ o.done }}</td>'
        '<td class="num">{{ o.on_track }}</td><td class="num">{{ o.overdue }}</td>'
        '<td class="num">{{ o.cancelled }}</td><td class="num">{{ o.total }}</td></tr>{% endfor %}'
    ),
    "overdue_rows": (
        "{% for o in rows %}<tr><td>{{ o.code }}</td><td>{{ o.description }}</td><td>{{ o.lead }}</td>"
        '<td>{{ o.deadline|date:"d.m.Y" }}</td><td>{{ o.status_label }}</td>'
        '<td class="num" data-testid="achieved-{{ o.code }}">{% if o.achieved is None %}—{% else %}'
        '{{ o.achieved|floatformat:"-2" }}{% endif %} / {{ o.target|floatformat:"-2" }} {{ o.unit }}</td>'
        "</tr>{% endfor %}"
    ),
    "cells": (
        '{% for cell in rows %}<td class="num{% if cell.hidden %} hidden-cell{% endif %}">'
        "{% if cell is None %}—{% else %}{{ cell }}{% endif %}</td>{% endfor %}"
    ),
}

#: The library of each tag: the core's, or the app's whose section writes it.
LIBRARIES = {
    "institution_rows": "report_rows",
    "cells": "report_rows",
    "decision_rows": "meetings_report",
    "held_event_rows": "actionplan_report",
    "planned_event_rows": "actionplan_report",
    "tally_rows": "actionplan_report",
    "overdue_rows": "actionplan_report",
}

ROWS = {
    "institution_rows": [
        Row(),
        Row(submitted_at=datetime.datetime(2018, 4, 30, 23, 30, tzinfo=datetime.UTC)),  # 1 May in Tirana
    ],
    "decision_rows": [DecisionRow(), DecisionRow(due_date=None)],
    "held_event_rows": [
        EventRow(reached_cell=exact(1680)),
        EventRow(reached_cell=hidden_cell(2, 3)),
        EventRow(reached_cell=no_value()),
        EventRow(target_groups=()),
    ],
    "planned_event_rows": [EventRow(), EventRow(target_groups=("<i>",))],
    "tally_rows": [
        {"label": HOSTILE, "done": 1680, "on_track": 0, "overdue": 3, "cancelled": 1, "total": 1684},
    ],
    "overdue_rows": [
        {
            "code": '1.2"',
            "description": HOSTILE,
            "lead": "Zyra e Punës",
            "deadline": datetime.date(2018, 3, 31),
            "status_label": "Vonuar",
            "achieved": None,
            "target": Decimal("10.50"),
            "unit": "<sesione>",
        },
        {
            "code": "2",
            "description": "b",
            "lead": "c",
            "deadline": datetime.date(2018, 3, 1),
            "status_label": "d",
            "achieved": Decimal("1234.5"),
            "target": Decimal(2000),
            "unit": "",
        },
    ],
    "cells": [exact(1680), hidden_cell(1, 3), None, no_value(), 7, hidden_cell(12, 3)],
}


@pytest.mark.parametrize("language", ["sq", "en"])
@pytest.mark.parametrize("tag", sorted(LOOPS))
def test_each_tag_writes_what_its_loop_wrote(tag, language):
    with translation.override(language), timezone.override("Europe/Tirane"):
        loop = Template("{% load i18n %}" + LOOPS[tag]).render(Context({"rows": ROWS[tag]}))
        written = Template("{% load " + LIBRARIES[tag] + " %}{% " + tag + " rows %}").render(
            Context({"rows": ROWS[tag]})
        )
    assert written == loop
    assert "<script>" not in written


def test_every_loop_of_the_report_sections_it_replaced_is_gone():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    body = "".join(path.read_text() for path in sorted(templates.glob("*/report_section_*.html")))
    assert "report_cells.html" not in body and "{% for o in p.overdue %}" not in body
    for tag in LOOPS:
        assert "{% " + tag + " " in body, tag


def test_the_core_writes_only_its_own_rows():
    """Issue 17, point 3: the apps' tables are written by their own libraries."""
    from krat.templatetags.report_rows import register

    assert set(register.tags) == {tag for tag, library in LIBRARIES.items() if library == "report_rows"}
