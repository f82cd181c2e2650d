"""The victims grid and period submissions over the API: small numbers hidden as on the
pages, the form's rules on write, If-Match on every write."""

import pytest

from cases.models import VictimReport
from krat.models import PeriodSubmission, SubmissionState
from krat.submissions.services import submission_open
from tests.cases.factories import save_victims


def grid_url(world, institution=None) -> str:
    return f"/api/v1/victim-grids/{world.period.pk}-{(institution or world.own_institution).pk}/"


def body(victims: int, female: int = 0, potential: int | None = None) -> dict:
    def status(name, total, female):
        cells = [
            {"dimension": d, "category": "unknown", "count": total}
            for d in ("age", "exploitation", "citizenship", "movement", "identified_by")
        ]
        cells += [
            {"dimension": "sex", "category": "female", "count": female},
            {"dimension": "sex", "category": "unknown", "count": total - female},
        ]
        return {"status": name, "total": total, "referred": 0, "cells": cells}

    statuses = [status("victim", victims, female)]
    if potential is not None:
        statuses.append(status("potential", potential, 0))
    return {"statuses": statuses}


def cell(payload, status, dimension, category):
    grid = next(s for s in payload["statuses"] if s["status"] == status)
    return next(c for c in grid["cells"] if (c["dimension"], c["category"]) == (dimension, category))


@pytest.mark.django_db
def test_the_reporting_institution_sees_its_figures_exact(api, world):
    save_victims(world.period, world.own_institution, 4, 1, sex={"female": 2})
    response = api(world.users["representative"]).get(grid_url(world))
    assert response.status_code == 200
    payload = response.json()
    assert payload["suppressed"] is False
    victims = next(s for s in payload["statuses"] if s["status"] == "victim")
    assert (victims["total"], victims["total_suppressed"]) == (4, False)
    assert cell(payload, "victim", "sex", "female") == {
        "dimension": "sex",
        "category": "female",
        "count": 2,
        "suppressed": False,
    }
    report = VictimReport.objects.get(status="victim")
    potential = VictimReport.objects.get(status="potential")
    assert (
        response["ETag"]
        == f'W/"{world.period.pk}-{world.own_institution.pk}-{report.version}.{potential.version}"'
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "other_representative", "national_observer"])
def test_readers_without_exact_figures_get_small_numbers_hidden(api, world, role):
    save_victims(world.period, world.own_institution, 4, 1, sex={"female": 2})
    # Nothing of an open period (`krat.access.figures_published`), then its sharing version.
    assert api(world.users[role]).get(grid_url(world)).status_code == 404
    world.period.is_closed = True
    world.period.save()
    payload = api(world.users[role]).get(grid_url(world)).json()
    assert payload["suppressed"] is True
    female = cell(payload, "victim", "sex", "female")
    assert (female["count"], female["suppressed"]) == (None, True)
    potential = next(s for s in payload["statuses"] if s["status"] == "potential")
    assert (potential["total"], potential["total_suppressed"]) == (None, True)
    assert "2" not in {str(c["count"]) for c in potential["cells"]}


@pytest.mark.django_db
def test_the_list_has_one_grid_per_reporting_institution_filtered_by_period(api, world):
    save_victims(world.period, world.own_institution, 4, 1)
    client = api(world.users["chair"])
    payload = client.get("/api/v1/victim-grids/").json()
    assert payload["count"] == 1
    assert payload["results"][0]["key"] == f"{world.period.pk}-{world.own_institution.pk}"
    assert client.get(f"/api/v1/victim-grids/?period={world.foreign_period.pk}").json()["count"] == 0
    assert api(world.users["other_secretariat"]).get("/api/v1/victim-grids/").json()["count"] == 0


@pytest.mark.django_db
def test_a_grid_is_written_whole_with_if_match(api, world):
    client = api(world.users["representative"])
    etag = client.get(grid_url(world))["ETag"]
    assert client.put(grid_url(world), body(5, 3), format="json").status_code == 428
    response = client.put(grid_url(world), body(5, 3), format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert cell(response.json()["grid"], "victim", "sex", "female")["count"] == 3
    assert VictimReport.objects.get(status="victim").total == 5
    stale = client.put(grid_url(world), body(6, 3), format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert VictimReport.objects.get(status="victim").total == 5


@pytest.mark.django_db
def test_a_grid_that_does_not_add_up_is_refused_field_by_field(api, world):
    client = api(world.users["secretariat"], language="en")
    etag = client.get(grid_url(world))["ETag"]
    wrong = body(5, 3)
    wrong["statuses"][0]["cells"][-1]["count"] = 1  # every sex given, adding up to 4, not 5
    wrong["statuses"][0]["cells"].append({"dimension": "sex", "category": "male", "count": 0})
    response = client.put(grid_url(world), wrong, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert "adds up to 4, not to the total 5" in response.json()["victim.sex"][0]
    assert not VictimReport.objects.exists()


@pytest.mark.django_db
def test_an_empty_cell_reads_as_null_not_suppressed_and_writes_as_no_value(api, world):
    """No value is not zero: `null` with `suppressed: false`, and a grid written empty has
    not reported."""
    save_victims(world.period, world.own_institution, 5, sex={"female": 5})
    client = api(world.users["representative"])
    payload = client.get(grid_url(world)).json()
    assert cell(payload, "victim", "sex", "female") == {
        "dimension": "sex",
        "category": "female",
        "count": 5,
        "suppressed": False,
    }
    assert cell(payload, "victim", "sex", "male") == {
        "dimension": "sex",
        "category": "male",
        "count": None,
        "suppressed": False,
    }
    etag = client.get(grid_url(world))["ETag"]
    emptied = {
        "statuses": [
            {
                "status": "victim",
                "total": None,
                "cells": [{"dimension": "sex", "category": "female", "count": None}],
            }
        ]
    }
    response = client.put(grid_url(world), emptied, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    victim = next(s for s in response.json()["grid"]["statuses"] if s["status"] == "victim")
    assert (victim["total"], victim["total_suppressed"], victim["referred"]) == (None, False, None)
    assert not VictimReport.objects.get(status="victim").cells.exists()
    # Listed only while it holds figures: the potential victims' zero still does.
    assert client.get("/api/v1/victim-grids/").json()["count"] == 1
    etag = client.get(grid_url(world))["ETag"]
    emptied["statuses"].append({"status": "potential"})
    assert client.put(grid_url(world), emptied, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert client.get("/api/v1/victim-grids/").json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_representative", "observer", "chair"])
def test_only_the_institution_and_the_secretariat_write_its_grid(api, world, role):
    client = api(world.users[role])
    # A reader is not given an open period's grid nor its ETag; the write is refused
    # before any ETag is checked.
    etag = client.get(grid_url(world)).get("ETag", 'W/"0"')
    assert client.put(grid_url(world), body(1), format="json", HTTP_IF_MATCH=etag).status_code == 403


@pytest.mark.django_db
def test_another_countys_grid_does_not_exist(api, world):
    client = api(world.users["other_secretariat"])
    assert client.get(grid_url(world)).status_code == 404
    assert client.get("/api/v1/victim-grids/99999999-1/").status_code == 404


# --- Submissions -------------------------------------------------------------------------------

SECTIONS = {
    "situation_assessment": "Situata është e qetë.",
    "action_plan_nothing_to_report": True,
    "cooperation_nothing_to_report": True,
    "results_nothing_to_report": True,
    "problems_nothing_to_report": True,
    "proposals_nothing_to_report": True,
}


@pytest.mark.django_db
def test_a_representative_submits_their_institutions_report(api, world):
    submission = submission_open(period=world.period, institution=world.own_institution)
    client = api(world.users["representative"])
    url = f"/api/v1/submissions/{submission.pk}/"
    etag = client.get(url)["ETag"]
    response = client.post(
        url + "submit/",
        {
            **SECTIONS,
            "nothing_to_report_parts": [
                "cases.victims",
                "actionplan.progress",
                "cases.street_children",
                "cases.employment",
            ],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.submitted_by == world.users["representative"]


@pytest.mark.django_db
def test_an_incomplete_submission_is_refused_with_field_errors(api, world):
    submission = submission_open(period=world.period, institution=world.own_institution)
    client = api(world.users["secretariat"], language="en")
    url = f"/api/v1/submissions/{submission.pk}/"
    response = client.post(url + "submit/", {}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 400
    assert response.json()["situation_assessment"] == ["Fill in this section or mark it “nothing to report”."]
    assert PeriodSubmission.objects.get().state == SubmissionState.NOT_STARTED


@pytest.mark.django_db
def test_submissions_are_seen_as_on_the_pages(api, world):
    submission_open(period=world.period, institution=world.own_institution)
    submission_open(period=world.period, institution=world.other_institution)
    assert api(world.users["observer"]).get("/api/v1/submissions/").json()["count"] == 2
    own = api(world.users["representative"]).get("/api/v1/submissions/").json()
    assert [row["institution"] for row in own["results"]] == [world.own_institution.pk]
    assert api(world.users["other_secretariat"]).get("/api/v1/submissions/").json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "chair"])
def test_readers_cannot_submit(api, world, role):
    submission = submission_open(period=world.period, institution=world.own_institution)
    client = api(world.users[role])
    url = f"/api/v1/submissions/{submission.pk}/"
    assert (
        client.post(
            url + "submit/", SECTIONS, format="json", HTTP_IF_MATCH=client.get(url)["ETag"]
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_pages_hold_fifty_and_at_most_two_hundred(api, world):
    from tests.factories import InstitutionFactory

    InstitutionFactory.create_batch(250, county=world.own)
    client = api(world.users["observer"])
    first = client.get("/api/v1/institutions/").json()
    assert (first["count"], len(first["results"])) == (252, 50)
    assert len(client.get("/api/v1/institutions/?page_size=500").json()["results"]) == 200


@pytest.mark.django_db
def test_a_representative_opens_their_institutions_submission_once(api, world):
    client = api(world.users["representative"])
    body = {"period": world.period.pk, "institution": world.own_institution.pk}
    first = client.post("/api/v1/submissions/", body, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["state"] == "not_started"
    assert client.post("/api/v1/submissions/", body, format="json").json()["id"] == first.json()["id"]
    assert PeriodSubmission.objects.count() == 1


@pytest.mark.django_db
def test_nobody_opens_another_institutions_or_countys_submission(api, world):
    other = {"period": world.period.pk, "institution": world.other_institution.pk}
    assert (
        api(world.users["representative"]).post("/api/v1/submissions/", other, format="json").status_code
        == 403
    )
    assert api(world.users["observer"]).post("/api/v1/submissions/", other, format="json").status_code == 403
    foreign = {"period": world.period.pk, "institution": world.own_institution.pk}
    response = api(world.users["other_secretariat"]).post("/api/v1/submissions/", foreign, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"period", "institution"}
    assert not PeriodSubmission.objects.exists()


@pytest.mark.django_db
def test_a_closed_period_opens_no_new_submission(api, world):
    world.period.is_closed = True
    world.period.save()
    body = {"period": world.period.pk, "institution": world.own_institution.pk}
    response = api(world.users["representative"]).post("/api/v1/submissions/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Periudha “Janar – Prill 2018” është mbyllur: asgjë në të nuk mund të ndryshohet."
        ]
    }
    assert not PeriodSubmission.objects.exists()


@pytest.mark.django_db
def test_a_submission_names_its_parts_and_their_state(api, world):
    save_victims(world.period, world.own_institution, 4, 1)
    submission = submission_open(period=world.period, institution=world.own_institution)
    payload = (
        api(world.users["representative"], language="en").get(f"/api/v1/submissions/{submission.pk}/").json()
    )
    parts = {part["key"]: part for part in payload["parts"]}
    assert parts["cases.victims"] == {
        "key": "cases.victims",
        "title": "Victims and potential victims",
        "state": "complete",
    }
    assert parts["cases.street_children"]["state"] == "missing"
    assert "cases.employment" not in parts  # the police do not report employment
