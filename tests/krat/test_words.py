"""One way to write each word (locale/GLOSSARY.md): months in running text, figure names."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from krat.report.selectors import headline_labels
from krat.words import in_text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Shtator – Dhjetor 2026", "shtator – dhjetor 2026"),
        ("Janar – Prill 2018", "janar – prill 2018"),
        ("Marsi i vitit 2018", "marsi i vitit 2018"),
        ("Periudha e parë 2018", "Periudha e parë 2018"),
        ("Majmuna", "Majmuna"),
    ],
)
def test_months_are_lower_case_inside_albanian_running_text(label, expected):
    with translation.override("sq"):
        assert in_text(label) == expected
    with translation.override("en"):
        assert in_text(label) == label


def test_the_filter_puts_a_label_inside_a_sentence():
    template = Template("{% load words %}Afati për {{ label|in_text }} · {{ label }}")
    with translation.override("sq"):
        text = template.render(Context({"label": "Shtator – Dhjetor 2026"}))
    assert text == "Afati për shtator – dhjetor 2026 · Shtator – Dhjetor 2026"


def test_a_representative_s_report_page_names_the_period_in_lower_case(world, login):
    from krat.models import SubmissionState
    from tests.krat.access_cases import make_submission

    submission = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    page = login(world.users["secretariat"]).get(reverse("krat:submission_detail", args=[submission.pk]))
    assert page.status_code == 200
    assert "Raporti: Policia Durrës, janar – prill 2018" in page.content.decode()


def test_each_figure_has_the_dashboard_s_name_in_the_national_report():
    with translation.override("sq"):
        labels = {key: str(label) for key, label in headline_labels().items()}
    assert labels["received"] == "Të pritur nga zyra e punës"
    assert labels["victims"] == "Viktima të identifikuara"
    assert labels["children"] == "Fëmijët në situatë rruge"
