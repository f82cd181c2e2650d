import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from krat.demo import DEMO_PASSWORD, demo_load

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The core demo: Durrës with its institutions, periods and logins (no app records)."""
    from django.utils import timezone

    return demo_load(timezone.localdate())


@pytest.fixture
def full_demo(transactional_db):
    """The whole demo, every app's records included, as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    from krat.models import County

    return County.objects.get(slug="durres")


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def sign_in(page, live_server):
    """Log in through the real form, as a person would."""

    def _sign_in(username: str, password: str = DEMO_PASSWORD):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Emër përdoruesi").fill(username)
        page.get_by_label("Fjalëkalimi").fill(password)
        page.get_by_role("button", name="Hyr").click()
        return page

    return _sign_in


@pytest.fixture
def sign_out(page):
    """Log out through the user menu, as a person would."""

    def _sign_out():
        toggler = page.get_by_role("button", name="Hap menunë")
        if toggler.is_visible():
            toggler.click()
            # Bootstrap's collapse animates open: a click on the user menu while it is still
            # "collapsing" (a loaded machine) opens the dropdown inside a clipped box.
            page.locator("#main-nav.collapse.show").wait_for()
        page.get_by_test_id("user-menu").click()
        page.get_by_role("button", name="Dil").click()

    return _sign_out


@pytest.fixture
def assert_accessible():
    axe = Axe()

    def _check(page):
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious]

    return _check
