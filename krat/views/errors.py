"""Every error in the site's language and format: a page for people (Albanian first, the
language they chose otherwise), JSON `{"detail": "..."}` for a program calling the API.

Django answers an error outside a view (a bad Host header, a body over the upload limit,
an address that matches nothing, a failed CSRF check) with these views (`handler400`…
in `krat.urls`, `CSRF_FAILURE_VIEW`); DRF answers the API views' own errors through
`krat.api.errors`. A page a method does not reach (GET of the log-out address) is
answered by `krat.middleware.MethodNotAllowedPageMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from krat.api.base import request_language
from krat.middleware import page_language

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def upload_limit_mb() -> int:
    """The most a form may send (its text, files apart), in whole megabytes."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20


def error_response(request: HttpRequest, status: int, message: Callable[[], str], template: str, **context):
    """JSON `{"detail": message()}` for the API (in the language its Accept-Language asks
    for), or `template` for people (in the page's language)."""
    if is_api(request):
        with translation.override(request_language(request.headers.get("Accept-Language", ""))):
            return JsonResponse({"detail": message()}, status=status)
    # The page's language even when the error came before the locale middleware (a bad Host).
    with translation.override(page_language(request)):
        return render(request, template, {"message": message(), **context}, status=status)


def _too_big() -> str:
    return _(
        "The form was larger than the %(limit)s MB that can be sent at once (attached files "
        "are counted apart), so nothing was saved."
    ) % {"limit": upload_limit_mb()}


def _too_many() -> str:
    return _("The form had more fields or files than can be sent at once, so nothing was saved.")


def _not_for_us() -> str:
    return _("This request cannot be answered: it is incomplete or not addressed to this site.")


def _forbidden() -> str:
    return _("You do not have permission to perform this action.")


def _not_found() -> str:
    return _("Not found.")


def _server_error() -> str:
    return _("A server error occurred.")


def _csrf() -> str:
    return _(
        "The form could not be accepted because its security check failed: the page was open "
        "too long, or cookies are blocked for this site. Nothing was saved."
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the form was larger than the upload limit. The body is left unread
    (reading it to show the form again would defeat the limit), so the page says how to get
    the text back; `static/js/form-size.js` stops such a form before it leaves the page."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, _too_big, "errors/413.html", limit=upload_limit_mb())
    message = _too_many if isinstance(exception, TooManyFieldsSent | TooManyFilesSent) else _not_for_us
    return error_response(request, 400, message, "errors/400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, _forbidden, "403.html")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, _not_found, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """500: for people the static page (it needs no database and no context to render)."""
    if is_api(request):
        return error_response(request, 500, _server_error, "500.html")
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token was missing or old (a page kept open past the session,
    cookies refused): say so, and how to send it again without losing the text."""
    return error_response(request, 403, _csrf, "errors/403_csrf.html")
