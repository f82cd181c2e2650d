import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be
# allowed to run there (the live server itself runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from tests.world import build_world

CHROMIUM = "/usr/bin/chromium"

#: Test modules whose outcome depends on the database engine: text matching and order
#: (Albanian collation, search without diacritics), the rules kept as constraints and
#: triggers, and the migrations. CI runs the whole suite on PostgreSQL and these again on
#: the embedded SQLite default (`.ci/run`; `pytest -m engine_sensitive`). A new test of
#: such a rule belongs in one of these modules, or its module joins the list.
ENGINE_SENSITIVE = {
    "tests/actionplan/test_rules.py",
    "tests/cases/test_anonymity.py",
    "tests/cases/test_county_defaults.py",
    "tests/cases/test_no_value.py",
    "tests/cases/test_victims.py",
    "tests/krat/test_collation.py",
    "tests/krat/test_institution_rules.py",
    "tests/krat/test_membership.py",
    "tests/krat/test_membership_migration.py",
    "tests/krat/test_period_rules.py",
    "tests/krat/test_search.py",
    "tests/meetings/test_rules.py",
    "tests/security/test_bad_input.py",
    "tests/security/test_portability.py",
}


#: Browser tests that take a minute or more. They run first of the transactional tests (which
#: pytest-django runs after the rolled-back ones and before those without a database), so
#: that a worker of `make test` does not start one near the end while the other has nothing
#: left: `--dist worksteal` hands over only tests that have not started.
LONG_BROWSER_TESTS = {"tests/browser/test_every_page.py"}


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


# After pytest-django's order (its hook comes first), before `-m` selects by the marks added here.
def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    long = []
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if path in ENGINE_SENSITIVE:
            item.add_marker(pytest.mark.engine_sensitive)
        if path in LONG_BROWSER_TESTS:
            assert _transactional(item), f"{item.nodeid} is not transactional: it cannot move"
            long.append(item)
    if long:
        rest = [item for item in items if item not in long]
        first = next((n for n, item in enumerate(rest) if _transactional(item)), len(rest))
        items[:] = rest[:first] + long + rest[first:]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, with no call home: this machine's network is closed."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Log a client in as `user` (no password round-trip: axes guards the real form)."""

    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as a fresh deployment does: a test database
    gives the ids of a rolled-back test to the next one, so what the cache keeps under a
    period's id and version (`cases.selectors.figures.published_headlines`) must not outlive
    the test that wrote it."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Unit tests read messages in English; pages pick their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def no_registered_parts():
    """The submission workflow on its own: the apps' structured parts set aside."""
    from krat.submissions import parts

    saved = dict(parts._registry)
    parts._registry.clear()
    yield
    parts._registry.update(saved)
