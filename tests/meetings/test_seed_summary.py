"""The model meeting of 25.04.2018, entered in full through the services, printed and read back."""

from __future__ import annotations

import datetime
import re
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from krat.choices import InstitutionKind
from krat.models import Institution
from krat.services import membership_start
from meetings import seed, services
from meetings.choices import AttendanceStatus, MeetingStatus
from meetings.models import AgendaItem, Decision, Meeting
from tests.meetings.factories import aware

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return flat(result.stdout.decode())


def pypdf_text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position}: …{text[position : position + 300]}…"
        position = found + len(part)


@pytest.fixture
def seed_meeting(world):
    """The seed meeting entered as the secretariat would, service by service."""
    county = world.own
    county.prefecture_address = "Lagjja 1, Rruga Prokop Mima, Durrës"
    county.save()
    names = {presenter for _t, presenter, _d in seed.AGENDA} | {r for _t, r, _d, _i in seed.DECISIONS}
    institutions = {
        name: Institution.objects.get_or_create(
            county=county, name=name, defaults={"kind": InstitutionKind.OTHER}
        )[0]
        for name in names
    }
    for institution in institutions.values():  # the table named by the Prefect's order of 2018
        if not institution.memberships.exists():
            membership_start(institution=institution, start_date=datetime.date(2018, 1, 1))
    chair = world.users["chair"]
    chair.first_name, chair.last_name, chair.job_title = "Agron", "Meçaj", "Sekretar i Përgjithshëm"
    chair.save()

    meeting = Meeting(
        county=county,
        title=seed.TITLE,
        starts_at=aware(seed.DATE),
        place=seed.PLACE,
        chair=chair,
        action_plan_label=seed.ACTION_PLAN,
        period=world.period,
        introduction=seed.INTRODUCTION,
    )
    services.meeting_save(meeting=meeting, expected_version=None)
    items = [
        services.agenda_item_save(
            item=AgendaItem(meeting=meeting, title=title, presenter=institutions[presenter]),
            expected_version=None,
        )
        for title, presenter, _discussion in seed.AGENDA
    ]
    services.meeting_set_status(meeting=meeting, status=MeetingStatus.HELD)
    meeting.chair_remarks = seed.CHAIR_REMARKS
    services.minutes_save(meeting=meeting, expected_version=meeting.version)
    for item, (_title, _presenter, discussion) in zip(items, seed.AGENDA, strict=True):
        item.discussion = discussion
        services.agenda_item_save(item=item, expected_version=item.version)
    services.attendance_record(
        meeting=meeting,
        rows=[
            services.AttendanceRow(institution, AttendanceStatus.PRESENT)
            for name, institution in institutions.items()
        ]
        + [services.AttendanceRow(world.own_institution, AttendanceStatus.EXCUSED)],
        expected_version=meeting.version,
    )
    for text, responsible, due, item_number in seed.DECISIONS:
        services.decision_save(
            decision=Decision(
                meeting=meeting,
                text=text,
                responsible=institutions[responsible],
                due_date=due,
                agenda_item=items[item_number - 1],
            ),
            expected_version=None,
        )
    services.minutes_approve(meeting=meeting, user=chair, expected_version=meeting.version)
    return meeting


SQ_PARTS = [
    "Prefektura e Qarkut Durrës",
    "Lagjja 1, Rruga Prokop Mima, Durrës",
    "Dt: 25.04.2018",
    "Takim me Tryezën Teknike (KRAT-i)",
    "Në bazë të planit të veprimit të KRAT 2018",
    "Rendi i ditës",
    "1. Vlerësimin e situatës deri tani kundër trafikimit të personave.",
    "2. Numri i viktimave të trafikimit.",
    "3. Situata e grupeve vurnerabel",
    "4. Problemi i fëmijeve në situatë rruge",
    "5. Realizimi i aktiviteteve sensibilizuese dhe ndërgjegjësuese",
    "Fjala hyrëse e kryesuesit",
    "Sekretari i Përgjithshëm Z. Agron Meçaj",
    "çelësi i suksesit qëndron në bashkërendimin",
    "Diskutimi",
    "periudhën janar – prill 2018",
    "përfaqësuesja e Zyrës së Punës bëri një panoramë të detajuar",
    "drejt formimit profesional",
    "Fëmijët në situatë rruge ishte një aspekt i ndjeshëm",
    "një takim me strukturat e qyteteve nga të cilat vijnë këta fëmijë",
    "Çështje tjetër që u diskutua",
    "Vendimet",
    "program masash",
    "31.05.2018",
    "takim me strukturat e qyteteve",
    "kalendari i aktiviteteve",
    "15.05.2018",
    "Pjesëmarrja",
    "Morën pjesë 4 nga 5 institucionet anëtare.",
    "Me arsye: Policia Durrës.",
    "Kryesuesi i takimit",
    "Sekretar i Përgjithshëm",
    "Agron Meçaj",
]


def test_the_seed_meeting_prints_every_part_in_order_in_albanian(world, client, seed_meeting):
    client.force_login(world.users["observer"])
    response = client.get(reverse("meetings:summary_pdf", args=[seed_meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "permbledhja-2018-04-25-v1-sq.pdf" in response["Content-Disposition"]  # approved: version 1
    text = pdftotext(response.content)
    assert_in_order(text, SQ_PARTS)
    assert "Faqja 1 nga 2" in text or "Faqja 1 nga 3" in text
    # pypdf reads the same letters back: ë and ç are real characters, not lookalikes.
    read = pypdf_text(response.content)
    for word in ["Tryezën", "çelësi", "Çështje", "fëmijë", "Përgjithshëm"]:
        assert word in read


def test_the_same_summary_prints_in_english_on_request(world, client, seed_meeting):
    client.force_login(world.users["chair"])
    response = client.get(reverse("meetings:summary_pdf", args=[seed_meeting.pk]) + "?lang=en")
    text = pdftotext(response.content)
    assert_in_order(
        text,
        ["Dt: 25.04.2018", "Agenda", "The chair's opening remarks", "Discussion", "Decisions", "Attendance"],
    )
    assert "4 of 5 member institutions attended." in text
    assert re.search(r"Page 1 of \d", text)
    assert "çelësi" in text  # the minutes themselves stay as written


def test_the_print_page_holds_the_same_parts(world, client, seed_meeting):
    client.force_login(world.users["representative"])
    page = client.get(reverse("meetings:summary", args=[seed_meeting.pk])).content.decode()
    text = flat(re.sub(r"<[^>]+>", " ", page))
    assert_in_order(text, [p for p in SQ_PARTS if not p.startswith(("1.", "2.", "3.", "4.", "5."))])


def test_a_later_meeting_carries_the_open_decisions(world, client, seed_meeting):
    later = Meeting(county=world.own, title="Takimi i radhës", starts_at=aware(seed.DATE.replace(month=9)))
    services.meeting_save(meeting=later, expected_version=None)
    client.force_login(world.users["secretariat"])
    text = pdftotext(client.get(reverse("meetings:summary_pdf", args=[later.pk])).content)
    assert_in_order(text, ["Vendime në pritje nga takimet e mëparshme", "program masash", "kalendari"])
