"""Forgotten passwords: the reset e-mail, its link, the throttle, and what a reset leaves
in place (the second factor) or ends (other sessions)."""

import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from krat import password_reset
from tests.factories import UserFactory
from tests.krat.test_security import password_login

SITE = "https://krat.example.org"
NEW_PASSWORD = "Kali-i-bardhe-vrapon-2018"
LINK = re.compile(r"https://krat\.example\.org(/fjalekalimi/rivendos/[^/\s]+/[^/\s]+/)")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_and_fresh_counts(settings):
    """A configured SITE_URL, and throttle counts that start at nothing (the cache is the
    process's own memory in tests, shared by every test)."""
    settings.KRAT_SITE_URL = SITE
    cache.clear()
    yield
    cache.clear()


def ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def choose_password(client, path, password=NEW_PASSWORD):
    """Open the e-mail's link (Django moves the token into the session) and post the form."""
    opened = client.get(path)
    assert opened.status_code == 302  # to the address without the token
    form = client.get(opened.url)
    assert form.context["validlink"]
    return client.post(opened.url, {"new_password1": password, "new_password2": password})


def test_the_email_is_in_albanian_and_its_link_sets_a_new_password(world, client):
    user = world.users["representative"]
    response = ask(client, user.email.upper())  # the address as typed, any case
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert client.get(response.url).status_code == 200
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "KRAT: zgjidhni një fjalëkalim të ri"
    assert message.body.startswith(f"Përshëndetje {user.get_full_name()},")
    assert "Lidhja funksionon një herë, brenda 24 orëve." in message.body
    assert f"Emri juaj i përdoruesit është {user.username}." in message.body
    assert not getattr(message, "alternatives", None)  # plain text only

    weak = choose_password(client, link_in(message), password="1234567890")
    assert weak.status_code == 200 and weak.context["form"].errors  # the project's validators
    done = client.post(
        weak.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The reset does not sign anyone in, and its link works once.
    assert client.get(reverse("krat:home")).url.startswith(reverse("login"))
    again = client.get(link_in(message), follow=True)
    assert not again.context["validlink"]


def test_english_is_asked_for_in_english(world, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ask(client, world.users["chair"].email)
    [message] = mail.outbox
    assert message.subject == "KRAT: choose a new password"
    assert "The link works once, within 24 hours." in message.body


def test_the_link_goes_to_site_url_whatever_host_the_request_named(world, client):
    ask(client, world.users["chair"].email, HTTP_HOST="localhost")  # an allowed host, not ours
    [message] = mail.outbox
    assert "localhost" not in message.body and "testserver" not in message.body
    link_in(message)


def test_no_site_url_sends_nothing_and_answers_alike(world, client, settings, caplog):
    settings.KRAT_SITE_URL = ""
    with caplog.at_level(logging.ERROR, logger="krat.views.security"):
        response = ask(client, world.users["chair"].email)
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
    assert "SITE_URL is not set" in caplog.text


def test_an_unknown_inactive_or_passwordless_address_gets_the_same_page_and_no_mail(world, client):
    known = ask(client, world.users["chair"].email)
    mail.outbox.clear()
    inactive = UserFactory(county=world.own, is_active=False)
    passwordless = UserFactory(county=world.own)
    passwordless.set_unusable_password()
    passwordless.save()
    for email in ("nobody@example.org", inactive.email, passwordless.email):
        response = ask(client, email)
        assert (response.status_code, response.url) == (known.status_code, known.url)
    assert mail.outbox == []


def test_the_fourth_request_for_one_address_within_the_hour_sends_nothing(world, client, caplog):
    email = world.users["chair"].email
    for _ in range(settings.KRAT_PASSWORD_RESET_LIMIT_ADDRESS):
        ask(client, email)
    assert len(mail.outbox) == 3
    with caplog.at_level(logging.WARNING, logger="krat.password_reset"):
        response = ask(client, email, REMOTE_ADDR="10.0.0.9")  # another machine too
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    assert "throttled (address limit)" in caplog.text
    # The window's end (the cache entry expiring) opens it again.
    cache.delete(password_reset.address_key(email))
    ask(client, email, REMOTE_ADDR="10.0.0.9")
    assert len(mail.outbox) == 4


def test_one_machine_asking_for_many_addresses_is_stopped(world, client):
    for n in range(settings.KRAT_PASSWORD_RESET_LIMIT_CLIENT):
        ask(client, f"guess{n}@example.org")  # unknown addresses count as much as known ones
    ask(client, world.users["chair"].email)
    assert mail.outbox == []
    ask(client, world.users["chair"].email, REMOTE_ADDR="10.0.0.9")
    assert len(mail.outbox) == 1


def test_the_reset_ends_the_persons_other_sessions(world, client):
    user = world.users["secretariat"]
    elsewhere = Client()
    elsewhere.force_login(user)
    assert elsewhere.get(reverse("krat:home")).status_code in (200, 302)
    ask(client, user.email)
    choose_password(client, link_in(mail.outbox[0]))
    assert elsewhere.get(reverse("krat:dashboard", args=[world.own.slug])).url.startswith(reverse("login"))


def test_after_a_reset_an_enrolled_person_still_gives_the_code(world, client):
    user = world.users["chair"]
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    ask(client, user.email)
    choose_password(client, link_in(mail.outbox[0]))
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    response = password_login(client, user, password=NEW_PASSWORD)
    assert response.status_code == 302
    dashboard = reverse("krat:dashboard", args=[world.own.slug])
    assert client.get(dashboard).url == reverse("two_factor_verify")
