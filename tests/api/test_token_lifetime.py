"""API tokens follow the person (issue 14, point 5): a token ends when its owner's password
changes (whoever changes it, through whichever page), when the owner (re-)enrols a second
factor, and when its expiry date passes; the token page shows the expiry and the last use."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.api.tokens import token_create
from krat.models import ApiToken
from tests.factories import PASSWORD, UserFactory

INSTITUTIONS = "/api/v1/institutions/"
NEW_PASSWORD = "Nje-tjeter-fjalekalim-9"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def opens_the_api(key: str) -> bool:
    status = Client().get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code
    assert status in (200, 401), status
    return status == 200


def password_login(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def tokens_of(world):
    """Two live tokens of `role`, and the person's keys."""

    def _make(role: str):
        user = world.users[role]
        keys = [token_create(user=user, name=name)[1] for name in ("TIMS", "Excel")]
        assert all(opens_the_api(key) for key in keys)
        return user, keys

    return _make


# --- Revoked with the password -----------------------------------------------------------------


@pytest.mark.django_db
def test_changing_ones_own_password_revokes_ones_tokens(world, tokens_of):
    user, keys = tokens_of("representative")
    _other_user, other_keys = tokens_of("observer")
    client = password_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not any(opens_the_api(key) for key in keys)
    assert not ApiToken.objects.filter(user=user, revoked=False).exists()
    assert all(opens_the_api(key) for key in other_keys)  # nobody else's tokens


@pytest.mark.django_db
def test_a_refused_password_change_revokes_nothing(world, tokens_of):
    user, keys = tokens_of("representative")
    client = password_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-the-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert all(opens_the_api(key) for key in keys)


@pytest.mark.django_db
def test_the_secretariat_setting_a_persons_password_revokes_their_tokens(world, tokens_of):
    user, keys = tokens_of("representative")
    secretariat = Client()
    secretariat.force_login(world.users["secretariat"])
    form = secretariat.get(reverse("krat:person_edit", args=[user.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        version=user.version,
        institution=user.institution_id,
        password1=NEW_PASSWORD,
        password2=NEW_PASSWORD,
        is_active="on",
    )
    response = secretariat.post(reverse("krat:person_edit", args=[user.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not any(opens_the_api(key) for key in keys)


@pytest.mark.django_db
def test_an_edit_of_the_person_without_a_new_password_keeps_their_tokens(world, tokens_of):
    user, keys = tokens_of("representative")
    secretariat = Client()
    secretariat.force_login(world.users["secretariat"])
    form = secretariat.get(reverse("krat:person_edit", args=[user.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(version=user.version, institution=user.institution_id, job_title="Inspektor", is_active="on")
    assert secretariat.post(reverse("krat:person_edit", args=[user.pk]), data).status_code == 302
    assert all(opens_the_api(key) for key in keys)


@pytest.mark.django_db
def test_the_admins_password_form_revokes_the_persons_tokens(world, tokens_of):
    from django.contrib import admin

    from krat.models import User

    user, keys = tokens_of("chair")
    user_admin = admin.site._registry[User]
    assert issubclass(user_admin.change_password_form, AdminPasswordChangeForm)
    form = user_admin.change_password_form(
        user, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not any(opens_the_api(key) for key in keys)


@pytest.mark.django_db
def test_the_admin_page_that_sets_a_password_revokes_the_tokens(world, tokens_of):
    user, keys = tokens_of("chair")
    root = UserFactory(username="rrenja", role="", county=None, is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(root)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not any(opens_the_api(key) for key in keys)


# --- Revoked with a new second factor ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("first_time", [True, False])
def test_two_factor_enrolment_revokes_the_persons_tokens(world, tokens_of, first_time):
    user, keys = tokens_of("secretariat")
    client = password_login(user)
    if not first_time:  # re-enrolment, from a verified session
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        assert client.post(reverse("two_factor_verify"), {"token": code_for(device)}).status_code == 302
        assert all(opens_the_api(key) for key in keys)
    client.get(reverse("two_factor_enrol"))
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("two_factor_enrol"), {"token": code_for(pending)}).status_code == 200
    assert not any(opens_the_api(key) for key in keys)
    # A token made afterwards, from the verified session, works.
    response = client.post(reverse("api_tokens"), {"name": "TIMS", "lifetime": "90"})
    assert response.status_code == 200
    assert opens_the_api(response.context["new_key"])


# --- Expiry --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_expires_ninety_days_after_creation_by_default(world):
    token, _key = token_create(user=world.users["secretariat"], name="TIMS")
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)


@pytest.mark.django_db
def test_an_expired_token_opens_nothing_and_says_so_in_albanian(world):
    token, key = token_create(user=world.users["secretariat"], name="TIMS")
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = Client().get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "skadoi" in response.json()["detail"]
    english = Client().get(INSTITUTIONS, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert "expired" in english.json()["detail"]
    token.refresh_from_db()
    assert token.last_used_at is None  # a refused key is no use


@pytest.mark.django_db
def test_the_database_refuses_a_token_that_expires_before_it_was_made(world):
    token, _key = token_create(user=world.users["secretariat"], name="TIMS")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at)


@pytest.mark.django_db
@pytest.mark.parametrize("lifetime", ["0", "-5", "366", "9999", "abc", "1e3"])
def test_the_token_page_refuses_a_lifetime_it_does_not_offer(client, world, lifetime):
    client.force_login(world.users["representative"])
    client.cookies["django_language"] = "sq"
    response = client.post(reverse("api_tokens"), {"name": "TIMS", "lifetime": lifetime})
    assert response.status_code == 400
    assert response.context["form"].errors["lifetime"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_token_page_offers_a_shorter_or_longer_life(client, world):
    client.force_login(world.users["representative"])
    response = client.post(reverse("api_tokens"), {"name": "TIMS", "lifetime": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.expires_at - token.created_at).days == 30


@pytest.mark.django_db
def test_expired_tokens_do_not_count_against_the_limit(world):
    from krat.api.tokens import MAX_ACTIVE_TOKENS

    user = world.users["representative"]
    for number in range(MAX_ACTIVE_TOKENS):
        token_create(user=user, name=f"T{number}")
    ApiToken.objects.filter(user=user).update(
        created_at=timezone.now() - datetime.timedelta(days=100),
        expires_at=timezone.now() - datetime.timedelta(days=10),
    )
    token_create(user=user, name="after the others expired")


# --- The token page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_token_page_shows_expiry_last_use_and_state(client, world):
    user = world.users["representative"]
    used, key = token_create(user=user, name="used")
    assert opens_the_api(key)
    expired, _key = token_create(user=user, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=100),
        expires_at=timezone.now() - datetime.timedelta(days=10),
    )
    used.refresh_from_db()
    expired.refresh_from_db()
    assert used.last_used_at is not None
    client.force_login(user)
    client.cookies["django_language"] = "sq"
    page = client.get(reverse("api_tokens")).content.decode()
    local = timezone.localtime
    assert local(used.last_used_at).strftime("%d.%m.%Y %H:%M") in page
    assert local(used.expires_at).strftime("%d.%m.%Y") in page
    assert local(expired.expires_at).strftime("%d.%m.%Y") in page
    assert "Skadon" in page and "Skaduar" in page
