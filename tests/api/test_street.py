"""Interventions with children in street situations over the API: read one by one by those
the street page lists them to, recorded and edited by the institution and the secretariat
through the page's service, with If-Match; and the age groups their counts refer to.

In the world the police (`own_institution`, `representative`) report children in street
situations; the Labour Office (`other_institution`) does not.
"""

import datetime

import pytest

from cases.models import StreetChildCount, StreetIntervention
from cases.selectors.age_groups import age_groups_for
from tests.cases.factories import intervention, municipality

STREET = "/api/v1/street-interventions/"


def etag(record) -> str:
    return f'W/"{record.pk}-{record.version}"'


@pytest.fixture
def record(world):
    return intervention(world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2, boys=1)


@pytest.fixture
def child_groups(world):
    return [g for g in age_groups_for(world.own) if g.is_child]


def body(world, child_groups, **overrides) -> dict:
    return {
        "date": "2018-03-05",
        "municipality": municipality(world.own).pk,
        "place": "Sheshi Liria",
        "origin": municipality(world.own, "Elbasan").pk,
        "activity": "begging",
        "accompanied": "no",
        "action": "cpu",
        "counts": [
            {"sex": "female", "age_group": child_groups[0].pk, "count": 2},
            {"sex": "male", "age_group": None, "count": 1},
        ],
        **overrides,
    }


# --- Reading --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "chair", "representative"])
def test_those_who_see_exact_figures_read_the_interventions(api, world, record, role):
    client = api(world.users[role])
    listed = client.get(STREET).json()
    assert [row["id"] for row in listed["results"]] == [record.pk]
    response = client.get(f"{STREET}{record.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == etag(record)
    payload = response.json()
    assert payload["children"] == 3 and payload["period"] == world.period.pk
    assert sorted((c["sex"], c["count"]) for c in payload["counts"]) == [("female", 2), ("male", 1)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["observer", "national_observer", "other_representative", "other_secretariat"]
)
def test_others_read_no_intervention_one_by_one(api, world, record, role):
    client = api(world.users[role])
    assert client.get(STREET).json()["count"] == 0
    assert client.get(f"{STREET}{record.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_list_filters_by_period_and_institution(api, world, record):
    other = intervention(world.own, world.own_institution, datetime.date(2018, 4, 1), girls=1)
    client = api(world.users["secretariat"])
    assert [r["id"] for r in client.get(STREET).json()["results"]] == [other.pk, record.pk]
    assert client.get(f"{STREET}?period={world.foreign_period.pk}").json()["count"] == 0
    assert client.get(f"{STREET}?institution={world.other_institution.pk}").json()["count"] == 0
    assert (
        client.get(f"{STREET}?period={world.period.pk}&institution={world.own_institution.pk}").json()[
            "count"
        ]
        == 2
    )


# --- Recording ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_representative_records_an_intervention_of_their_institution(api, world, child_groups):
    response = api(world.users["representative"]).post(STREET, body(world, child_groups), format="json")
    assert response.status_code == 201, response.json()
    record = StreetIntervention.objects.get()
    assert (record.institution, record.period, record.children) == (world.own_institution, world.period, 3)
    assert response["ETag"] == etag(record)
    assert response.json()["id"] == record.pk
    assert record.history.get().history_user == world.users["representative"]


@pytest.mark.django_db
def test_the_secretariat_names_the_institution(api, world, child_groups):
    client = api(world.users["secretariat"], language="en")
    response = client.post(STREET, body(world, child_groups), format="json")
    assert response.status_code == 400
    assert response.json() == {"institution": ["This field is required."]}
    response = client.post(
        STREET, body(world, child_groups, institution=world.own_institution.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    assert StreetIntervention.objects.get().institution == world.own_institution


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "observer", "national_observer", "other_representative"])
def test_readers_and_institutions_that_do_not_report_it_record_nothing(api, world, child_groups, role):
    data = body(world, child_groups, institution=world.own_institution.pk)
    assert api(world.users[role]).post(STREET, data, format="json").status_code in (400, 403)
    assert not StreetIntervention.objects.exists()


@pytest.mark.django_db
def test_the_labour_office_does_not_report_street_children(api, world, child_groups):
    data = body(world, child_groups, institution=world.other_institution.pk)
    assert api(world.users["secretariat"]).post(STREET, data, format="json").status_code == 403
    assert api(world.users["other_representative"]).post(STREET, data, format="json").status_code == 403


@pytest.mark.django_db
def test_another_countys_institution_or_municipality_is_unknown(api, world, child_groups):
    data = body(world, child_groups, institution=world.foreign_institution.pk)
    data["municipality"] = municipality(world.other, "Vlorë").pk
    response = api(world.users["secretariat"]).post(STREET, data, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"institution", "municipality"}


@pytest.mark.django_db
def test_the_pages_rules_hold_in_albanian(api, world, child_groups):
    client = api(world.users["representative"])
    response = client.post(STREET, body(world, child_groups, date="2015-02-03"), format="json")
    assert response.status_code == 400
    assert response.json() == {"date": ["Data bie jashtë çdo periudhe raportuese."]}
    no_children = body(world, child_groups, counts=[{"sex": "female", "age_group": None, "count": 0}])
    assert client.post(STREET, no_children, format="json").json() == {
        "non_field_errors": ["Numëroni të paktën një fëmijë."]
    }
    adult = age_groups_for(world.own)[-1]  # 25+: not a child
    grown = body(world, child_groups, counts=[{"sex": "female", "age_group": adult.pk, "count": 1}])
    assert client.post(STREET, grown, format="json").status_code == 400
    twice = body(
        world,
        child_groups,
        counts=[
            {"sex": "male", "age_group": None, "count": 1},
            {"sex": "male", "age_group": None, "count": 2},
        ],
    )
    assert client.post(STREET, twice, format="json").json() == {
        "counts": ["Çdo gjini dhe grupmoshë mund të jepet vetëm një herë."]
    }
    assert not StreetIntervention.objects.exists()


@pytest.mark.django_db
def test_a_closed_period_takes_no_intervention(api, world, child_groups):
    world.period.is_closed = True
    world.period.save()
    response = api(world.users["representative"], language="en").post(
        STREET, body(world, child_groups), format="json"
    )
    assert response.status_code == 400
    assert "closed" in response.json()["date"][0]


# --- Editing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_intervention_is_edited_with_if_match(api, world, record, child_groups):
    client = api(world.users["representative"])
    url = f"{STREET}{record.pk}/"
    assert client.patch(url, {"place": "Sheshi Liria"}, format="json").status_code == 428
    response = client.patch(url, {"place": "Sheshi Liria"}, format="json", HTTP_IF_MATCH=etag(record))
    assert response.status_code == 200, response.json()
    edited = StreetIntervention.objects.get()
    assert (edited.place, edited.children, edited.version) == ("Sheshi Liria", 3, 2)
    assert response["ETag"] == etag(edited)
    stale = client.put(url, body(world, child_groups), format="json", HTTP_IF_MATCH=etag(record))
    assert stale.status_code == 412
    response = client.put(
        url, body(world, child_groups, place="Plazhi"), format="json", HTTP_IF_MATCH=etag(edited)
    )
    assert response.status_code == 200, response.json()
    edited.refresh_from_db()
    assert (edited.place, edited.date, edited.version) == ("Plazhi", datetime.date(2018, 3, 5), 3)
    assert sorted(StreetChildCount.objects.values_list("sex", "count")) == [("female", 2), ("male", 1)]


@pytest.mark.django_db
def test_the_institution_of_an_intervention_stays(api, world, record):
    other = world.other_institution
    response = api(world.users["secretariat"]).patch(
        f"{STREET}{record.pk}/", {"institution": other.pk}, format="json", HTTP_IF_MATCH=etag(record)
    )
    assert response.status_code == 200, response.json()
    assert StreetIntervention.objects.get().institution == world.own_institution


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "other_representative", "observer"])
def test_only_the_institution_and_the_secretariat_edit(api, world, record, role):
    response = api(world.users[role]).patch(
        f"{STREET}{record.pk}/", {"place": "X"}, format="json", HTTP_IF_MATCH=etag(record)
    )
    assert response.status_code in (403, 404)
    assert StreetIntervention.objects.get().place == "Plazhi"


@pytest.mark.django_db
def test_interventions_are_not_deleted(api, world, record):
    response = api(world.users["secretariat"]).delete(f"{STREET}{record.pk}/", HTTP_IF_MATCH=etag(record))
    assert response.status_code == 405
    assert StreetIntervention.objects.exists()


# --- Age groups -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_age_groups_are_read_by_the_county_and_say_what_they_serve(api, world):
    payload = api(world.users["observer"]).get("/api/v1/age-groups/").json()
    assert [(g["label"], g["is_child"], g["is_working_age"]) for g in payload["results"]] == [
        ("0–13", True, False),
        ("14–17", True, True),
        ("18–24", False, True),
        ("25+", False, True),
    ]
    assert (
        api(world.users["other_secretariat"])
        .get(f"/api/v1/age-groups/{payload['results'][0]['id']}/")
        .status_code
        == 404
    )


# --- The period's summary --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_summary_is_exact_for_the_secretariat_and_hides_small_numbers_from_observers(api, world, record):
    url = f"/api/v1/street-summaries/{world.period.pk}/"
    exact = api(world.users["secretariat"]).get(url).json()
    assert exact["suppressed"] is False and exact["interventions"] == {"count": 1, "suppressed": False}
    assert exact["children"] == {"count": 3, "suppressed": False}
    assert sum(row["total"]["count"] or 0 for row in exact["by_sex_and_age"]) == 3
    # Nothing of an open period to the observer (`krat.access.figures_published`).
    assert api(world.users["observer"]).get(url).status_code == 404
    world.period.is_closed = True
    world.period.save()
    shared = api(world.users["observer"]).get(url).json()
    assert shared["suppressed"] is True
    assert world.own.small_number_threshold == 3
    assert shared["children"] == {"count": 3, "suppressed": False}  # 3 is not a small number
    exact_sexes = [row["total"]["count"] for row in exact["by_sex_and_age"]]
    shared_sexes = [row["total"] for row in shared["by_sex_and_age"]]
    assert exact_sexes == [2, 1, None]  # girls, boys, unknown (never entered: no value, not 0)
    assert shared_sexes == [{"count": None, "suppressed": True}] * 2 + [{"count": None, "suppressed": False}]


@pytest.mark.django_db
def test_the_summary_of_another_county_is_not_found(api, world, record):
    foreign = world.foreign_period.pk
    assert api(world.users["secretariat"]).get(f"/api/v1/street-summaries/{foreign}/").status_code == 404
    assert api(None).get(f"/api/v1/street-summaries/{world.period.pk}/").status_code == 401


@pytest.mark.django_db
def test_the_summary_speaks_the_readers_language(api, world, record):
    url = f"/api/v1/street-summaries/{world.period.pk}/"
    english = api(world.users["secretariat"], language="en").get(url).json()
    albanian = api(world.users["secretariat"]).get(url).json()
    assert "Begging" in [row["label"] for row in english["by_activity"]]
    assert "Begging" not in [row["label"] for row in albanian["by_activity"]]
