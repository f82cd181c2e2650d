"""Accounts: two-factor log-in, throttling, idle sessions, logout everywhere on password change."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat.models import RecoveryCodeDevice
from tests.factories import PASSWORD


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def password_login(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def enrol(client, user):
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    assert response.status_code == 200
    return device, response.context["codes"]


class TestTwoFactor:
    def test_enrolment_needs_a_right_code_and_gives_ten_recovery_codes(self, world, client):
        user = world.users["chair"]
        password_login(client, user)
        client.get(reverse("two_factor_enrol"))
        response = client.post(reverse("two_factor_enrol"), {"token": "000000"})
        assert response.status_code == 400
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        device, codes = enrol(client, user)
        device.refresh_from_db()
        assert device.confirmed and len(set(codes)) == 10

    def test_an_enrolled_person_must_give_a_code_before_any_page(self, world):
        user = world.users["chair"]
        first = Client()
        password_login(first, user)
        _device, codes = enrol(first, user)

        client = Client()
        password_login(client, user)
        dashboard = reverse("krat:dashboard", args=[world.own.slug])
        assert client.get(dashboard).url == reverse("two_factor_verify")
        assert client.post(reverse("two_factor_verify"), {"token": "123456"}).status_code == 400
        assert client.get(dashboard).status_code == 302
        # A failed try throttles: even a right code is refused straight after it...
        assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 400
        # ...and accepted once the pause has passed.
        RecoveryCodeDevice.objects.filter(user=user).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=5)
        )
        assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
        assert client.get(dashboard).status_code == 200

    def test_a_recovery_code_works_only_once(self, world):
        user = world.users["chair"]
        first = Client()
        password_login(first, user)
        _device, codes = enrol(first, user)
        for expected in (302, 400):
            client = Client()
            password_login(client, user)
            assert client.post(reverse("two_factor_verify"), {"token": codes[1]}).status_code == expected

    def test_a_county_can_require_it_of_the_secretariat_and_the_chair(self, world):
        world.own.require_two_factor = True
        world.own.save()
        dashboard = reverse("krat:dashboard", args=[world.own.slug])
        for role, required in [("secretariat", True), ("chair", True), ("representative", False)]:
            client = Client()
            password_login(client, world.users[role])
            response = client.get(dashboard)
            if required:
                assert response.url == reverse("two_factor_enrol"), role
            else:
                assert response.status_code == 200, role
        client = Client()
        password_login(client, world.users["chair"])
        enrol(client, world.users["chair"])
        assert client.get(dashboard).status_code == 200
        assert client.post(reverse("two_factor_disable")).status_code == 302
        assert TOTPDevice.objects.filter(user=world.users["chair"]).exists()  # required: not turned off

    def test_a_requirement_switched_on_mid_session_holds_the_secretariat_at_once(self, world):
        client = Client()
        password_login(client, world.users["secretariat"])
        dashboard = reverse("krat:dashboard", args=[world.own.slug])
        assert client.get(dashboard).status_code == 200
        world.own.require_two_factor = True
        world.own.save()
        assert client.get(dashboard).url == reverse("two_factor_enrol")


class TestAccounts:
    def test_repeated_failures_lock_the_account_out(self, world, client):
        user = world.users["observer"]
        for _attempt in range(settings.KRAT_LOGIN_LIMITS[("username", "ip_address")]):
            password_login(client, user, password="wrong")
        response = password_login(client, user)  # even the right password now
        assert response.status_code == 429
        assert "Shumë përpjekje të dështuara" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_changing_the_password_logs_out_every_other_session(self, world):
        user = world.users["observer"]
        laptop, phone = Client(), Client()
        password_login(laptop, user)
        password_login(phone, user)
        dashboard = reverse("krat:dashboard", args=[world.own.slug])
        assert phone.get(dashboard).status_code == 200
        response = laptop.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Nje-tjeter-fjalekalim-9",
                "new_password2": "Nje-tjeter-fjalekalim-9",
            },
        )
        assert response.status_code == 302
        assert laptop.get(dashboard).status_code == 200
        assert phone.get(dashboard).status_code == 302

    def test_the_old_password_on_the_change_page_is_throttled_like_a_log_in(self, world, client):
        """A stolen session cannot guess the old password without limit and then change it."""
        user = world.users["observer"]
        client.force_login(user)
        url = reverse("password_change")
        new = "Nje-tjeter-fjalekalim-9"
        limit = settings.KRAT_LOGIN_LIMITS[("username", "ip_address")]
        statuses = [
            client.post(
                url, {"old_password": f"guess-{n}", "new_password1": new, "new_password2": new}
            ).status_code
            for n in range(limit)
        ]
        assert statuses[:-1] == [200] * (limit - 1)  # the form says the old password is wrong
        assert statuses[-1] == 429  # the last guess locks, as at the log-in page
        response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        assert response.status_code == 429  # even the right password, while locked
        assert "Shumë përpjekje të dështuara" in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_idle_sessions_expire_and_use_keeps_them_alive(self, world, client):
        from django.contrib.sessions.models import Session

        assert settings.SESSION_COOKIE_AGE <= 30 * 60
        client.force_login(world.users["observer"])
        dashboard = reverse("krat:dashboard", args=[world.own.slug])
        client.get(dashboard)
        session = Session.objects.get(session_key=client.session.session_key)
        Session.objects.filter(pk=session.pk).update(
            expire_date=timezone.now() + datetime.timedelta(minutes=1)
        )
        stamp = client.session["krat_seen"]
        session_data = client.session
        session_data["krat_seen"] = stamp - 120  # last refreshed two minutes ago
        session_data.save()
        client.get(dashboard)
        assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + datetime.timedelta(
            minutes=25
        )
        Session.objects.filter(pk=session.pk).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert client.get(dashboard).status_code == 302  # idle too long: back to the log-in page


@pytest.mark.parametrize("header", ["content-security-policy", "x-frame-options", "x-content-type-options"])
def test_security_headers_are_sent(world, client, header):
    assert client.get(reverse("login")).has_header(header)
