"""Every download of an export, a PDF or an API read with case figures leaves a row in the
download log: who, what, which county and period, exact or small numbers hidden (issue 14,
point 8: the national report and the API's grids were missing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import EmploymentFunnel
from cases.services.employment import employment_save
from krat.models import DownloadLog
from krat.report import services as report_services
from meetings import services as meeting_services
from tests.actionplan.factories import PlanFactory
from tests.cases.factories import close_period, intervention, save_victims
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


# --- Every path that carries case figures ---------------------------------------------------------


@pytest.fixture
def figures(world):
    """Figures of every kind in the world's period, and a finalised version of each kind;
    the periods closed, so that their figures are published to observers
    (`krat.access.figures_published`)."""
    save_victims(world.period, world.own_institution, victims=2, potential=9)
    save_victims(world.foreign_period, world.foreign_institution, victims=5)
    world.extra["intervention"] = intervention(world.own, world.own_institution, datetime.date(2018, 2, 3))
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[EmploymentFunnel(group="economic_aid", sex="female", received=4, interviewed=2)],
        expected_stamp=0,  # the grid was never saved
    )
    close_period(world.period)
    close_period(world.foreign_period)
    for number, shared in ((1, False), (2, True)):
        world.extra[f"final_{'shared' if shared else 'table'}"] = report_services.final_report_create(
            period=world.period,
            user=world.users["chair"],
            pdf=b"%PDF-1.4 v" + str(number).encode(),
            shared=shared,
            language="sq",
            reason="" if number == 1 else "Për ndarje",
        )
    return world


def _grid(kind: str, institution: str):
    return lambda w: f"/api/v1/{kind}/{w.period.pk}-{getattr(w, institution).pk}/"


OWN_EXACT = [("own", "period", False)]
OWN_HIDDEN = [("own", "period", True)]

# (who asks, the address, the rows expected: county, period, small numbers hidden)
EXPORTS = {
    "report pdf, table": (
        "secretariat",
        lambda w: reverse("krat:report_pdf", args=[w.period.pk]) + "?ndarje=0",
        OWN_EXACT,
    ),
    "report pdf, observer": (
        "observer",
        lambda w: reverse("krat:report_pdf", args=[w.period.pk]) + "?ndarje=0",
        OWN_HIDDEN,
    ),
    "report xlsx": (
        "national_observer",
        lambda w: reverse("krat:report_xlsx", args=[w.period.pk]),
        OWN_HIDDEN,
    ),
    "finalised, table's": (
        "chair",
        lambda w: reverse("krat:final_report_download", args=[w.extra["final_table"].pk]),
        OWN_EXACT,
    ),
    "finalised, shared": (
        "observer",
        lambda w: reverse("krat:final_report_download", args=[w.extra["final_shared"].pk]),
        OWN_HIDDEN,
    ),
    "victims csv": (
        "representative",
        lambda w: reverse("cases:victims_export", args=[w.period.pk, "csv"]),
        OWN_EXACT,
    ),
    "street xlsx": (
        "observer",
        lambda w: reverse("cases:street_export", args=[w.period.pk, "xlsx"]),
        OWN_HIDDEN,
    ),
    "employment xlsx": (
        "chair",
        lambda w: reverse("cases:employment_export", args=[w.period.pk, "xlsx"]) + "?shared=1",
        OWN_HIDDEN,
    ),
    "national pdf": (
        "national_observer",
        lambda w: reverse("krat:national_report_pdf", args=[w.period.start_date.isoformat()]),
        [("own", "period", True), ("other", "foreign_period", True)],
    ),
    "national xlsx": (
        "national_observer",
        lambda w: reverse("krat:national_report_xlsx", args=[w.period.start_date.isoformat()]),
        [("own", "period", True), ("other", "foreign_period", True)],
    ),
    "api victims grid, own institution": (
        "representative",
        _grid("victim-grids", "own_institution"),
        OWN_EXACT,
    ),
    "api victims grid, observer": ("observer", _grid("victim-grids", "own_institution"), OWN_HIDDEN),
    "api victims grids, national": (
        "national_observer",
        lambda w: "/api/v1/victim-grids/",
        [("own", "period", True), ("other", "foreign_period", True)],
    ),
    "api employment grid": ("secretariat", _grid("employment-grids", "other_institution"), OWN_EXACT),
    "api employment grids": ("observer", lambda w: "/api/v1/employment-grids/", OWN_HIDDEN),
    "api street summary": (
        "national_observer",
        lambda w: f"/api/v1/street-summaries/{w.period.pk}/",
        OWN_HIDDEN,
    ),
    "api street interventions": ("secretariat", lambda w: "/api/v1/street-interventions/", OWN_EXACT),
    "api street intervention": (
        "representative",
        lambda w: f"/api/v1/street-interventions/{w.extra['intervention'].pk}/",
        OWN_EXACT,
    ),
}


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_every_export_of_case_figures_is_logged(figures, as_role, export):
    role, url, expected = EXPORTS[export]
    address = url(figures)
    response = as_role(role).get(address)
    assert response.status_code == 200, export
    logs = DownloadLog.objects.order_by("county__name", "pk")
    assert [(log.county, log.period, log.suppressed) for log in logs] == [
        (getattr(figures, county), getattr(figures, period), hidden) for county, period, hidden in expected
    ], export
    assert {log.user for log in logs} == {figures.users[role]}
    assert {log.path for log in logs} == {address}
    assert all(log.what for log in logs)


def test_an_empty_api_list_and_a_head_log_nothing(figures, as_role):
    """No figures answered, no row: the observer's list of interventions is empty, a HEAD has no body."""
    assert as_role("observer").get("/api/v1/street-interventions/").json()["results"] == []
    assert as_role("secretariat").head(f"/api/v1/street-summaries/{figures.period.pk}/").status_code == 200
    assert not DownloadLog.objects.exists()


def test_a_write_through_the_api_is_not_a_download(figures, as_role):
    """The grid a PUT answers is what its writer just sent: refused or saved, no row."""
    url = f"/api/v1/employment-grids/{figures.period.pk}-{figures.other_institution.pk}/"
    assert as_role("secretariat").put(url, {"rows": []}, content_type="application/json").status_code == 428
    assert not DownloadLog.objects.exists()


def test_the_download_log_page_shows_the_period(figures, as_role):
    as_role("observer").get(reverse("krat:report_pdf", args=[figures.period.pk]))
    page = as_role("secretariat").get(reverse("krat:download_log", args=[figures.own.slug]))
    assert figures.period.label in page.content.decode()


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
    close_period(world.period)  # published to the observer (`krat.access.figures_published`)
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
