"""Albanian first: the language is the one the person chose, else Albanian.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
official whose browser is set to English would land in English. Here only the
choice made with the language button (kept in a cookie) changes the language.
"""

import time

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _


def page_language(request) -> str:
    """The language a page is shown in: the one chosen with the language button, else Albanian."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class AlbanianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class TwoFactorMiddleware:
    """Holds a signed-in person at the code prompt (or at enrolment, when it is required
    of them) until the session is verified. Only the page they are held at, log-out,
    the language switch and the health check stay open: a session held at the code
    prompt never reaches enrolment, where a password alone could set up a new device.

    A session found without a device is marked, so later requests ask the database
    nothing (a device made later, by enrolling, ends every other session of the
    person); whether two-factor log-in is required is read from the user and the
    county loaded with them, so switching the requirement on takes effect at once.
    """

    ALWAYS_OPEN = {"logout", "set_language", "login", "health"}
    NO_DEVICE = "krat_two_factor_no_device"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            target = self._holding_page(request, user)
            if target and not self._is_open(request, target):
                if self._is_api(request):  # a program cannot follow a redirect to a form
                    message = _("Finish the two-factor log-in in the browser first.")
                    return JsonResponse({"detail": message}, status=403)
                return redirect(target)
        return self.get_response(request)

    def _holding_page(self, request, user) -> str | None:
        from krat import two_factor

        if not request.session.get(self.NO_DEVICE):
            if two_factor.is_enrolled(user):
                return "two_factor_verify"
            request.session[self.NO_DEVICE] = True
        return "two_factor_enrol" if two_factor.is_required(user) else None

    @staticmethod
    def _is_api(request) -> bool:
        try:
            return resolve(request.path_info).app_name == "api"
        except Resolver404:
            return False

    def _is_open(self, request, target: str) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            # The namespaced name: the admin's "admin:login" is not the site's "login".
            name = resolve(request.path_info).view_name
        except Resolver404:
            return False
        return name == target or name in self.ALWAYS_OPEN


class IdleSessionMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a
    minute instead of on every request (SESSION_COOKIE_AGE is the idle limit).

    A request that comes with the cookie of a session that has ended (idle too long) is
    marked, and so is the browser (a cookie, `ENDED_COOKIE`, until the next log-in): the
    log-in page it is sent to says why, and that what the person typed is kept
    (static/js/autosave.js keeps it in the browser and saves it after the log-in).
    """

    STAMP = "krat_seen"
    EVERY_SECONDS = 60
    ENDED_COOKIE = "krat_session_ended"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = False
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.STAMP, 0) >= self.EVERY_SECONDS:
                request.session[self.STAMP] = now
        else:
            # An ended session loads empty (Django finds no row, or an expired one).
            ended = settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.is_empty()
        request.krat_session_ended = ended or self.ENDED_COOKIE in request.COOKIES
        response = self.get_response(request)
        if ended:
            response.set_cookie(
                self.ENDED_COOKIE,
                "1",
                max_age=24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif request.user.is_authenticated and self.ENDED_COOKIE in request.COOKIES:
            response.delete_cookie(self.ENDED_COOKIE, samesite="Lax")
        return response

    @classmethod
    def touch(cls, request) -> None:
        """Renew the session now (the page's "stay logged in" button)."""
        request.session[cls.STAMP] = int(time.time())

    @classmethod
    def seconds_left(cls, request) -> int:
        """Seconds until the session ends if nothing more is done: its last write (the
        stamp) plus the idle limit. A write for another reason only makes it later, so
        a page that warns on this figure never warns too late."""
        seen = request.session.get(cls.STAMP, int(time.time()))
        return max(0, seen + settings.SESSION_COOKIE_AGE - int(time.time()))


class MethodNotAllowedPageMiddleware:
    """A page reached with a method it does not take (a GET of the log-out address, an
    address bookmarked from a form) answers 405 with an explaining page in the site's
    language instead of Django's empty one; the Allow header stays. The API's views answer
    405 themselves (JSON, through DRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            from krat.views.errors import is_api

            if not is_api(request):
                page = render(request, "errors/405.html", status=405)
                page["Allow"] = response["Allow"]
                return page
        return response
