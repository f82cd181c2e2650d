"""Personal API tokens: a system of an institution talks to KRAT as one person."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from krat.inputs import NeutralisesBidi

#: How long a token opens the API unless its maker chose otherwise.
DEFAULT_LIFETIME = datetime.timedelta(days=90)


def default_expiry() -> datetime.datetime:
    return timezone.now() + DEFAULT_LIFETIME


class ApiToken(NeutralisesBidi, models.Model):
    """A token a person created for one of their institution's systems.

    Only a SHA-256 of the token is stored; the token itself is shown once, when it is
    made (see `krat.api.tokens.token_create`). A token opens the API until it expires
    or is revoked: by its owner, or when the owner's password changes or they set up
    two-factor log-in again. A revoked or expired token is kept, so the list of tokens
    tells what was used and when, but it opens nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, such as “TIMS”."))
    digest = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("first characters"), max_length=8, editable=False)
    # Set by `token_create` together with the expiry (not auto_now_add, which would
    # stamp a later instant than the one the lifetime was counted from).
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["revoked", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="%(app_label)s_%(class)s_expires_after_creation",
                violation_error_message=_("A token must expire after it was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.revoked and not self.is_expired
