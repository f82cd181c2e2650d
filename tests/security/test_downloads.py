"""Every download of an export or a PDF with case figures leaves one row in the download log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from krat.models import DownloadLog
from meetings import services as meeting_services
from tests.actionplan.factories import PlanFactory
from tests.cases.factories import save_victims
from tests.meetings.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    meeting = MeetingFactory(county=world.own)
    DecisionFactory(meeting=meeting, responsible=world.own_institution)
    return meeting


def _one_log(world, role: str, label: str) -> DownloadLog:
    assert DownloadLog.objects.count() == 1
    log = DownloadLog.objects.get()
    assert log.user == world.users[role]
    assert log.county == world.own
    assert label in log.what
    return log


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("cases:victims_export", "Victims"),
        ("cases:street_export", "Children in street situations"),
        ("cases:employment_export", "Employment"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cases_export_is_logged(world, as_role, name, label, fmt):
    save_victims(world.period, world.own_institution, victims=4)
    response = as_role("observer").get(reverse(name, args=[world.period.pk, fmt]))
    assert response.status_code == 200
    log = _one_log(world, "observer", label)
    assert world.period.label in log.what
    assert log.suppressed  # observers get hidden small numbers


def test_the_secretariat_internal_export_is_logged_as_exact(world, as_role):
    as_role("secretariat").get(reverse("cases:victims_export", args=[world.period.pk, "xlsx"]))
    assert not _one_log(world, "secretariat", "Victims").suppressed


def test_an_unknown_format_logs_nothing(world, as_role):
    response = as_role("observer").get(reverse("cases:victims_export", args=[world.period.pk, "pdf"]))
    assert response.status_code == 404
    assert not DownloadLog.objects.exists()


def test_the_action_plan_export_is_logged(world, as_role):
    plan = PlanFactory(county=world.own, year=2018)
    assert as_role("chair").get(reverse("actionplan:plan_export", args=[plan.pk])).status_code == 200
    _one_log(world, "chair", "2018")


def test_the_decisions_workbook_is_logged(world, as_role, meeting):
    response = as_role("observer").get(reverse("meetings:decisions_xlsx", args=[world.own.slug]))
    assert response.status_code == 200
    _one_log(world, "observer", "Decisions")


@pytest.mark.parametrize(("name", "label"), [("summary_pdf", "summary"), ("invitation_pdf", "Invitation")])
def test_meeting_pdfs_are_logged(world, as_role, meeting, name, label):
    response = as_role("representative").get(reverse(f"meetings:{name}", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    _one_log(world, "representative", label)


def test_an_attachment_download_is_logged(world, as_role, meeting):
    attachment = meeting_services.attachment_add(
        meeting=meeting,
        title="Urdhri i Prefektit",
        upload=SimpleUploadedFile("urdhri.pdf", b"%PDF-1.4 urdhri"),
        user=world.users["secretariat"],
    )
    response = as_role("representative").get(reverse("meetings:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    _one_log(world, "representative", "Urdhri i Prefektit")
