"""Every page, as every role reaches it, fits a phone and passes axe (issue 20, point 9).

The walk starts at each demo person's home and follows the links of the pages it reaches
(same site, GET, HTML pages only), one address per page of the application (its URL name:
the second meeting's page is the first's again). At 390 px no page is wider than the screen;
at 390 and 1280 px axe finds nothing serious or critical on any page (each page asked once,
as the first role that reaches it). All findings are gathered, then reported together.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["sekretaria", "kryetari", "policia", "zyra.punes", "vezhguesi", "koordinatori"]
# Not pages to look at: leaving, switching the language, the admin and the API (JSON).
SKIP_NAMES = {"logout", "set_language"}
SKIP_PREFIXES = ("/admin/", "/api/v1/", "/static/", "/media/")
SERIOUS = ("serious", "critical")
# A walk reads the links of the pages it reaches; this bounds it (it reaches about 60).
MAX_PAGES = 150


def _page_name(path: str) -> str | None:
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.view_name in SKIP_NAMES else match.view_name


def walk(page, origin: str, start: str, seen: set[str]):
    """Yield (name, url) for each page not in `seen`, reached from `start` by links."""
    queue = [start]
    queued = {start}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        name = _page_name(urlsplit(url).path)
        if name is None or name in seen:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download (PDF, workbook, calendar file)
            seen.add(name)
            continue
        visited += 1
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            seen.add(name)
            continue
        seen.add(name)
        yield name, url
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in sorted(set(hrefs)):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(origin) and target not in queued:
                queued.add(target)
                queue.append(target)


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_fits_the_screen_and_passes_axe(full_demo, page, sign_in, sign_out, live_server, width):
    axe = Axe()
    problems: list[str] = []
    asked: set[str] = set()  # pages axe has read (as the first role that reached them)

    def look(name: str, url: str, who: str) -> None:
        if width == 390:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{who} {url}: {wide} px wide")
        if name not in asked:
            asked.add(name)
            found = axe.run(page).response["violations"]
            for violation in found:
                if violation["impact"] in SERIOUS:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{who} {url}: {violation['id']} {targets}")

    page.set_viewport_size({"width": width, "height": 900})
    origin = live_server.url
    for name, url in walk(page, origin, origin + reverse("login"), set()):
        look(name, url, "anonymous")
    for username in ROLES:
        page.context.clear_cookies()
        sign_in(username)
        seen: set[str] = set()
        for name, url in walk(page, origin, page.url, seen):
            if width == 390 or name not in asked:
                look(name, url, username)
    assert len(asked) >= 60, sorted(asked)  # the walk reached the application's pages
    assert problems == [], "\n".join(problems)
