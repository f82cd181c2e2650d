"""Request types for views, so the type checker knows what the decorators guarantee."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from krat.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `login_required` view receives: `user` is a signed-in person, never
    `AnonymousUser`. Only for annotations; Django builds plain `HttpRequest`s."""

    user: User


def disposition(filename: str, *, attachment: bool = True) -> str:
    """The Content-Disposition header of a response named `filename`: a download, or shown
    in the browser when not `attachment`. (Django's helper gives None only without a name.)"""
    header = content_disposition_header(attachment, filename)
    if header is None:
        raise ValueError("a response to name needs a file name")
    return header


def return_path(request: HttpRequest, default: str) -> str:
    """Where a page goes after its form is saved: the `next` path it was opened with (the
    representative's report, whose parts open from it and come back to it), else
    `default`. Only a path on this site is followed: `next=https://elsewhere` or
    `//elsewhere` is ignored, as Django's own log-in does."""
    target = request.GET.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return default


def json_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required` for an address a page's script calls: an anonymous visitor (a
    session that ended) gets 401 with a JSON reason, not the log-in page, so the script
    can say so and keep what was typed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("Your session has ended: log in again.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper
