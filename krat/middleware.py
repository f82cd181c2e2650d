"""Albanian first: the language is the one the person chose, else Albanian.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
official whose browser is set to English would land in English. Here only the
choice made with the language button (kept in a cookie) changes the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
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
    to log out and to switch language stay open."""

    OPEN_URL_NAMES = {"two_factor_verify", "two_factor_enrol", "logout", "set_language", "login", "health"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect
        from django.urls import resolve
        from django.urls.exceptions import Resolver404

        from krat import two_factor

        user = request.user
        if user.is_authenticated and not user.is_verified():
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in self.OPEN_URL_NAMES and not request.path_info.startswith(settings.STATIC_URL):
                if two_factor.is_enrolled(user):
                    return redirect("two_factor_verify")
                if two_factor.is_required(user):
                    return redirect("two_factor_enrol")
        return self.get_response(request)
