"""E-mail rendered from templates in a chosen language, sent through Django's settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(
    *,
    to: list[str],
    template_prefix: str,
    context: dict,
    language: str = "sq",
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
) -> None:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` in `language` and send.

    `attachments` are `(filename, content, mimetype)` triples. The subject is kept to
    one line whatever the template holds. Nothing is sent when `to` is empty.
    """
    if not to:
        return
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to)
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
