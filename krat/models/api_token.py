"""Personal API tokens: a system of an institution talks to KRAT as one person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A token a person created for one of their institution's systems.

    Only a SHA-256 of the token is stored; the token itself is shown once, when it is
    made (see `krat.api.tokens.token_create`). A revoked token is kept, so the list of
    tokens tells what was used and when, but it opens nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, such as “TIMS”."))
    digest = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("first characters"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["revoked", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
