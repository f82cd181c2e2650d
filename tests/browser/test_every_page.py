"""Every page, as every role reaches it, fits a phone and passes axe (issue 20, point 9).

The walk starts at each demo person's home and follows the links of the pages it reaches
(same site, GET, HTML pages only), one address per page of the application (its URL name:
the second meeting's page is the first's again). At 390 px no page is wider than the screen;
at 390 and 1280 px axe finds nothing serious or critical on any page (each page asked once,
as the first role that reaches it). All findings are gathered, then reported together.

One walk serves both widths: it goes at 390 px, and a page axe has not read yet is read
there, then loaded again at 1280 px and read once more (loaded, not resized: tables.js
decides on a page's load which tables scroll, as a desk's browser would). A download
(a PDF, a workbook, a calendar file) is fetched once, by the first role whose walk reaches
its address: it is no page, and each fetch makes the file again.
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
PHONE = {"width": 390, "height": 900}
DESK = {"width": 1280, "height": 900}
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


def walk(page, origin: str, start: str, seen: set[str], files: set[str]):
    """Yield (name, url) for each page not in `seen`, reached from `start` by links.

    `files` holds the names that answered a download: they are not asked again.
    The links are read before the page is yielded, as it first loaded.
    """
    queue = [start]
    queued = {start}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        name = _page_name(urlsplit(url).path)
        if name is None or name in seen or name in files:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download (PDF, workbook, calendar file)
            files.add(name)
            continue
        visited += 1
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            files.add(name)
            continue
        seen.add(name)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        yield name, url
        for href in sorted(set(hrefs)):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(origin) and target not in queued:
                queued.add(target)
                queue.append(target)


def test_every_page_fits_a_phone_and_passes_axe_on_a_phone_and_a_desk(full_demo, page, sign_in, live_server):
    axe = Axe()
    problems: list[str] = []
    asked: set[str] = set()  # pages axe has read (as the first role that reached them)
    files: set[str] = set()  # addresses that answered a download

    def read(who: str, url: str, width: int) -> None:
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{who} {url} at {width} px: {violation['id']} {targets}")

    def look(name: str, url: str, who: str) -> None:
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            problems.append(f"{who} {url}: {wide} px wide")
        if name not in asked:
            asked.add(name)
            read(who, url, PHONE["width"])
            page.set_viewport_size(DESK)
            page.goto(url)
            read(who, url, DESK["width"])
            page.set_viewport_size(PHONE)

    page.set_viewport_size(PHONE)
    origin = live_server.url
    for name, url in walk(page, origin, origin + reverse("login"), set(), files):
        look(name, url, "anonymous")
    for username in ROLES:
        page.context.clear_cookies()
        sign_in(username)
        for name, url in walk(page, origin, page.url, set(), files):
            look(name, url, username)
    assert len(asked) >= 60, sorted(asked)  # the walk reached the application's pages
    assert problems == [], "\n".join(problems)
