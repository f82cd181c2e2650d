"""Albanian first: the language is the one the person chose, else Albanian.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
official whose browser is set to English would land in English. Here only the
choice made with the language button (kept in a cookie) changes the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation


class AlbanianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class TwoFactorMiddleware:
    """Holds a signed-in person at the code prompt (or at enrolment, when their county
    requires it) until the session is verified. Only the pages needed to get there,
    to log out and to switch language stay open.

    A session of someone whose role can never be required to use it, and who has no
    device, is marked as such so the check costs no query on later requests; the mark
    lasts as long as the session (enrolling verifies the current session anyway).
    """

    OPEN_URL_NAMES = {"two_factor_verify", "two_factor_enrol", "logout", "set_language", "login", "health"}
    NOT_NEEDED = "krat_two_factor_not_needed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.session.get(self.NOT_NEEDED):
            redirect_to = self._holding_page(request, user)
            if redirect_to:
                return redirect(redirect_to)
        return self.get_response(request)

    def _holding_page(self, request, user) -> str | None:
        from krat import two_factor

        if two_factor.is_enrolled(user):
            target = "two_factor_verify"
        elif two_factor.is_required(user):
            target = "two_factor_enrol"
        else:
            if not two_factor.can_be_required(user):
                request.session[self.NOT_NEEDED] = True
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in self.OPEN_URL_NAMES or request.path_info.startswith(settings.STATIC_URL):
            return None
        return target
