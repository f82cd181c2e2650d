"""Every URL pattern × every HTTP method × every role, on the own county's records and on
another county's, with the rows each list returns. The table is tests/access.py (and each
app's tests/<app>/access_cases.py); its docstring says what a line means.

The two-county world is built once for the module, inside a transaction that is rolled
back at its end; each test runs in a savepoint of it, and each request in one more, rolled
back after it, so every role asks the same world and a write by one never changes what the
next one gets.
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.forms import BaseFormSet
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.access import LOGIN, METHODS, Seen, all_cases, all_references, url_name, url_patterns
from tests.fingerprint import fingerprint
from tests.security.forms import fill_required, form_data, page_form
from tests.world import ROLES, build_two_counties

CASES, BUILDERS = all_cases()
# The admin site (Django's own, with unnamed patterns of its own) has one rule for all its
# patterns: test_the_admin_site_is_for_staff_only.
PATTERNS = url_patterns(skip_namespaces=("admin",))
ADMIN_PATTERNS = [p for p in url_patterns() if p.route.startswith("admin/")]
REFUSALS = (401, 403, 404, 405, LOGIN)
# One test per case and side: the other county's records too, when the URL names a record.
ITEMS = [
    pytest.param(key, side, id=f"{key}-{side}")
    for key, case in sorted(CASES.items())
    for side in (("own", "other") if case.asks_other_county else ("own",))
]


def test_every_url_pattern_has_a_case():
    unnamed = [p.route for p in PATTERNS if not p.name]
    assert unnamed == [], f"URL patterns without a name (give each one a name and a case): {unnamed}"
    # A router's `<route>.<format>` twin shares its route's name: the matrix would not ask it.
    twins = [p.route for p in PATTERNS if p.takes_format]
    assert twins == [], f"format-suffix twins (the router's include_format_suffixes): {twins}"
    missing = sorted({p.name for p in PATTERNS} - {url_name(key) for key in CASES})
    assert missing == [], f"URLs without an access case in tests/access.py: {missing}"


def test_no_case_names_a_url_that_is_gone():
    stale = sorted({url_name(key) for key in CASES} - {p.name for p in PATTERNS})
    assert stale == []


def _methods(case, side: str) -> tuple[str, ...]:
    """Every method on the own county's records; on the other county's, those the view
    accepts (the 405 of the others does not depend on the record)."""
    return METHODS if side == "own" else tuple(m for m in METHODS if m in case.methods)


def test_the_matrix_stays_affordable():
    """What the matrix costs, counted from the table (its time is spent in requests)."""
    requests = sum(len(ROLES) * len(_methods(CASES[p.values[0]], p.values[1])) for p in ITEMS)
    # 8 640 with the memberships' pages (issue 16) and the search (issue 18); 8 820 with the
    # password reset's four pages (issue 20); 8 919 with the narrative's autosave and the
    # session's keep-alive (issue 20, point 2); 8 928 with the minutes' approval read before it
    # is given (issue 20 point 5); 9 054 with the agenda's arrows and drag (issue 20, point 4).
    assert requests <= 9_054, requests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both counties with every app's records, a superuser whose session is verified
    with a second factor (the admin and the two-factor rules ask for it), and a signed-in
    session for each role (`world.extra["sessions"]`): every request is rolled back, so a
    session left in the world is the same for every test that borrows it."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        world = build_two_counties()
        for build in BUILDERS:
            build(world)
            build(world.mirror)
        world.extra["superuser_device"] = TOTPDevice.objects.create(
            user=world.users["superuser"], name="authenticator", confirmed=True
        )
        world.extra["sessions"] = {role: _new_session(world, role) for role in ROLES if role != "anonymous"}
        yield world
        transaction.set_rollback(True)


def _new_session(world, role: str) -> str:
    """The key of a new session signed in as `role` (through Django's `force_login`)."""
    client = Client()
    client.force_login(world.users[role])
    if role == "superuser":
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = world.extra["superuser_device"].persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _sign_in(client, world, role: str) -> dict:
    """The client's cookies for `role` (none for the anonymous visitor): the world's
    session of the role, or a new one if it has ended (a run slower than its idle limit)."""
    client.cookies.clear()
    if role == "anonymous":
        return {}
    key = world.extra["sessions"][role]
    if not Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).exists():
        key = _new_session(world, role)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return {settings.SESSION_COOKIE_NAME: key}


def _send(client, case, method: str, url: str, target):
    body = case.body[method](target) if method in case.body else {}
    if method == "get":
        return client.get(url, case.query)
    if case.api:
        return client.generic(method.upper(), url, json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(url, body)
    return client.generic(method.upper(), url)


def _status(response) -> int | str:
    if response.status_code == 302 and response.url.startswith(reverse("login") + "?next="):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "side"), ITEMS)
def test_each_role_gets_what_the_table_says(world, client, key, side):
    case = CASES[key]
    target = world if side == "own" else world.mirror
    url = reverse(url_name(key), kwargs=case.kwargs(target))
    page_county = target.own if case.names_county_record else None
    wrong = []
    rows_seen = set()
    for role in ROLES:
        cookies = _sign_in(client, world, role)
        before = fingerprint()  # every request starts from here: each is rolled back
        for method in _methods(case, side):
            expected = case.expected(role, method, mirrored=side == "other")
            with transaction.atomic():
                client.cookies.clear()
                for name, value in cookies.items():
                    client.cookies[name] = value
                response = _send(client, case, method, url, target)
                got = _status(response)
                where = f"{method.upper()} {url} as {role}"
                if got != expected:
                    wrong.append(f"{where}: expected {expected}, got {got}")
                elif expected in REFUSALS and fingerprint() != before:
                    wrong.append(f"{where}: refused, yet the database changed")
                elif case.rows and method == "get" and got == 200:
                    user = world.users.get(role, AnonymousUser())
                    seen = Seen(user=user, world=target, page_county=page_county)
                    shown, visible = case.rows.shown(response), case.rows.visible(seen)
                    rows_seen |= visible
                    if shown != visible:
                        wrong.append(
                            f"{where}: rows {sorted(shown, key=str)}, expected {sorted(visible, key=str)}"
                        )
                transaction.set_rollback(True)
    if case.rows and side == "own" and not rows_seen:
        wrong.append("nobody may see a row of this list here: its rows prove nothing (give the world some)")
    note = f"\n({case.note})" if case.note else ""
    assert not wrong, "\n".join(wrong) + note


# --- Mixed ids: a write that names another county's record --------------------------------

REFERENCES = all_references()


def _with(body: dict, field: str, value) -> dict:
    """`body` with `field` (dotted into lists: "counts.0.age_group") set to `value`."""
    body = json.loads(json.dumps(body))
    *path, last = field.split(".")
    node = body
    for step in path:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[last] = value
    return body


def _field_names(form) -> set[str]:
    forms = form.forms if isinstance(form, BaseFormSet) else [form]
    return {bound.html_name for each in forms for bound in each}


_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _page_form(page):
    """The page's form, or its formset (whose management form also renders as "form")."""
    return page.context["formset"] if "formset" in page.context else page_form(page)


def _as_posted(page, form) -> dict:
    """What the browser posts for the page's form: its hidden inputs (a stamp the form
    does not hold), then the form's fields (each row of a formset)."""
    data = dict(_HIDDEN.findall(page.content.decode()))
    if not isinstance(form, BaseFormSet):
        return fill_required(form, {**data, **form_data(form)})
    data.update(form_data(form.management_form))
    for row in form.forms:
        data.update(form_data(row))
    return data


def _etag(client, method: str, url: str) -> str | None:
    """The ETag a PATCH must name, read first (a read of case figures is logged, so it is
    read before the database's fingerprint is taken)."""
    return client.get(url)["ETag"] if method == "patch" else None


def _api_write(client, method: str, url: str, body: dict, etag: str | None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reference", REFERENCES, ids=[f"{r.key}-{r.field}-{r.role}-{r.method}" for r in REFERENCES]
)
def test_a_write_naming_another_countys_record_is_refused(world, client, reference):
    """The write as its page (or a program) sends it is saved; naming another county's
    record (another meeting's, another plan's) in one field instead is refused with 400,
    and nothing changes."""
    case = CASES[reference.key]
    url = reverse(url_name(reference.key), kwargs=case.kwargs(world))
    _sign_in(client, world, reference.role)
    foreign = reference.value(world)
    if case.api:
        body = case.body[reference.method](world) if reference.method in case.body else {}
        if reference.own is not None:
            body = _with(body, reference.field, reference.own(world))
        send = lambda data, etag: _api_write(client, reference.method, url, data, etag)  # noqa: E731
        read_etag = lambda: _etag(client, reference.method, url)  # noqa: E731
        ok = case.methods["post"].status if reference.method == "post" else 200
    else:
        page = client.get(url)
        form = _page_form(page)
        body = _as_posted(page, form)
        assert reference.field in _field_names(form), f"{reference.field} is not a field of {reference.key}"
        send = lambda data, etag: client.post(url, data)  # noqa: E731
        read_etag = lambda: None  # noqa: E731
        ok = 302
    with transaction.atomic():
        saved = send(body, read_etag())
        assert saved.status_code == ok, (saved.status_code, saved.content[:500])
        transaction.set_rollback(True)
    with transaction.atomic():
        etag = read_etag()
        before = fingerprint()
        refused = send(
            _with(body, reference.field, foreign) if case.api else {**body, reference.field: foreign}, etag
        )
        assert refused.status_code == 400, (refused.status_code, refused.content[:500])
        assert fingerprint() == before
        transaction.set_rollback(True)


# --- The admin site -----------------------------------------------------------------------


def _admin_url(route: str) -> str:
    """An address that the admin pattern `route` answers (any id: refusals come before lookups)."""
    url = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", route)  # the first app of the list
    url = re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)|\([^)]*\)", "1", url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".")


def test_every_admin_pattern_is_reached():
    """The admin rule below asks each pattern of the admin site, named or not."""
    for pattern in ADMIN_PATTERNS:
        route = resolve(_admin_url(pattern.route)).route
        assert route.replace("^", "") == pattern.route.replace("^", ""), pattern.route


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_for_staff_only(world, client, role):
    """Every pattern of the admin site sends everyone but the (verified) superuser to the
    admin's log-in page, for GET and POST, and changes nothing; its log-in page is the
    only one that opens. (The superuser's own pages: tests/test_admin.py.)"""
    cookies = _sign_in(client, world, role)
    before = fingerprint()
    login, index = reverse("admin:login"), reverse("admin:index")
    wrong = []
    patterns = (
        ADMIN_PATTERNS if role != "superuser" else [p for p in ADMIN_PATTERNS if p.name == "admin:index"]
    )
    for pattern in patterns:
        url = _admin_url(pattern.route)
        for method in ("get",) if role == "superuser" else ("get", "post"):
            with transaction.atomic():
                client.cookies.clear()
                for name, value in cookies.items():
                    client.cookies[name] = value
                response = getattr(client, method)(url)
                where = f"{method.upper()} {url} as {role}"
                to = response.get("Location", "")
                if role == "superuser":
                    if response.status_code >= 500 or to.startswith(login):
                        wrong.append(f"{where}: {response.status_code} {to}")
                elif pattern.name == "admin:login":
                    if response.status_code != 200:
                        wrong.append(f"{where}: {response.status_code}, not the log-in form")
                elif response.status_code != 302 or not to.startswith(
                    index if pattern.name == "admin:logout" else login
                ):
                    wrong.append(f"{where}: {response.status_code} {to}")
                elif fingerprint() != before:
                    wrong.append(f"{where}: refused, yet the database changed")
                transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)
