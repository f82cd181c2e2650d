"""An open period's case figures reach no reader who does not see them exact.

Small-number suppression holds for one snapshot; a tester broke it with two. As the
observer she downloaded the victims of an open period, the secretariat entered one
victim, and she downloaded again: the county's total 1686→1687, "Female" +1, "Sexual
exploitation" +1, "Albanian" +1, and "who has reported" named the institution — a count
of 1 and its attributes. The rule (`krat.access.figures_published`, DHIS2's data
approval): those readers get a period's figures only once it is closed. These tests are
that attacker: every URL an observer can reach that carries case figures answers the
same before and after one more record, and gives the figures once the period is closed.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import EmploymentFunnel
from cases.services.employment import employment_save, employment_stamp
from krat import access
from tests.cases.factories import close_period, intervention, save_victims
from tests.factories import InstitutionFactory
from tests.krat.test_report import pdf_text

pytestmark = pytest.mark.django_db

NOTE = "The figures of this period are published when the period is closed."


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _html(response) -> str:
    """The page without what changes on every request (CSP nonces, CSRF tokens, the
    seconds left of the idle session)."""
    text = _content(response).decode()
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'data-seconds-left="[^"]*"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _xlsx(response) -> list:
    """Every sheet's cells (a workbook's bytes hold the moment it was written)."""
    book = load_workbook(io.BytesIO(_content(response)))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def _pdf(response) -> str:
    return pdf_text(_content(response))


def _json(response):
    return response.json()


def _csv(response) -> str:
    return _content(response).decode("utf-8-sig")


def _county_paths(world) -> dict:
    """Every URL of the county's case figures a county observer can ask for, and how to
    read its answer."""
    pk = world.period.pk
    grid = f"{pk}-{world.own_institution.pk}"
    labour = f"{pk}-{world.other_institution.pk}"
    return {
        "victims page": (reverse("cases:victims", args=[pk]), _html),
        "street page": (reverse("cases:street", args=[pk]), _html),
        "employment page": (reverse("cases:employment", args=[pk]), _html),
        **{
            f"{kind} {fmt}": (reverse(f"cases:{kind}_export", args=[pk, fmt]), reader)
            for kind in ("victims", "street", "employment")
            for fmt, reader in (("csv", _csv), ("xlsx", _xlsx))
        },
        "dashboard": (reverse("krat:dashboard", args=[world.own.slug]), _html),
        "report preview": (reverse("krat:report_preview", args=[pk]), _html),
        # Which institution's part turns from missing to entered is a case figure too.
        "completeness board": (reverse("krat:submission_board", args=[pk]), _html),
        "police's report": (reverse("krat:submission_open", args=[pk, world.own_institution.pk]), _html),
        "report pdf": (reverse("krat:report_pdf", args=[pk]) + "?lang=en", _pdf),
        "report xlsx": (reverse("krat:report_xlsx", args=[pk]) + "?lang=en", _xlsx),
        "api victim grids": (f"/api/v1/victim-grids/?period={pk}", _json),
        "api victim grid": (f"/api/v1/victim-grids/{grid}/", _json),
        "api employment grids": (f"/api/v1/employment-grids/?period={pk}", _json),
        "api employment grid": (f"/api/v1/employment-grids/{labour}/", _json),
        "api street summary": (f"/api/v1/street-summaries/{pk}/", _json),
        "api interventions": (f"/api/v1/street-interventions/?period={pk}", _json),
    }


def _national_paths(world) -> dict:
    start = world.period.start_date.isoformat()
    return {
        "national page": (reverse("krat:national_report", args=[start]), _html),
        "national pdf": (reverse("krat:national_report_pdf", args=[start]) + "?lang=en", _pdf),
        "national xlsx": (reverse("krat:national_report_xlsx", args=[start]) + "?lang=en", _xlsx),
    }


def _download(client, paths: dict) -> dict:
    found = {}
    for name, (url, read) in paths.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        found[name] = (response.status_code, read(response) if response.status_code == 200 else None)
    return found


def _labour_row(received: int) -> EmploymentFunnel:
    values = dict.fromkeys(EmploymentFunnel.STAGES, 0)
    values.update(received=received, interviewed=received)
    return EmploymentFunnel(group="economic_aid", sex="female", age_group=None, **values)


@pytest.fixture
def ngo(world):
    return InstitutionFactory(county=world.own, name="Qendra Tjetër Vizion", kind="ngo")


@pytest.fixture
def open_period(world):
    """An open period with figures: the police's 7 victims, 2 interventions, the labour
    office's path."""
    save_victims(world.period, world.own_institution, 7, 2, sex={"female": 4, "male": 3})
    for day in (3, 4):
        intervention(world.own, world.own_institution, datetime.date(2018, 2, day), girls=2, boys=2)
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[_labour_row(12)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    return world


def _one_more(world, ngo) -> None:
    """What the secretariat enters between two downloads: one victim (a woman), one
    intervention that met one girl, one more person received by the labour office."""
    save_victims(world.period, ngo, 1, sex={"female": 1})
    intervention(world.own, world.own_institution, datetime.date(2018, 3, 5), girls=1)
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[_labour_row(13)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )


@pytest.mark.parametrize("role", ["observer", "national_observer"])
def test_two_downloads_of_an_open_period_tell_an_observer_nothing(open_period, ngo, as_role, role):
    world = open_period
    paths = _county_paths(world)
    if role == "national_observer":
        paths.update(_national_paths(world))
    client = as_role(role)
    before = _download(client, paths)
    _one_more(world, ngo)
    after = _download(client, paths)
    for name in paths:
        assert after[name] == before[name], name
    # Not by being refused everything: the pages say when the figures come.
    page = before["victims page"][1]
    assert NOTE in page and ngo.name not in page and "Who has reported" not in page
    assert "not yet published" in before["dashboard"][1]
    assert before["victims csv"][0] == before["api victim grid"][0] == 404
    assert before["api victim grids"][1]["results"] == []
    assert NOTE in before["report pdf"][1]
    if role == "national_observer":
        assert "not yet published" in before["national page"][1]


@pytest.mark.parametrize("role", ["observer", "national_observer"])
def test_once_closed_the_observer_gets_the_figures_small_numbers_hidden(open_period, ngo, as_role, role):
    world = open_period
    _one_more(world, ngo)
    close_period(world.period)
    client = as_role(role)
    page = client.get(reverse("cases:victims", args=[world.period.pk])).content.decode()
    assert NOTE not in page and "&lt; 3" in page and ngo.name in page  # the NGO's 1, hidden
    export = client.get(reverse("cases:victims_export", args=[world.period.pk, "csv"]))
    assert export.status_code == 200 and "< 3" in _csv(export)
    grids = client.get(f"/api/v1/victim-grids/?period={world.period.pk}").json()["results"]
    assert len(grids) == 2 and all(g["suppressed"] for g in grids)
    assert client.get(f"/api/v1/street-summaries/{world.period.pk}/").status_code == 200
    assert (
        "not yet published"
        not in client.get(reverse("krat:dashboard", args=[world.own.slug])).content.decode()
    )
    assert NOTE not in _pdf(client.get(reverse("krat:report_pdf", args=[world.period.pk]) + "?lang=en"))
    if role == "national_observer":
        start = world.period.start_date.isoformat()
        national = client.get(reverse("krat:national_report", args=[start])).content.decode()
        assert "not yet published" not in national.split("Durrës", 1)[1].split("</tr>", 1)[0]


def test_the_board_names_who_entered_case_figures_only_once_published(open_period, ngo, as_role):
    """Found by a tester: the observer's completeness board showed the NGO's part
    "Victims" turn from missing to entered between two visits, which names the institution
    of the one new record. The parts that tell of case figures come with the figures."""
    world = open_period  # the NGO has entered no victims yet
    url = reverse("krat:submission_board", args=[world.period.pk])
    page = as_role("observer").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "is shown once the period is closed" in page and "Victims" not in page
    # The secretariat, who sees the figures exact, sees the parts as they are.
    table = as_role("secretariat").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "is shown once the period is closed" not in table
        and "“Victims and potential victims” is missing" in table
    )
    close_period(world.period)
    page = as_role("observer").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "is shown once the period is closed" not in page
        and "“Victims and potential victims” is missing" in page
    )


def test_the_representative_keeps_its_own_figures_and_gets_none_of_the_countys(open_period, ngo, as_role):
    """A representative sees its own institution's figures exact as they are entered, and
    the county's only once published: it could difference the county's as an observer."""
    world = open_period
    client = as_role("representative")
    summary = reverse("cases:victims", args=[world.period.pk])
    own_export = reverse("cases:victims_export", args=[world.period.pk, "csv"])
    before = _html(client.get(summary))
    assert NOTE in before and ngo.name not in before
    assert reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk]) in before
    assert own_export in before  # its own institution's export
    own = _csv(client.get(own_export))
    entry = client.get(reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk]))
    assert entry.status_code == 200
    assert (
        client.get(f"/api/v1/victim-grids/{world.period.pk}-{world.own_institution.pk}/").json()["suppressed"]
        is False
    )
    _one_more(world, ngo)
    assert _html(client.get(summary)) == before
    assert _csv(client.get(own_export)) == own  # the police's own figures, not the NGO's


def test_the_table_reads_an_open_period_as_before(open_period, ngo, as_role):
    world = open_period
    _one_more(world, ngo)
    for role in ("secretariat", "chair"):
        client = as_role(role)
        page = client.get(reverse("cases:victims", args=[world.period.pk])).content.decode()
        assert NOTE not in page and ngo.name in page
        rows = _csv(client.get(reverse("cases:victims_export", args=[world.period.pk, "csv"])))
        assert "8" in rows  # 7 + 1, exact


def test_the_rule(world):
    period = world.period
    for role in ("secretariat", "chair"):
        assert access.figures_published(world.users[role], period)
    for role in ("observer", "national_observer", "representative", "other_secretariat"):
        assert not access.figures_published(world.users[role], period)
    representative = world.users["representative"]
    assert access.figures_published(representative, period, world.own_institution)
    assert not access.figures_published(representative, period, world.other_institution)
    close_period(period)
    for role in ("observer", "national_observer", "representative"):
        assert access.figures_published(world.users[role], period)


def test_an_open_period_is_no_comparison_column_for_an_observer(world, as_role):
    """A closed period read beside an open one: the open one's column would change under
    the observer as its figures are entered."""
    from tests.factories import PeriodFactory

    later = PeriodFactory(
        county=world.own,
        label="Maj – Gusht 2018",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2018, 8, 31),
        deadline=datetime.date(2018, 9, 10),
    )
    save_victims(world.period, world.own_institution, 6)
    save_victims(later, world.own_institution, 5)
    close_period(later)  # the later period closed, the earlier (its "previous") still open
    url = reverse("cases:victims", args=[later.pk])
    observer = as_role("observer").get(url).context["summary"]
    assert observer.previous is None
    assert observer.statuses[0].total[1] is None
    secretariat = as_role("secretariat").get(url).context["summary"]
    assert secretariat.previous.pk == world.period.pk
    assert str(secretariat.statuses[0].total[1]) == "6"
