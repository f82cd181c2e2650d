"""Making, finding and revoking personal API tokens. Only a SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from krat.models import ApiToken, User

MAX_ACTIVE_TOKENS = 10


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the key, which is shown once and never again."""
    if ApiToken.objects.filter(user=user, revoked=False).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(max)d tokens in use; revoke one you no longer need first."),
            code="too_many",
            params={"max": MAX_ACTIVE_TOKENS},
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, digest=digest_of(key), prefix=key[:8])
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


def token_user(key: str) -> tuple[User, ApiToken] | None:
    """The active person a key belongs to, or None (unknown, revoked, or inactive person)."""
    token = (
        ApiToken.objects.select_related("user__county", "user__institution")
        .filter(digest=digest_of(key))
        .first()
    )
    if token is None or token.revoked or not token.user.is_active:
        return None
    return token.user, token
