"""E-mails from templates, in the recipient's language (Albanian unless told otherwise).

Templates come in threes: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`.
The text templates wrap themselves in `{% autoescape off %}` (plain text has no markup
to escape); the HTML one escapes as every page does. Everything goes through Django's
e-mail settings, so tests use the locmem backend.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str) -> str:
    """An absolute link for e-mails, from settings.KRAT_SITE_URL (SITE_URL in the environment)."""
    return settings.KRAT_SITE_URL.rstrip("/") + path


def send_templated_mail(
    *,
    to: list[str],
    template_prefix: str,
    context: dict,
    language: str = "sq",
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> None:
    """Render the three templates in `language` and send one message to `to`.

    `attachments` are (filename, content, mimetype) triples, such as an .ics invitation.
    Nothing is sent when `to` is empty.
    """
    if not to:
        return
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
