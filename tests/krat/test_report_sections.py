"""The period report is composed of its sections (issue 17, point 3): each section declares
the template that writes its body (`krat.contributions.ReportSection.template`), and the
core's templates write every section in order without naming any app's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from krat import contributions
from krat.contributions import AppContribution, ReportContext, ReportSection
from krat.report import selectors

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
#: The templates the core writes the report with: the body, the preview, the PDF and its
#: own sections'.
CORE_TEMPLATES = (
    "krat/report_body.html",
    "krat/report_document.html",
    "pdf/report.html",
    *(f"krat/report_section_{section.key}.html" for section in selectors.CORE_SECTIONS),
)


@dataclass(frozen=True)
class Extra:
    text: str
    has_data: bool


def _extra(context: ReportContext) -> Extra:
    return Extra(text=f"<Period> {context.period.label}", has_data=True)


@pytest.fixture
def extra_section(settings, tmp_path):
    """A test app contributing one section, between the action plan's (80) and the annex (90),
    with its own template."""
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "report_section_extra.html").write_text(
        "{# The test app's section: `data` is an `Extra`. #}\n"
        '  <p class="extra">{{ data.text }}{% if pdf %} (PDF){% endif %}{{ report.county.name }}</p>\n'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    contributions.register(
        AppContribution(
            app="extra",
            order=99,
            report_sections=(
                ReportSection(
                    key="extra",
                    order=85,
                    title=lambda: "Extra section",
                    build=_extra,
                    template="extra/report_section_extra.html",
                ),
            ),
        )
    )
    yield
    contributions.unregister("extra")


def _section(html: str, number: int, period_label: str) -> str:
    """The extra section as the body writes it: its heading, numbered, then its template."""
    return (
        '<section class="report-section" id="extra">\n'
        f"  <h2>{number}. Extra section</h2>\n"
        f'  <p class="extra">&lt;Period&gt; {period_label}{html}</p>\n'
        "</section>"
    )


def test_an_apps_section_is_written_in_its_place_numbered_in_the_preview_and_the_pdf(
    extra_section, world, client
):
    keys = [section.key for section in selectors.sections()]
    assert keys[-3:] == ["plan", "extra", "annex"]
    number = keys.index("extra") + 1
    label = world.period.label

    client.force_login(world.users["secretariat"])
    response = client.get(reverse("krat:report_preview", args=[world.period.pk]))
    assert response.status_code == 200
    preview = response.content.decode()
    assert _section("", number, label) in preview  # given only its data: no `report`
    assert preview.index('id="plan"') < preview.index('id="extra"') < preview.index('id="annex"')
    assert f"<h2>{number + 1}. {selectors.section_titles()['annex']}</h2>" in preview

    report = selectors.period_report(world.own, world.period, shared=False)
    pdf = render_to_string("pdf/report.html", {"report": report})
    assert _section(" (PDF)", number, label) in pdf
    assert f'<li><a href="#extra">{number}. Extra section</a></li>' in pdf
    assert pdf.index('id="plan"') < pdf.index('id="extra"') < pdf.index('id="annex"')


def test_without_the_apps_the_report_holds_the_cores_sections_alone(world, monkeypatch):
    monkeypatch.setattr(contributions, "_registry", {})
    report = selectors.period_report(world.own, world.period, shared=False)
    assert [s.key for s in report.sections] == ["summary", "institutions", "annex"]
    for template in ("krat/report_document.html", "pdf/report.html"):
        html = render_to_string(template, {"report": report})
        assert re.findall(r'<section class="report-section[^"]*" id="(\w+)">', html) == [
            "summary",
            "institutions",
            "annex",
        ]
        assert "3. " + report.titles["annex"] in html


def test_the_cores_templates_name_no_apps_section():
    core = {section.key for section in selectors.CORE_SECTIONS}
    apps = {section.key for section in selectors.sections()} - core
    assert apps  # the installed apps contribute sections
    for name in CORE_TEMPLATES:
        text = (ROOT / "templates" / name).read_text()
        named = {key for key in apps if re.search(rf"\b{key}\b", text)}
        assert named == set(), name
