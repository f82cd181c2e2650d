"""Every error in the site's language and format, with DEBUG off as in production: pages in
Albanian (or the language chosen), JSON `{"detail": ...}` in the asked language for the API.

Found by a hostile run: a bad Host header and a failed CSRF check showed Django's English
pages, a GET of the log-out address an empty 405, a form over the upload limit a bare
"Bad Request (400)", and the API answered "JSON parse error", "No … matches the given
query" and, for an address it does not have, the HTML 404 page.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.meetings.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["krat.example"]


def page(response) -> str:
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return response.content.decode()


def detail(response) -> str:
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()["detail"]


HOST = {"HTTP_HOST": "krat.example"}


def test_a_bad_host_header_is_answered_in_albanian(client):
    response = client.get("/", HTTP_HOST="sulmues.example")
    assert response.status_code == 400
    text = page(response)
    assert "Kërkesa nuk u pranua" in text and "Bad Request" not in text


def test_a_bad_host_header_on_the_api_is_json(client):
    response = client.get("/api/v1/institutions/", HTTP_HOST="sulmues.example")
    assert response.status_code == 400
    assert detail(response).startswith("Kjo kërkesë nuk mund të marrë përgjigje")


def test_a_failed_csrf_check_is_explained_in_albanian_or_in_the_language_chosen(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["secretariat"])
    url = reverse("meetings:create", args=[world.own.slug])
    response = client.post(url, {"title": "Takim"}, **HOST)
    assert response.status_code == 403
    text = page(response)
    assert "Formulari nuk u pranua" in text and "CSRF verification failed" not in text
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "The form was not accepted" in page(client.post(url, {"title": "Takim"}, **HOST))


def test_a_get_of_the_log_out_address_explains_and_offers_the_button(client, world):
    client.force_login(world.users["representative"])
    response = client.get(reverse("logout"), **HOST)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"POST", "OPTIONS"}
    text = page(response)
    assert "Kjo faqe nuk mund të hapet drejtpërdrejt" in text
    assert f'action="{reverse("logout")}"' in text and "Dil" in text


def test_a_get_of_a_post_only_page_is_explained(client, world):
    client.force_login(world.users["secretariat"])
    meeting = MeetingFactory(county=world.own)
    response = client.get(reverse("meetings:status", args=[meeting.pk]), **HOST)
    assert response.status_code == 405
    assert "Kjo faqe nuk mund të hapet drejtpërdrejt" in page(response)


def test_an_unknown_page_is_answered_in_albanian(client, world):
    client.force_login(world.users["secretariat"])
    response = client.get("/nuk-ekziston/", **HOST)
    assert response.status_code == 404
    assert "Nuk u gjet" in page(response)


def test_a_form_over_the_upload_limit_says_the_limit_in_albanian(client, world):
    """A 9 MB narrative: 413 with the limit, not a bare "Bad Request (400)"."""
    client.force_login(world.users["secretariat"])
    meeting = MeetingFactory(county=world.own)
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {"chair_remarks": "ë" * (9 * 2**20 // 2)}, **HOST
    )
    assert response.status_code == 413
    text = page(response)
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20
    assert f"{limit} MB" in text and "Formulari ishte më i madh" in text
    meeting.refresh_from_db()
    assert meeting.chair_remarks == ""


def test_every_page_says_the_upload_limit_for_the_check_before_sending(client, world):
    client.force_login(world.users["secretariat"])
    text = page(client.get(reverse("krat:dashboard", args=[world.own.slug]), **HOST))
    assert f'data-upload-limit="{django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE}"' in text
    assert "js/form-size" in text


# --- The API ------------------------------------------------------------------------------------


@pytest.fixture
def api_client(world):
    client = APIClient()
    client.force_authenticate(world.users["secretariat"])
    return client


def test_an_unknown_id_is_json_in_albanian(api_client):
    response = api_client.get("/api/v1/decisions/999999/", **HOST)
    assert response.status_code == 404
    assert detail(response) == "Nuk u gjet."


def test_an_address_the_api_does_not_have_is_json_not_the_html_page(api_client):
    for address in ("/api/v1/victim-grids/nuk-eshte-celes/", "/api/v1/nuk-ekziston/"):
        response = api_client.get(address, **HOST)
        assert response.status_code == 404, address
        assert detail(response) == "Nuk u gjet."
    english = api_client.get("/api/v1/nuk-ekziston/", HTTP_ACCEPT_LANGUAGE="en", **HOST)
    assert detail(english) == "Not found."


def test_a_body_that_is_not_json_is_refused_in_albanian(api_client, world):
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    response = api_client.patch(
        f"/api/v1/decisions/{decision.pk}/",
        data="{nuk është json",
        content_type="application/json",
        HTTP_IF_MATCH=f'W/"{decision.pk}-{decision.version}"',
        **HOST,
    )
    assert response.status_code == 400
    assert "JSON parse error" not in detail(response)
    assert detail(response) == "Trupi i kërkesës nuk është JSON i vlefshëm."


def test_a_method_the_api_does_not_take_is_json_in_albanian(api_client, world):
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    response = api_client.delete(f"/api/v1/decisions/{decision.pk}/", **HOST)
    assert response.status_code == 405
    assert detail(response) == "Metoda “DELETE” nuk lejohet."


def test_a_session_without_its_csrf_token_is_refused_in_albanian(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["secretariat"])
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    response = client.patch(
        f"/api/v1/decisions/{decision.pk}/",
        {"status": "done"},
        format="json",
        HTTP_IF_MATCH=f'W/"{decision.pk}-{decision.version}"',
        **HOST,
    )
    assert response.status_code == 403
    assert "CSRF Failed" not in detail(response)
    assert detail(response).startswith("Kontrolli i sigurisë")


def test_a_server_error_is_json_for_the_api_and_the_static_page_for_people(world, monkeypatch):
    from krat.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.InstitutionViewSet, "list", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.users["secretariat"])
    response = client.get("/api/v1/institutions/", **HOST)
    assert response.status_code == 500
    assert detail(response) == "Ndodhi një gabim në server."
