"""`Authorization: Token <key>`: a personal token, hashed in the database."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from krat import two_factor
from krat.api.tokens import token_find

if TYPE_CHECKING:  # DRF's settings import this module: its imports stay light
    from drf_spectacular.openapi import AutoSchema
    from rest_framework.request import Request

    from krat.models import ApiToken, User

# last_used_at is written at most this often, not on every request.
USE_STAMP_EVERY = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token as “Authorization: Token <key>”."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = token_find(key)
        if token is None or token.revoked or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                gettext("The token expired on %(date)s. Make a new one on your Security page.")
                % {"date": formats.date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")}
            )
        user = token.user
        if two_factor.is_required(user) and not two_factor.is_enrolled(user):
            # The browser holds this person at enrolment; their token waits as well (it may
            # predate the county's requirement, so it never came from a verified session).
            raise exceptions.AuthenticationFailed(
                _("Your county requires two-factor log-in: set it up on the Security page first.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= USE_STAMP_EVERY:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes `Authorization: Token <key>`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "“Token <key>”, with a key made on your Security page.",
        }
