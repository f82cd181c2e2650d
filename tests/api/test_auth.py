"""Tokens: hashed, per person, refused when revoked or the person is inactive; the
token page makes and revokes them, behind two-factor log-in where it applies; session
use of the API keeps CSRF."""

import hashlib

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.api.tokens import token_create, token_revoke
from krat.models import ApiToken

INSTITUTIONS = "/api/v1/institutions/"


@pytest.mark.django_db
def test_only_the_hash_of_a_token_is_stored(world):
    token, key = token_create(user=world.users["secretariat"], name="TIMS")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.digest, stored.prefix * 10)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:8]


@pytest.mark.django_db
def test_a_token_opens_the_api_and_records_its_use(client, world):
    token, key = token_create(user=world.users["secretariat"], name="TIMS")
    response = client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {"Policia Durrës", "Zyra e Punës Durrës"}
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Token nonsense", "Token", "Token a b", "Bearer x"])
def test_a_wrong_or_missing_token_is_refused(client, world, header):
    response = client.get(INSTITUTIONS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_revoked_token_and_an_inactive_person_are_refused(client, world):
    user = world.users["representative"]
    token, key = token_create(user=user, name="TIMS")
    token_revoke(token=token)
    assert client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    _token, key = token_create(user=user, name="TIMS 2")
    user.is_active = False
    user.save()
    assert client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


@pytest.mark.django_db
def test_the_token_page_shows_a_new_token_once_and_revokes(client, world):
    user = world.users["representative"]
    client.force_login(user)
    response = client.post(reverse("api_tokens"), {"name": "Sistemi i policisë"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(user=user)
    page = client.get(reverse("api_tokens")).content.decode()
    assert key not in page and token.prefix in page
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked


@pytest.mark.django_db
def test_nobody_revokes_another_persons_token(client, world):
    token, _key = token_create(user=world.users["secretariat"], name="TIMS")
    client.force_login(world.users["other_secretariat"])
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.revoked


@pytest.mark.django_db
def test_the_security_page_links_to_the_tokens(client, world):
    client.force_login(world.users["observer"])
    assert reverse("api_tokens") in client.get(reverse("security")).content.decode()


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token(world):
    from django.test import Client

    from tests.meetings.factories import DecisionFactory, MeetingFactory

    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["secretariat"])
    response = client.patch(
        f"/api/v1/decisions/{decision.pk}/",
        data='{"status": "done"}',
        content_type="application/json",
        HTTP_IF_MATCH=f'W/"{decision.pk}-{decision.version}"',
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- Tokens come from strongly authenticated sessions ----------------------------------------------


@pytest.mark.django_db
def test_a_person_whose_county_requires_two_factor_makes_no_token_before_enrolling(client, world):
    world.own.require_two_factor = True
    world.own.save()
    user = world.users["secretariat"]
    token, _key = token_create(user=user, name="made before the requirement")
    client.force_login(user)
    enrol = reverse("two_factor_enrol")
    assert client.get(reverse("api_tokens")).url == enrol
    assert client.post(reverse("api_tokens"), {"name": "TIMS"}).url == enrol
    assert client.post(reverse("api_token_revoke", args=[token.pk])).url == enrol
    assert list(ApiToken.objects.filter(user=user)) == [token]
    token.refresh_from_db()
    assert not token.revoked


@pytest.mark.django_db
def test_an_enrolled_person_gives_the_code_before_making_or_revoking_a_token(client, world):
    user = world.users["representative"]
    token, _key = token_create(user=user, name="TIMS")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    verify = reverse("two_factor_verify")
    assert client.post(reverse("api_tokens"), {"name": "Tjetër"}).url == verify
    assert client.post(reverse("api_token_revoke", args=[token.pk])).url == verify
    assert ApiToken.objects.filter(user=user).count() == 1

    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post(verify, {"token": code}).status_code == 302
    assert client.post(reverse("api_tokens"), {"name": "Tjetër"}).status_code == 200
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert ApiToken.objects.filter(user=user, revoked=False).get().name == "Tjetër"


@pytest.mark.django_db
def test_a_token_waits_while_the_county_requires_two_factor_and_its_owner_has_not_enrolled(client, world):
    user = world.users["chair"]
    _token, key = token_create(user=user, name="made before the requirement")
    world.own.require_two_factor = True
    world.own.save()
    response = client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    rep = world.users["representative"]  # the requirement is the secretariat's and the chair's
    _token, key = token_create(user=rep, name="TIMS")
    assert client.get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


@pytest.mark.django_db
def test_a_browser_session_held_at_two_factor_gets_json_from_the_api(client, world):
    """A script riding a browser session cannot follow the redirect to the code form."""
    world.own.require_two_factor = True
    world.own.save()
    client.force_login(world.users["secretariat"])
    response = client.get(INSTITUTIONS)
    assert response.status_code == 403
    assert response.json()["detail"] == "Përfundoni fillimisht hyrjen me dy hapa në shfletues."
    assert client.get(reverse("krat:dashboard", args=[world.own.slug])).url == reverse("two_factor_enrol")
