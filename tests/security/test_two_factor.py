"""Two-factor log-in cannot be skipped (issue 14, point 1).

The attacker here knows the password and nothing else. They log in, are held at the
code page, and try every other door: the enrolment page (GET and POST), a new set of
recovery codes, turning the second factor off, the admin site, a session opened
before the owner enrolled, and a pending secret shared between two sessions.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.choices import Role
from tests.factories import PASSWORD, UserFactory


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password log-in itself must work"
    return client


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    """Enrol through the pages, as a person does: open the page, type the app's code."""
    assert client.get(reverse("two_factor_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    assert response.status_code == 200, response
    return device, response.context["codes"]


def migration_defining(function: str):
    """The krat migration module that defines `function` (found by content, not by number,
    which may change when branches are merged)."""
    import importlib
    from pathlib import Path

    import krat.migrations

    for path in sorted(Path(krat.migrations.__file__).parent.glob("0*.py")):
        if f"def {function}(" in path.read_text():
            return importlib.import_module(f"krat.migrations.{path.stem}")
    raise AssertionError(f"no krat migration defines {function}()")


def dashboard(world) -> str:
    return reverse("krat:dashboard", args=[world.own.slug])


@pytest.fixture
def owner(world):
    """The chair, enrolled from their own (verified) session; returns (user, device, codes)."""
    user = world.users["chair"]
    device, codes = enrol(password_login(user), user)
    return user, device, codes


# --- The stolen password -----------------------------------------------------------------------


def test_a_password_alone_does_not_open_the_enrolment_page(world, owner):
    user, _device, _codes = owner
    attacker = password_login(user)
    response = attacker.get(reverse("two_factor_enrol"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    # Nothing was prepared for the attacker to scan.
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    assert attacker.get(dashboard(world)).url == reverse("two_factor_verify")


def test_a_password_alone_cannot_confirm_a_new_device_even_with_a_right_code(world, owner):
    """Even when a pending device exists (the owner opened re-enrolment in their verified
    session) and the attacker had its secret, the POST is refused and nothing changes."""
    user, device, _codes = owner
    pending = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    attacker = password_login(user)
    response = attacker.post(reverse("two_factor_enrol"), {"token": code_for(pending)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert DEVICE_ID_SESSION_KEY not in attacker.session
    assert attacker.get(dashboard(world)).url == reverse("two_factor_verify")
    # The owner's authenticator stands; the pending one was not confirmed.
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device
    pending.refresh_from_db()
    assert not pending.confirmed


def test_the_enrolment_page_is_refused_by_the_view_itself_not_only_by_the_middleware(world, owner, settings):
    """The view checks the session on its own: a middleware left out of a list, or a
    session that slipped past it, still finds the door shut."""
    user, device, _codes = owner
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "krat.middleware.TwoFactorMiddleware"]
    attacker = password_login(user)
    for method in ("get", "post"):
        response = getattr(attacker, method)(reverse("two_factor_enrol"), {"token": "123456"})
        assert response.status_code == 302, method
        assert response.url.startswith(reverse("two_factor_verify")), method
    for name in ("two_factor_recovery_codes", "two_factor_disable"):
        response = attacker.post(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("two_factor_verify")), name
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == device
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_a_session_opened_before_the_device_existed_cannot_turn_it_off(world):
    """The attacker logs in while the owner has no device and keeps the session; the owner
    then gets a device. The old session may not switch it off or renew its codes."""
    user = world.users["representative"]
    attacker = password_login(user)
    assert attacker.get(dashboard(world)).status_code == 200  # no device yet: nothing to ask
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    for name in ("two_factor_disable", "two_factor_recovery_codes"):
        response = attacker.post(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("two_factor_verify")), name
        assert "codes" not in (response.context or {}), name
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_a_pending_secret_is_never_shared_between_two_sessions(world):
    """The attacker opens enrolment first and scans the secret; the owner opens it later and
    confirms. The attacker's secret must not be the one that gets confirmed."""
    user = world.users["representative"]
    attacker = password_login(user)
    attacker.get(reverse("two_factor_enrol"))
    stolen = TOTPDevice.objects.get(user=user, confirmed=False)
    stolen_key = stolen.key

    owner = password_login(user)
    enrol(owner, user)
    confirmed = TOTPDevice.objects.get(user=user, confirmed=True)
    assert confirmed.key != stolen_key
    # And the attacker cannot confirm their own scan afterwards either.
    stolen_device = TOTPDevice(user=user, key=stolen_key)
    fresh = password_login(user)
    response = fresh.post(reverse("two_factor_enrol"), {"token": code_for(stolen_device)})
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.get(user=user, confirmed=True).key == confirmed.key


# --- Enrolling ends the other sessions ---------------------------------------------------------


def test_enrolling_ends_every_other_session_of_the_person(world):
    user = world.users["secretariat"]
    laptop, phone, stranger = (
        password_login(user),
        password_login(user),
        password_login(world.users["observer"]),
    )
    for client in (laptop, phone, stranger):
        assert client.get(dashboard(world)).status_code == 200
    enrol(laptop, user)
    assert laptop.get(dashboard(world)).status_code == 200
    assert phone.get(dashboard(world)).url.startswith(reverse("login"))
    assert stranger.get(dashboard(world)).status_code == 200  # another person's session stays
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()


def test_re_enrolling_ends_the_other_verified_sessions_too(world, owner):
    user, _device, codes = owner
    other = password_login(user)
    assert other.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert other.get(dashboard(world)).status_code == 200
    current = password_login(user)
    assert current.post(reverse("two_factor_verify"), {"token": codes[1]}).status_code == 302
    enrol(current, user)  # a verified session may replace the device
    assert current.get(dashboard(world)).status_code == 200
    assert other.get(dashboard(world)).url.startswith(reverse("login"))


def test_ending_the_other_sessions_reads_the_live_ones_once_and_deletes_only_theirs(
    world, django_assert_max_num_queries
):
    from django.contrib.sessions.backends.db import SessionStore

    from krat.two_factor import sessions_end_others

    user, stranger = world.users["secretariat"], world.users["observer"]

    def session_of(person) -> str:
        store = SessionStore()
        store["_auth_user_id"] = str(person.pk)
        store.create()
        return store.session_key

    kept = session_of(user)
    theirs = [session_of(user) for _ in range(3)]
    others = [session_of(stranger) for _ in range(40)]
    with django_assert_max_num_queries(2):  # one read, one delete
        assert sessions_end_others(user=user, keep=kept) == len(theirs)
    left = set(Session.objects.values_list("session_key", flat=True))
    assert kept in left and set(others) <= left and not set(theirs) & left


# --- Superusers and staff ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["superuser", "staff"])
def test_superusers_and_staff_are_held_at_enrolment_until_they_have_a_device(world, kind):
    if kind == "superuser":
        user = UserFactory(username="rrenja", role="", county=None, is_superuser=True, is_staff=True)
        page = reverse("krat:home")
    else:
        user = UserFactory(username="stafi", role=Role.OBSERVER, county=world.own, is_staff=True)
        page = dashboard(world)
    client = password_login(user)
    assert client.get(page).url == reverse("two_factor_enrol")
    assert client.get("/admin/").url == reverse("two_factor_enrol")
    # They may not turn it off once on, whatever their county says.
    enrol(client, user)
    assert client.get(page).status_code in (200, 302)
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_admin_site_asks_for_the_second_factor(world, settings):
    """The admin site checks the second factor itself, whatever the middleware does."""
    from django_otp.admin import OTPAdminSite

    assert isinstance(admin.site, OTPAdminSite)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "krat.middleware.TwoFactorMiddleware"]
    root = UserFactory(username="rrenja", role="", county=None, is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(root)  # the password only
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:krat_user_changelist")).status_code == 302
    assert client.post(reverse("two_factor_verify"), {"token": code_for(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:krat_user_changelist")).status_code == 200


def test_the_admin_log_in_form_asks_for_a_code(world):
    root = UserFactory(username="rrenja", role="", county=None, is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    client = Client()
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert 'name="otp_token"' in page.content.decode()
    response = client.post(reverse("admin:login"), {"username": root.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


# --- Recovery codes ----------------------------------------------------------------------------


def test_recovery_codes_are_stored_only_as_salted_hashes(world):
    from krat.models import RecoveryCode

    user = world.users["chair"]
    _device, codes = enrol(password_login(user), user)
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True))
    assert len(stored) == len(codes) == 10
    assert not set(stored) & set(codes)
    assert all(any(check_password(code, digest) for digest in stored) for code in codes)
    assert len({digest.rsplit("$", 1)[0] for digest in stored}) == 10  # a salt of its own each
    # Nothing anywhere in the database holds a code as typed.
    from django_otp.plugins.otp_static.models import StaticToken

    assert not StaticToken.objects.filter(token__in=codes).exists()


def test_the_database_refuses_a_recovery_code_in_clear(world):
    from django.db import IntegrityError, transaction

    from krat.models import RecoveryCode, RecoveryCodeDevice

    device = RecoveryCodeDevice.objects.create(user=world.users["chair"], name="recovery")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryCode.objects.create(device=device, digest="abcd2345")


def test_a_used_recovery_code_is_refused_the_second_time(world, owner):
    from krat.models import RecoveryCode

    user, _device, codes = owner
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
    first = password_login(user)
    assert first.post(reverse("two_factor_verify"), {"token": f" {codes[3].upper()} "}).status_code == 302
    assert first.get(dashboard(world)).status_code == 200
    assert RecoveryCode.objects.filter(device__user=user).count() == 9
    second = password_login(user)
    assert second.post(reverse("two_factor_verify"), {"token": codes[3]}).status_code == 400
    assert second.get(dashboard(world)).url == reverse("two_factor_verify")


def test_new_recovery_codes_replace_the_old_ones_and_need_a_verified_session(world, owner):
    from krat.models import RecoveryCode

    user, _device, old_codes = owner
    session = password_login(user)
    assert session.post(reverse("two_factor_verify"), {"token": old_codes[0]}).status_code == 302
    response = session.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
    other = password_login(user)
    assert other.post(reverse("two_factor_verify"), {"token": old_codes[1]}).status_code == 400


def test_plain_recovery_codes_left_by_the_old_storage_are_hashed_by_the_migration(world):
    """The data migration moves django-otp's plain static tokens into hashed codes."""
    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from krat.models import RecoveryCode

    migration = migration_defining("hash_plain_codes")
    user = world.users["chair"]
    old = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=old, token=t) for t in ("abcd2345", "efgh6777")])
    migration.hash_plain_codes(apps, None)
    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    digests = list(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True))
    assert len(digests) == 2
    assert any(check_password("abcd2345", d) for d in digests)
    client = password_login(user)
    assert client.post(reverse("two_factor_verify"), {"token": "efgh6777"}).status_code == 302
