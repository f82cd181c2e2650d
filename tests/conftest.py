import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be
# allowed to run there (the live server itself runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from tests.world import build_world

CHROMIUM = "/usr/bin/chromium"


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
