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
