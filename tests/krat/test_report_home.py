"""Issue 20.1: a representative's home is the report in hand, its parts come back to it,
and its state is "started" once figures are saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from krat.models import PeriodSubmission, SubmissionState
from krat.submissions.selectors import BoardState, submission_board
from tests.cases.factories import save_victims
from tests.factories import PeriodFactory
from tests.krat.access_cases import make_submission

pytestmark = pytest.mark.django_db


def test_the_representative_lands_on_the_report_due_first_not_yet_in(world, client):
    later = PeriodFactory(
        county=world.own,
        label="Maj – Gusht 2018",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2018, 8, 31),
        deadline=datetime.date(2018, 9, 10),
    )
    client.force_login(world.users["representative"])
    home = client.get(reverse("krat:home"))
    assert home["Location"] == reverse(
        "krat:submission_open", args=[world.period.pk, world.own_institution.pk]
    )
    submitted = make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    assert client.get(reverse("krat:home"))["Location"] == reverse(
        "krat:submission_open", args=[later.pk, world.own_institution.pk]
    )
    make_submission(later, world.own_institution, SubmissionState.SUBMITTED)
    # Everything in: the first report by deadline, as it stands.
    assert client.get(reverse("krat:home"))["Location"] == reverse(
        "krat:submission_detail", args=[submitted.pk]
    )


@pytest.mark.parametrize("role", ["secretariat", "chair", "observer"])
def test_the_others_land_on_their_county(world, client, role):
    client.force_login(world.users[role])
    assert client.get(reverse("krat:home"))["Location"] == reverse("krat:dashboard", args=[world.own.slug])


def test_figures_saved_before_the_text_make_the_report_started_without_writing_a_row(world, client):
    save_victims(world.period, world.own_institution, 2)
    row = next(
        r for r in submission_board(period=world.period).rows if r.institution == world.own_institution
    )
    assert row.state == BoardState.DRAFT and row.is_started
    assert not PeriodSubmission.objects.exists()  # reading wrote nothing
    client.force_login(world.users["representative"])
    page = client.get(reverse("krat:submission_open", args=[world.period.pk, world.own_institution.pk]))
    assert "Shifrat po hidhen" in page.content.decode()


def test_a_part_saved_from_the_report_comes_back_to_it_and_only_to_this_site(world, client):
    from cases.selectors.grids import victim_grid_versions

    client.force_login(world.users["representative"])
    report = reverse("krat:submission_open", args=[world.period.pk, world.own_institution.pk])
    entry = reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk])
    page = client.get(report).content.decode()
    assert f'href="{entry}?next=' in page

    def save(next_url: str, total: str):
        versions = victim_grid_versions(period=world.period, institution=world.own_institution)
        data = {
            "victim-total": total,
            "victim-version": versions.get("victim", 0),
            "potential-version": versions.get("potential", 0),
        }
        for dimension in ("sex", "age", "exploitation", "citizenship", "movement", "identified_by"):
            data[f"victim-{dimension}-unknown"] = total
        return client.post(entry + "?next=" + next_url, data)

    assert save(report, "2")["Location"] == report
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = save(hostile, "3")
        assert response.status_code == 302 and response["Location"] == entry, hostile
