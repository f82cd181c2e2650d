"""Forgotten passwords: Django's reset e-mail, sent in the page's language with a link to
SITE_URL, and throttled per address and per client.

Django's `PasswordResetView` answers every address alike (the "check your e-mail" page)
and writes only to active people with a usable password; what it lacks is a limit. Without
one, anyone can fill a person's mailbox with reset e-mails, or try many addresses from
one machine. `reset_allowed` counts requests in Django's cache, in fixed windows of
KRAT_PASSWORD_RESET_WINDOW seconds that start at a key's first request:
- per e-mail address (KRAT_PASSWORD_RESET_LIMIT_ADDRESS, 3): the person's own forgetful
  morning, and no more mail than that to anyone, from however many machines;
- per client address (KRAT_PASSWORD_RESET_LIMIT_CLIENT, 10): one machine trying many
  addresses; a prefecture's staff may share one public address, hence more than 3.
Every request counts, known address or not, so the limit says nothing about who exists.
A request over either limit gets the same page as any other and sends nothing; it is
logged. The client's address is read as axes reads it (the trusted-proxy settings).

The counters live in the default cache: with several application servers, that cache must
be shared between them (CACHE_BACKEND and CACHE_LOCATION), or each process counts on its own
(gunicorn's workers too: the limits multiply by their number).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from krat.inputs import strip_bidi
from krat.mail import render_plain_text

logger = logging.getLogger(__name__)

KEY_PREFIX = "krat:password-reset"


def _count(key: str) -> int:
    """Add one to `key`'s count in the window (made at 1 by the window's first request)."""
    if cache.add(key, 1, timeout=settings.KRAT_PASSWORD_RESET_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): this request opens a new window
        cache.set(key, 1, timeout=settings.KRAT_PASSWORD_RESET_WINDOW)
        return 1


def address_key(email: str) -> str:
    """The cache key of an e-mail address's count; hashed, so no address sits in the cache.
    Spellings Django's form takes for one address (case, compatibility forms) share a key."""
    normal = unicodedata.normalize("NFKC", email.strip()).casefold()
    digest = hashlib.sha256(normal.encode()).hexdigest()
    return f"{KEY_PREFIX}:address:{digest}"


def client_key(request: HttpRequest) -> str:
    return f"{KEY_PREFIX}:client:{get_client_ip_address(request)}"


def reset_allowed(*, request: HttpRequest, email: str) -> bool:
    """Count this reset request for `email` and for the client; whether it is within both
    limits. Both counts grow either way, so hammering past a limit keeps it closed."""
    for_address = _count(address_key(email))
    for_client = _count(client_key(request))
    over = []
    if for_address > settings.KRAT_PASSWORD_RESET_LIMIT_ADDRESS:
        over.append("address")
    if for_client > settings.KRAT_PASSWORD_RESET_LIMIT_CLIENT:
        over.append("client")
    if over:
        logger.warning(
            "Password reset throttled (%s limit): nothing sent; client %s.",
            " and ".join(over),
            get_client_ip_address(request),
        )
    return not over


def site_address() -> tuple[str, bool] | None:
    """(domain, https) of settings.KRAT_SITE_URL for the reset link, or None when unset.

    The link never comes from the request's Host header, which whoever asks for the reset
    writes: with a forged one the e-mail would carry the person's token to the forger."""
    parts = urlsplit(settings.KRAT_SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # The host alone: the link's path is reversed in the request, with its script prefix.
    return parts.netloc, parts.scheme == "https"


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, whose e-mail is plain text rendered without HTML escaping (a name
    with "&" arrives as written) and without bidirectional controls, as every KRAT e-mail.
    It is rendered in the language of the page that asked for it (Albanian unless the
    person chose English): KRAT stores no language per person."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = " ".join(render_plain_text(subject_template_name, context).split())
        body = render_plain_text(email_template_name, context)
        message = EmailMessage(strip_bidi(subject), strip_bidi(body), from_email, [to_email])
        try:
            message.send()
        except Exception:
            # As Django does: a failing mail server must not answer differently for an
            # address that has an account (an error page would tell that it exists).
            logger.exception("Failed to send the password reset e-mail to person %s.", context["user"].pk)
