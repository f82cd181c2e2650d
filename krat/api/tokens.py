"""Making, finding and revoking personal API tokens. Only a SHA-256 is ever stored.

A token follows its owner's credentials: it is revoked when the password changes
(`tokens_revoke_all`, called by `krat.services.person_password_set`, the one way
KRAT sets a password) and when the owner sets up two-factor log-in again
(`krat.two_factor.enrolment_confirm`); it expires on its own after its lifetime.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from krat.models import ApiToken, User
from krat.models.api_token import DEFAULT_LIFETIME

MAX_ACTIVE_TOKENS = 10
#: The lifetimes a person may choose, in days (the default is 90).
LIFETIME_DAYS = (30, 90, 180, 365)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def active_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked=False, expires_at__gt=timezone.now())


def token_create(
    *, user: User, name: str, lifetime: datetime.timedelta = DEFAULT_LIFETIME
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the key, which is shown once and never again."""
    if lifetime.days not in LIFETIME_DAYS:
        raise ValidationError(_("A token lives 30, 90, 180 or 365 days."), code="lifetime")
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(max)d tokens in use; revoke one you no longer need first."),
            code="too_many",
            params={"max": MAX_ACTIVE_TOKENS},
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user, name=name, digest=digest_of(key), prefix=key[:8], created_at=now, expires_at=now + lifetime
    )
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of `user` still in use; returns how many.

    Called when the person's credentials change: a token made under the old password
    or the old second factor may be in the hands of whoever had them.
    """
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


def token_find(key: str) -> ApiToken | None:
    """The token a key belongs to, with its owner, whatever its state; None when unknown."""
    return (
        ApiToken.objects.select_related("user__county", "user__institution")
        .filter(digest=digest_of(key))
        .first()
    )
