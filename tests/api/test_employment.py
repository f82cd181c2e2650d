"""The employment path over the API: one grid per period and Labour Office, rows exact for
those who see exact figures and small numbers hidden for the others, replaced whole with
If-Match by the page's rules.

In the world, `other_institution` is the Labour Office (`other_representative` is its
representative); `own_institution`, the police, does not report employment.
"""

import pytest

from cases.models import EmploymentFunnel
from cases.selectors.age_groups import age_groups_for
from cases.services.employment import employment_save, employment_stamp

EMPLOYMENT = "/api/v1/employment-grids/"


def url(world) -> str:
    return f"{EMPLOYMENT}{world.period.pk}-{world.other_institution.pk}/"


def row(group="economic_aid", sex="female", age_group=None, **stages) -> dict:
    return {"group": group, "sex": sex, "age_group": age_group, **stages}


def save(world, *rows: dict) -> None:
    """Rows saved through the page's service."""
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[EmploymentFunnel(**{**r, "age_group_id": r.pop("age_group")}) for r in map(dict, rows)],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )


@pytest.fixture
def grid(world):
    """Women on economic aid: 12 received, … 2 employed; men: 1 received (a small number)."""
    save(
        world,
        row(received=12, interviewed=10, ready=6, needs_training=3, referred_vacancy=5, employed=2),
        row(sex="male", received=1, interviewed=1, ready=1),
    )


def stage(payload, name):
    return next(s for s in payload["stages"] if s["stage"] == name)


def breakdown(payload, dimension, category, name):
    return next(
        b
        for b in payload["breakdowns"]
        if (b["breakdown"], b["category"], b["stage"]) == (dimension, category, name)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_representative", "secretariat", "chair"])
def test_the_labour_office_the_secretariat_and_the_chair_read_the_rows_exact(api, world, grid, role):
    response = api(world.users[role]).get(url(world))
    assert response.status_code == 200
    payload = response.json()
    stamp = employment_stamp(period=world.period, institution=world.other_institution)
    assert response["ETag"] == f'W/"{world.period.pk}-{world.other_institution.pk}-{stamp}"'
    assert (payload["suppressed"], payload["version"]) == (False, stamp)
    assert [(r["sex"], r["received"], r["employed"]) for r in payload["rows"]] == [
        ("female", 12, 2),
        ("male", 1, None),  # a stage left out has no value: null, not 0
    ]
    assert stage(payload, "received") == {"stage": "received", "count": 13, "suppressed": False}
    assert stage(payload, "assessed")["count"] == 10
    assert breakdown(payload, "sex", "male", "received")["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "representative", "national_observer"])
def test_other_readers_get_no_rows_and_small_numbers_hidden(api, world, grid, role):
    # Nothing of an open period (`krat.access.figures_published`), then its sharing version.
    assert api(world.users[role]).get(url(world)).status_code == 404
    world.period.is_closed = True
    world.period.save()
    payload = api(world.users[role]).get(url(world)).json()
    assert (payload["suppressed"], payload["rows"], payload["version"]) == (True, None, None)
    assert breakdown(payload, "sex", "male", "received") == {
        "breakdown": "sex",
        "category": "male",
        "stage": "received",
        "count": None,
        "suppressed": True,
    }
    # Hiding the men's 1 would be undone by 13 − 12: one more cell of the line is hidden.
    line = [breakdown(payload, "sex", sex, "received") for sex in ("female", "male", "unknown")]
    total = stage(payload, "received")
    assert sum(1 for cell in [*line, total] if cell["suppressed"]) >= 2
    assert "1" not in {str(b["count"]) for b in payload["breakdowns"]}


@pytest.mark.django_db
def test_the_list_has_one_grid_per_reporting_office_and_filters(api, world, grid):
    client = api(world.users["secretariat"])
    payload = client.get(EMPLOYMENT).json()
    assert [g["key"] for g in payload["results"]] == [f"{world.period.pk}-{world.other_institution.pk}"]
    assert client.get(f"{EMPLOYMENT}?institution={world.own_institution.pk}").json()["count"] == 0
    assert client.get(f"{EMPLOYMENT}?period={world.period.pk}").json()["count"] == 1
    assert api(world.users["other_secretariat"]).get(EMPLOYMENT).json()["count"] == 0
    assert api(world.users["other_secretariat"]).get(url(world)).status_code == 404


@pytest.mark.django_db
def test_the_grid_is_replaced_whole_with_if_match(api, world, grid):
    client = api(world.users["other_representative"])
    etag = client.get(url(world))["ETag"]
    body = {"rows": [row(sex="unknown", received=3, interviewed=2)]}
    assert client.put(url(world), body, format="json").status_code == 428
    response = client.put(url(world), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert [(r["sex"], r["received"], r["ready"]) for r in response.json()["rows"]] == [("unknown", 3, None)]
    assert response["ETag"] != etag
    assert list(EmploymentFunnel.objects.values_list("sex", "received")) == [("unknown", 3)]
    stale = client.put(url(world), {"rows": []}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert EmploymentFunnel.objects.count() == 1
    # The rows replaced are kept in the history, as the page keeps them.
    assert EmploymentFunnel.history.filter(history_type="-").count() == 2


@pytest.mark.django_db
def test_the_first_grid_of_a_period_is_written_with_the_etag_of_the_empty_one(api, world):
    client = api(world.users["secretariat"])
    response = client.get(url(world))
    assert response.json()["rows"] == [] and response.json()["version"] == 0
    put = client.put(url(world), {"rows": [row(received=4)]}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert put.status_code == 200, put.json()
    assert EmploymentFunnel.objects.get().received == 4


@pytest.mark.django_db
def test_a_stage_above_the_one_before_is_refused_row_by_row_in_albanian(api, world):
    client = api(world.users["other_representative"])
    etag = client.get(url(world))["ETag"]
    body = {"rows": [row(received=4, interviewed=4), row(sex="male", received=4, interviewed=5)]}
    response = client.put(url(world), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response["Content-Language"] == "sq"
    assert response.json() == {
        "rows": {
            "1": {"interviewed": ["“të intervistuar” (5) nuk mund të jetë më shumë se “të pritur” (4)."]}
        }
    }
    assert not EmploymentFunnel.objects.exists()


@pytest.mark.django_db
def test_the_pages_rules_hold_children_repeated_rows_and_the_language_asked_for(api, world):
    child = age_groups_for(world.own)[0]  # 0–13: not of working age
    client = api(world.users["secretariat"], language="en")
    etag = client.get(url(world))["ETag"]
    response = client.put(
        url(world), {"rows": [row(age_group=child.pk, received=1)]}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert list(response.json()["rows"]["0"]) == ["age_group"]
    twice = {"rows": [row(received=2), row(received=3)]}
    response = client.put(url(world), twice, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Row 2 repeats a group, sex and age group given above."]}
    big = {"rows": [row(received=10_001)]}
    response = client.put(url(world), big, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert list(response.json()["rows"]["0"]) == ["received"]
    assert not EmploymentFunnel.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["representative", "chair", "observer", "national_observer"])
def test_only_the_labour_office_and_the_secretariat_write_it(api, world, role):
    client = api(world.users[role])
    # A reader is not given an open period's grid nor its ETag; the write is refused
    # before any ETag is checked.
    etag = client.get(url(world)).get("ETag", 'W/"0"')
    response = client.put(url(world), {"rows": [row(received=1)]}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403
    assert not EmploymentFunnel.objects.exists()


@pytest.mark.django_db
def test_the_police_have_no_employment_grid_to_write(api, world):
    client = api(world.users["secretariat"])
    police = f"{EMPLOYMENT}{world.period.pk}-{world.own_institution.pk}/"
    response = client.put(police, {"rows": []}, format="json", HTTP_IF_MATCH=client.get(police)["ETag"])
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_closed_period_refuses_the_grid(api, world, grid):
    world.period.is_closed = True
    world.period.save()
    client = api(world.users["other_representative"], language="en")
    response = client.put(
        url(world), {"rows": []}, format="json", HTTP_IF_MATCH=client.get(url(world))["ETag"]
    )
    assert response.status_code == 400
    assert "closed" in response.json()["non_field_errors"][0]
    assert EmploymentFunnel.objects.count() == 2
