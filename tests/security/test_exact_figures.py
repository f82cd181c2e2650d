"""Observers never receive exact figures (issue 14, point 2).

The rule is `krat.access.sees_exact_figures`: the county's secretariat and chair see its
figures exact, a representative its own institution's; the county observer and the
national observers always get the version for sharing, small numbers hidden. The audit
found the finalised report's table version (exact figures, `shared=False`) listed to and
downloadable by observers: "2" in their hands where their own PDF says "< 3". These tests
try every path an observer has to the figures, with the parameters a curious one would.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from krat import access
from krat.models import FinalReport
from krat.report import services
from tests.cases.factories import close_period, intervention, save_victims
from tests.krat.test_report import pdf_text

pytestmark = pytest.mark.django_db

OBSERVERS = ["observer", "national_observer"]
TABLE = ["secretariat", "chair"]
HIDDEN = "< 3"  # the world's counties hide counts from 1 to 2


@pytest.fixture
def figures(world):
    """Two victims (a small number) and nine potential victims in the world's period, and
    an intervention that met two girls; the period closed, so that its figures are
    published to observers (`krat.access.figures_published`; before, they get none:
    tests/security/test_publication.py)."""
    save_victims(world.period, world.own_institution, victims=2, potential=9)
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2)
    close_period(world.period)
    return world


def _final(world, *, shared: bool, number: int) -> FinalReport:
    pdf = b"%PDF-1.4 " + (b"for sharing" if shared else b"for the table")
    return services.final_report_create(
        period=world.period,
        user=world.users["chair"],
        pdf=pdf,
        shared=shared,
        language="sq",
        reason="" if number == 1 else "Version për ndarje",
    )


@pytest.fixture
def versions(world):
    """Version 1 made for the table (exact figures), version 2 for sharing (the period
    closed first: a version for sharing waits for it)."""
    close_period(world.period)
    return _final(world, shared=False, number=1), _final(world, shared=True, number=2)


# --- The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "whole_county", "own_institution", "other_institution"),
    [
        ("secretariat", True, True, True),
        ("chair", True, True, True),
        ("representative", False, True, False),
        ("other_representative", False, False, True),
        ("observer", False, False, False),
        ("national_observer", False, False, False),
        ("other_secretariat", False, False, False),
    ],
)
def test_who_sees_exact_figures(world, role, whole_county, own_institution, other_institution):
    user = world.users[role]
    assert access.sees_exact_figures(user, world.own) is whole_county
    assert access.sees_exact_figures(user, world.own, world.own_institution) is own_institution
    assert access.sees_exact_figures(user, world.own, world.other_institution) is other_institution


def test_a_representative_never_sees_another_countys_figures_exact_through_a_mixed_pair(world):
    """Another county with an institution of the representative's own: not theirs."""
    representative = world.users["representative"]
    assert not access.sees_exact_figures(representative, world.other, world.own_institution)
    assert not access.sees_exact_figures(representative, world.other, world.foreign_institution)


def test_the_anonymous_visitor_sees_nothing_exact(world):
    from django.contrib.auth.models import AnonymousUser

    assert not access.sees_exact_figures(AnonymousUser(), world.own)
    assert not access.sees_exact_figures(AnonymousUser(), world.own, world.own_institution)


# --- Finalised versions ------------------------------------------------------------------------


@pytest.mark.parametrize("role", OBSERVERS)
def test_an_observer_cannot_download_the_tables_version(world, client, versions, role):
    table, shared = versions
    client.force_login(world.users[role])
    url = reverse("krat:final_report_download", args=[table.pk])
    for method in ("get", "head"):
        assert getattr(client, method)(url).status_code == 404
    assert client.post(url).status_code == 405  # a download is read with GET only, by anyone
    response = client.get(reverse("krat:final_report_download", args=[shared.pk]))
    assert response.status_code == 200
    assert response.content == bytes(shared.pdf)


@pytest.mark.parametrize("role", TABLE)
def test_the_table_downloads_both_versions(world, client, versions, role):
    client.force_login(world.users[role])
    for final in versions:
        response = client.get(reverse("krat:final_report_download", args=[final.pk]))
        assert response.status_code == 200
        assert response.content == bytes(final.pdf)


@pytest.mark.parametrize(("role", "status"), [("representative", 403), ("other_secretariat", 404)])
def test_readers_outside_the_county_report_get_neither_version(world, client, versions, role, status):
    client.force_login(world.users[role])
    for final in versions:
        assert client.get(reverse("krat:final_report_download", args=[final.pk])).status_code == status


@pytest.mark.parametrize("role", OBSERVERS)
def test_an_observer_is_not_listed_the_tables_version(world, client, versions, role):
    table, shared = versions
    client.force_login(world.users[role])
    page = client.get(reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0")
    assert page.status_code == 200
    assert [row.pk for row in page.context["finals"]] == [shared.pk]
    html = page.content.decode()
    assert reverse("krat:final_report_download", args=[shared.pk]) in html
    assert reverse("krat:final_report_download", args=[table.pk]) not in html


@pytest.mark.parametrize("role", TABLE)
def test_the_table_is_listed_every_version(world, client, versions, role):
    client.force_login(world.users[role])
    page = client.get(reverse("krat:report_preview", args=[world.period.pk]))
    assert [row.pk for row in page.context["finals"]] == [v.pk for v in reversed(versions)]


def test_the_leak_as_found_is_closed(figures, client):
    """The chair finalises the table's version and a version for sharing; the observer's
    own PDF says "< 3", and the table's version, which says 2, never reaches them."""
    world = figures
    client.force_login(world.users["chair"])
    url = reverse("krat:report_finalise", args=[world.period.pk])
    assert client.post(url, {"language": "en", "confirmed": "on"}).status_code == 302
    shared = {"language": "en", "shared": "on", "reason": "Për prefektin", "confirmed": "on"}
    assert client.post(url, shared).status_code == 302
    table = FinalReport.objects.get(period=world.period, shared=False)
    shared = FinalReport.objects.get(period=world.period, shared=True)
    assert not _pdf(FakeResponse(bytes(table.pdf)))
    assert _pdf(FakeResponse(bytes(shared.pdf)))

    client.force_login(world.users["observer"])
    assert client.get(reverse("krat:final_report_download", args=[table.pk])).status_code == 404
    assert _pdf(client.get(reverse("krat:final_report_download", args=[shared.pk])))


# --- Every other path to the figures -------------------------------------------------------------


class FakeResponse:
    def __init__(self, content: bytes):
        self.content = content


def _page(response) -> bool:
    return "&lt; 3" in response.content.decode()


def _pdf(response) -> bool:
    return re.search(r"<\s?3\b", pdf_text(response.content)) is not None  # pdftotext may close the gap


def _report_xlsx(response) -> bool:
    victims = load_workbook(io.BytesIO(response.content))["Victims"]
    totals = [row[3] for row in victims.iter_rows(min_row=2, values_only=True) if row[1] == "Total"]
    return totals[0] == HIDDEN


def _csv(response) -> bool:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return HIDDEN in content.decode("utf-8-sig")


def _cases_xlsx(response) -> bool:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    totals = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "Total"]
    return totals[0] == HIDDEN


def _victim_grid(response) -> bool:
    victims = next(s for s in response.json()["statuses"] if s["status"] == "victim")
    return response.json()["suppressed"] and victims["total"] is None and victims["total_suppressed"]


def _victim_grid_list(response) -> bool:
    rows = response.json()["results"]
    return bool(rows) and all(_victim_grid_payload(row) for row in rows)


def _victim_grid_payload(payload) -> bool:
    victims = next(s for s in payload["statuses"] if s["status"] == "victim")
    return payload["suppressed"] and victims["total"] is None


def _street_summary(response) -> bool:
    payload = response.json()
    return payload["suppressed"] and payload["children"] == {"count": None, "suppressed": True}


def _no_interventions(response) -> bool:
    return response.json()["results"] == []


# Each path with the parameters that ask for the exact version (which a reader outside
# the table must not get), and how to tell that small numbers were hidden.
COUNTY_PATHS = {
    "report preview": (lambda w: reverse("krat:report_preview", args=[w.period.pk]) + "?ndarje=0", _page),
    "report pdf": (lambda w: reverse("krat:report_pdf", args=[w.period.pk]) + "?ndarje=0&lang=en", _pdf),
    "report xlsx": (
        lambda w: reverse("krat:report_xlsx", args=[w.period.pk]) + "?ndarje=0&lang=en",
        _report_xlsx,
    ),
    "victims page": (lambda w: reverse("cases:victims", args=[w.period.pk]) + "?ndarje=0&shared=0", _page),
    "victims csv": (
        lambda w: reverse("cases:victims_export", args=[w.period.pk, "csv"]) + "?shared=0",
        _csv,
    ),
    "victims xlsx": (
        lambda w: reverse("cases:victims_export", args=[w.period.pk, "xlsx"]) + "?shared=0",
        _cases_xlsx,
    ),
    "dashboard": (lambda w: reverse("krat:dashboard", args=[w.own.slug]), _page),
    "api grid": (
        lambda w: f"/api/v1/victim-grids/{w.period.pk}-{w.own_institution.pk}/?shared=0",
        _victim_grid,
    ),
    "api grids": (lambda w: f"/api/v1/victim-grids/?period={w.period.pk}&shared=0", _victim_grid_list),
    "street page": (lambda w: reverse("cases:street", args=[w.period.pk]) + "?shared=0", _page),
    "street csv": (lambda w: reverse("cases:street_export", args=[w.period.pk, "csv"]) + "?shared=0", _csv),
    "api street summary": (lambda w: f"/api/v1/street-summaries/{w.period.pk}/", _street_summary),
    "api interventions": (lambda w: f"/api/v1/street-interventions/?period={w.period.pk}", _no_interventions),
}


@pytest.mark.parametrize("path", sorted(COUNTY_PATHS))
@pytest.mark.parametrize("role", OBSERVERS)
def test_an_observer_gets_small_numbers_hidden_on_every_path(figures, as_role, role, path):
    url, hidden = COUNTY_PATHS[path]
    response = as_role(role).get(url(figures), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert hidden(response), path


@pytest.mark.parametrize(
    "path",
    ["report preview", "report pdf", "report xlsx", "victims csv", "victims xlsx", "api grid", "street csv"],
)
def test_the_table_asking_for_exact_figures_gets_them(figures, as_role, path):
    """The same paths with the same parameters do give the table exact figures: the
    observers' hidden numbers above are the rule, not a broken export."""
    url, hidden = COUNTY_PATHS[path]
    response = as_role("secretariat").get(url(figures), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not hidden(response), path


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("krat:national_report", _page),
        ("krat:national_report_pdf", _pdf),
        ("krat:national_report_xlsx", None),
    ],
)
def test_the_national_report_hides_small_numbers(figures, client, name, hidden):
    client.force_login(figures.users["national_observer"])
    url = reverse(name, args=[figures.period.start_date.isoformat()]) + "?ndarje=0&lang=en"
    response = client.get(url)
    assert response.status_code == 200
    if hidden is None:
        rows = list(load_workbook(io.BytesIO(response.content))["Counties"].iter_rows(values_only=True))
        durres = dict(zip(rows[0], next(row for row in rows if row[0] == "Durrës"), strict=True))
        assert (durres["Identified victims"], durres["Potential victims"]) == (HIDDEN, 9)
    else:
        assert hidden(response)
