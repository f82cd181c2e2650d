"""Log-in throttling that holds an attacker, not the chair (issue 14, point 4).

Three kinds of lock, each with its own limit (krat/settings.py, krat/throttle.py): one
person at one address, one person from any address, one address whatever the user name.
Behind the reverse proxy the address is the forwarded one, but only when a proxy is
configured. A locked-out person sees until when; the secretariat can unlock its county's
representatives and observers.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from krat import services, throttle
from krat.settings import client_address_settings
from tests.factories import PASSWORD, UserFactory

PAIR = settings.KRAT_LOGIN_LIMITS[("username", "ip_address")]
PERSON = settings.KRAT_LOGIN_LIMITS[("username",)]
ADDRESS = settings.KRAT_LOGIN_LIMITS[("ip_address",)]
STRANGER, CHAIR_DESK, OFFICE = "198.51.100.7", "192.0.2.10", "203.0.113.20"
PROXY = "127.0.0.1"  # nginx on the same machine, as the README sets it up


def log_in(username, password=PASSWORD, *, address=STRANGER, forwarded=None, client=None):
    client = client or Client()
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url != reverse("login")


@pytest.fixture
def behind_proxy(settings):
    """The documented deployment: one reverse proxy of ours (KRAT_TRUSTED_PROXY_COUNT=1)."""
    order, count = client_address_settings(1)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = order
    settings.AXES_IPWARE_PROXY_COUNT = count


def test_the_limits_are_ordered_so_a_stranger_cannot_lock_the_chair_out():
    assert PAIR < PERSON
    assert PAIR < ADDRESS


class TestKindsOfLock:
    def test_a_strangers_guesses_lock_the_stranger_not_the_chair(self, world):
        chair = world.users["chair"].username
        statuses = [log_in(chair, "e-gabuar", address=STRANGER).status_code for _ in range(PAIR)]
        assert statuses == [200] * (PAIR - 1) + [429]  # the failure that reaches the limit locks
        assert log_in(chair, address=STRANGER).status_code == 429  # even the right password
        assert logged_in(log_in(chair, address=CHAIR_DESK))

    def test_a_locked_stranger_who_keeps_trying_adds_nothing(self, world):
        chair = world.users["chair"].username
        for _ in range(PAIR + PERSON):
            log_in(chair, "e-gabuar", address=STRANGER)
        assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == PAIR
        assert logged_in(log_in(chair, address=CHAIR_DESK))

    def test_many_addresses_guessing_one_person_lock_the_user_name(self, world):
        chair = world.users["chair"].username
        addresses = [f"198.51.100.{n}" for n in range(1, PERSON + 1)]
        # One guess each: no address reaches its own limit, the user name reaches its.
        statuses = [log_in(chair, "e-gabuar", address=address).status_code for address in addresses]
        assert statuses == [200] * (PERSON - 1) + [429]
        assert log_in(chair, address=CHAIR_DESK).status_code == 429
        assert logged_in(log_in(world.users["observer"].username, address=CHAIR_DESK))

    def test_one_address_trying_many_user_names_locks_the_address(self, world):
        # One password, a new user name each time.
        statuses = [log_in(f"emri{n}", "Pranvera-2026", address=STRANGER).status_code for n in range(ADDRESS)]
        assert statuses == [200] * (ADDRESS - 1) + [429]
        assert log_in(world.users["observer"].username, address=STRANGER).status_code == 429
        assert logged_in(log_in(world.users["observer"].username, address=OFFICE))

    def test_a_successful_log_in_forgets_only_the_persons_failures_at_that_address(self, world):
        observer = world.users["observer"].username
        log_in(observer, "e-gabuar", address=OFFICE)
        log_in(observer, "e-gabuar", address=STRANGER)
        log_in("dikush.tjeter", "e-gabuar", address=OFFICE)
        assert logged_in(log_in(observer, address=OFFICE))
        left = set(AccessAttempt.objects.values_list("username", "ip_address"))
        assert left == {(observer, STRANGER), ("dikush.tjeter", OFFICE)}


class TestTheClientAddress:
    def test_behind_the_proxy_the_forwarded_address_is_throttled(self, world, behind_proxy):
        chair = world.users["chair"].username
        for _ in range(PAIR):
            log_in(chair, "e-gabuar", address=PROXY, forwarded=STRANGER)
        assert log_in(chair, address=PROXY, forwarded=STRANGER).status_code == 429
        assert logged_in(log_in(chair, address=PROXY, forwarded=CHAIR_DESK))
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}

    def test_behind_the_proxy_what_the_client_wrote_before_it_is_skipped(self, world, behind_proxy):
        chair = world.users["chair"].username
        for n in range(PAIR):  # nginx appends the address it saw; the rest is the client's
            log_in(chair, "e-gabuar", address=PROXY, forwarded=f"10.9.9.{n}, {STRANGER}")
        assert log_in(chair, address=PROXY, forwarded=f"10.9.9.99, {STRANGER}").status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}

    def test_without_a_proxy_configured_a_forged_header_is_ignored(self, world):
        chair = world.users["chair"].username
        for n in range(PAIR):
            log_in(chair, "e-gabuar", address=STRANGER, forwarded=f"192.0.2.{n}")
        assert log_in(chair, address=STRANGER, forwarded="192.0.2.200").status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}

    def test_the_proxy_count_cannot_be_negative(self):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            client_address_settings(-1)


class TestTheLockedOutPage:
    def test_it_says_in_albanian_when_to_try_again(self, world):
        chair = world.users["chair"].username
        for _ in range(PAIR):
            log_in(chair, "e-gabuar")
        response = log_in(chair)
        attempt = AccessAttempt.objects.get()
        until = timezone.localtime(attempt.attempt_time + settings.AXES_COOLOFF_TIME)
        page = response.content.decode()
        assert response.status_code == 429
        assert f"Mund të provoni përsëri nga {until:%d.%m.%Y %H:%M}." in page
        assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds()

    def test_the_time_is_when_enough_failures_have_aged_out(self):
        start = timezone.now()
        attempts = [
            (start, 3),
            (start + datetime.timedelta(minutes=10), 2),
            (start + datetime.timedelta(minutes=20), 1),
        ]
        lock = throttle.lock_for(("username", "ip_address"), attempts)
        assert lock.holds
        # The first row leaving (start + window) leaves 3 failures, under the limit of 5.
        assert lock.until == start + settings.AXES_COOLOFF_TIME
        assert not throttle.lock_for(("username", "ip_address"), attempts[1:]).holds
        heavy = [(start, 1), (start + datetime.timedelta(minutes=5), PERSON)]
        assert throttle.lock_for(("username",), heavy).until == heavy[1][0] + settings.AXES_COOLOFF_TIME


def lock_out(username, address=OFFICE):
    for _ in range(PAIR):
        log_in(username, "e-gabuar", address=address)
    assert log_in(username, address=address).status_code == 429


class TestUnlock:
    def test_the_secretariat_unlocks_a_representative_of_its_county(self, world, client):
        person = world.users["representative"]
        lock_out(person.username)
        log_in("dikush.tjeter", "e-gabuar", address=OFFICE)
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:person_edit", args=[person.pk])).content.decode()
        assert reverse("krat:person_unlock", args=[person.pk]) in page
        response = client.post(reverse("krat:person_unlock", args=[person.pk]))
        assert response.status_code == 302
        assert response.url == reverse("krat:person_edit", args=[person.pk])
        entry = person.history.order_by("-history_date").first()
        assert entry.history_user == world.users["secretariat"]
        assert entry.history_change_reason
        assert entry.version == person.version  # an open edit form of the person stays valid
        assert logged_in(log_in(person.username, address=OFFICE))
        assert AccessAttempt.objects.filter(username="dikush.tjeter").exists()  # others' stay

    def test_the_unlock_shows_in_the_persons_history(self, world, client):
        person = world.users["observer"]
        lock_out(person.username)
        services.person_unlock(person=person, by=world.users["secretariat"])
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:record_history", args=["krat.user", person.pk])).content.decode()
        assert "Hyrja u zhbllokua" in page

    def test_the_persons_page_says_until_when(self, world, client):
        person = world.users["representative"]
        lock_out(person.username)
        state = throttle.person_login_state(person.username)
        assert state.failures == PAIR
        assert state.until is not None
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:person_edit", args=[person.pk])).content.decode()
        assert f"{timezone.localtime(state.until):%d.%m.%Y %H:%M}" in page

    def test_no_button_when_nothing_is_recorded(self, world, client):
        person = world.users["representative"]
        client.force_login(world.users["secretariat"])
        page = client.get(reverse("krat:person_edit", args=[person.pk])).content.decode()
        assert reverse("krat:person_unlock", args=[person.pk]) not in page
        assert throttle.person_login_state(person.username) is None

    def test_another_countys_secretariat_gets_not_found(self, world, client):
        person = world.users["representative"]
        lock_out(person.username)
        client.force_login(world.users["other_secretariat"])
        assert client.post(reverse("krat:person_unlock", args=[person.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.person_unlock(person=person, by=world.users["other_secretariat"])
        assert log_in(person.username, address=OFFICE).status_code == 429

    def test_the_chair_is_not_the_secretariats_to_unlock(self, world, client):
        chair = world.users["chair"]
        lock_out(chair.username)
        client.force_login(world.users["secretariat"])
        assert client.post(reverse("krat:person_unlock", args=[chair.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            services.person_unlock(person=chair, by=world.users["secretariat"])
        assert log_in(chair.username, address=OFFICE).status_code == 429

    @pytest.mark.parametrize("role", ["representative", "observer", "chair"])
    def test_nobody_else_unlocks(self, world, client, role):
        person = world.users["other_representative"]
        lock_out(person.username)
        client.force_login(world.users[role])
        assert client.post(reverse("krat:person_unlock", args=[person.pk])).status_code == 403
        assert log_in(person.username, address=OFFICE).status_code == 429

    @pytest.mark.parametrize("method", ["get", "head", "put", "patch", "delete"])
    def test_only_a_post_unlocks(self, world, client, method):
        person = world.users["representative"]
        lock_out(person.username)
        client.force_login(world.users["secretariat"])
        assert getattr(client, method)(reverse("krat:person_unlock", args=[person.pk])).status_code == 405
        assert log_in(person.username, address=OFFICE).status_code == 429

    def test_nothing_to_unlock_is_said_and_nothing_is_written(self, world, client):
        person = world.users["representative"]
        before = person.history.count()
        with pytest.raises(ValidationError):
            services.person_unlock(person=person, by=world.users["secretariat"])
        client.force_login(world.users["secretariat"])
        response = client.post(reverse("krat:person_unlock", args=[person.pk]), follow=True)
        assert "Nuk është regjistruar asnjë hyrje e dështuar" in response.content.decode()
        assert person.history.count() == before

    def test_an_administrator_account_is_never_unlocked_from_the_people_pages(self, world, client):
        staff = UserFactory(username="it.durres", role="observer", county=world.own, is_staff=True)
        lock_out(staff.username)
        client.force_login(world.users["secretariat"])
        assert client.post(reverse("krat:person_unlock", args=[staff.pk])).status_code == 403
        assert log_in(staff.username, address=OFFICE).status_code == 429
