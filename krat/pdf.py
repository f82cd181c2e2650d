"""PDF rendering with WeasyPrint that never reaches the network.

`render_pdf` renders a Django template (normally one extending `templates/pdf/base.html`)
and turns it into PDF bytes. Resources are resolved by `LocalOnlyFetcher`: files under
the project's static folders and MEDIA_ROOT are read from disk, `data:` URLs are fine,
and everything else (http, https, ftp, file:// outside those folders) is refused, so a
document can neither leak a request to the outside nor embed a server file.

While WeasyPrint lays a document out, Python's cyclic garbage collector is paused
(`cyclic_gc_paused`): see its docstring for why that is most of a long report's time.
"""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from krat.http import disposition
from krat.inputs import strip_bidi

#: The base URL pages are rendered under: `/static/...` and `/media/...` resolve below it.
PDF_BASE_URL = "https://krat.invalid/"


def allowed_roots() -> list[Path]:
    """The folders whose files a PDF may embed: static folders (project and apps) and MEDIA_ROOT."""
    roots = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", [])]
    roots += [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    app_finder = finders.get_finder("django.contrib.staticfiles.finders.AppDirectoriesFinder")
    assert isinstance(app_finder, finders.AppDirectoriesFinder)
    roots += [Path(storage.location) for storage in app_finder.storages.values()]
    return [root.resolve() for root in roots]


def _inside_allowed(path: Path) -> Path | None:
    resolved = path.resolve()
    for root in allowed_roots():
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def local_path_for(url: str) -> Path | None:
    """The file on disk a PDF resource URL stands for, or None if it is not allowed."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _inside_allowed(Path(unquote(parts.path)))
    if url.startswith(PDF_BASE_URL):
        path = unquote(parts.path)
        static_url, media_url = settings.STATIC_URL, settings.MEDIA_URL
        if path.startswith(static_url):
            try:
                found = finders.find(path.removeprefix(static_url))
            except SuspiciousFileOperation:
                return None
            if found:
                return _inside_allowed(Path(found))
            return _inside_allowed(Path(settings.STATIC_ROOT) / path.removeprefix(static_url))
        if path.startswith(media_url):
            return _inside_allowed(Path(settings.MEDIA_ROOT) / path.removeprefix(media_url))
    return None


def _fetcher():
    """A `LocalOnlyFetcher` (WeasyPrint is imported only when a PDF is made)."""
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves local static and media files and `data:` URLs; refuses the rest."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path_for(url)
            if path is None:
                raise ValueError(f"Refused to fetch {url!r} for a PDF")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": media_type})

    return LocalOnlyFetcher(allowed_protocols={"data", "file", "https"})


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, then collect what it left behind.

    WeasyPrint builds a tree of some 200,000 objects for a 20-page report, nearly all of
    them alive until the PDF is written. Each time that many objects survive, Python runs
    a full collection that walks the whole process (Django, the app and the tree so far):
    three of them during one county report, about a third of its time, and all they find
    to free is the previous document, left as reference cycles. Paused, the objects the
    block makes all stay in the youngest generation, so collecting that generation
    afterwards frees this document's cycles at once, without walking the rest of the
    process again.

    Reference counting still frees everything else as usual. If the collector was already
    off (the host turned it off, or another thread is inside this block), it is left as it
    was and nothing is collected here.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """Render `template_name` with `context` and return the PDF's bytes.

    The context should hold plain data (a report selector's output): WeasyPrint's
    layout then runs without touching the database.
    """
    from weasyprint import HTML

    # Without bidirectional controls, which would print words reversed (krat.inputs).
    html = strip_bidi(render_to_string(template_name, context, request=request))
    with cyclic_gc_paused():
        pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher()).write_pdf()
    return pdf


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying a PDF as a download (or shown in the browser if `inline`)."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = disposition(filename, attachment=not inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response
