"""The printed minutes keep every column on the A4 page, however long a word or address."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.choices import DecisionStatus
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.pdf_layout import MM, pdf_pages

URL = "https://www.example.org/udhezime/" + "mbrojtja-e-femijeve-ne-situate-rruge/" * 4
LONG_WORD = "Kundër" + "trafikimit" * 8
RIGHT_MARGIN = 18 * MM


def test_the_address_is_long_enough():
    assert len(URL) >= 180 and " " not in URL


@pytest.fixture
def long_decisions(world):
    meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
    DecisionFactory(
        meeting=meeting,
        text=f"Udhëzimi gjendet në {URL}",
        responsible=world.own_institution,
        status=DecisionStatus.IN_PROGRESS,
    )
    for number in range(24):
        DecisionFactory(
            meeting=meeting,
            text=f"Vendimi {number}: {LONG_WORD}",
            responsible=world.own_institution,
            status=DecisionStatus.IN_PROGRESS,
        )
    return meeting


def test_every_column_of_the_decisions_stays_inside_the_page(world, client, long_decisions):
    client.force_login(world.users["secretariat"])
    pages = pdf_pages(client.get(reverse("meetings:summary_pdf", args=[long_decisions.pk])).content)
    assert len(pages) > 1
    for page in pages:
        outside = [w.text for w in page.words if w.x_max > page.width - RIGHT_MARGIN + 1]
        assert outside == []
    text = " ".join(page.text for page in pages)
    # Each of the 25 rows shows its due date and its status: no column was pushed away.
    assert text.count("31.05.2018") == 25
    assert text.count("zbatim") == 25


HEADINGS = {"Rendi i ditës", "Vendimet", "Pjesëmarrja", "Diskutimi", "Fjala hyrëse e kryesuesit"}
SIGNATURE = {"Kryesuesi", "i", "takimit", "Ana", "Mbiemri1"}


def _body_lines(page) -> list[str]:
    """The page's lines between its running header and footer, top to bottom."""
    lines: dict[int, list] = {}
    for word in page.words:
        if 22 * MM <= word.y_min <= page.height - 20 * MM:
            lines.setdefault(round(word.y_min), []).append(word)
    return [" ".join(w.text for w in sorted(lines[y], key=lambda w: w.x_min)) for y in sorted(lines)]


def test_no_heading_ends_a_page_and_no_signature_stands_alone(world, client):
    """However many decisions push the end of the minutes down the page, a section's heading
    goes over with its table and the signature with the text before it."""
    client.force_login(world.users["secretariat"])
    meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
    for number in range(3):
        AgendaItemFactory(meeting=meeting, title=f"Pika {number}", discussion="U diskutua gjerësisht. " * 20)
    checked = 0
    for number in range(12):
        DecisionFactory(meeting=meeting, text=f"Vendimi numër {number} për ndjekjen e rasteve.")
        pages = pdf_pages(client.get(reverse("meetings:summary_pdf", args=[meeting.pk])).content)
        for page in pages:
            lines = _body_lines(page)
            assert lines and lines[-1] not in HEADINGS, (number, lines[-3:])
            assert not re.fullmatch(r"\d+\. Pika \d+", lines[-1]), (number, lines[-3:])
            assert not set(" ".join(lines).split()) <= SIGNATURE, (number, lines)
        checked += len(pages)
    assert checked > 12  # the minutes ran onto a second page along the way
