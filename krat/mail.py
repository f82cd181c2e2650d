"""E-mails from templates, in the recipient's language (Albanian unless told otherwise).

Templates come in threes: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`.
The subject and the text body are rendered without HTML escaping, whatever the template
says (plain text has no markup to escape: a title "<b>" must not arrive as "&lt;b&gt;"),
and the subject is made one line; the HTML body escapes as every page does. None of the
three keeps bidirectional controls (`krat.inputs`). Everything goes through Django's
e-mail settings, so tests use the locmem backend.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import translation

from krat.inputs import strip_bidi


def site_url(path: str) -> str:
    """An absolute link for e-mails, from settings.KRAT_SITE_URL (SITE_URL in the environment)."""
    return settings.KRAT_SITE_URL.rstrip("/") + path


def render_plain_text(template_name: str, context: dict) -> str:
    """A template rendered as plain text: no HTML escaping, whatever the template says."""
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)  # settings.TEMPLATES names it so
    template = backend.engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


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
        # One line: a header cannot hold a line break (nor, then, a forged header).
        subject = " ".join(render_plain_text(f"{template_prefix}_subject.txt", context).split())
        text = render_plain_text(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    subject, text, html = strip_bidi(subject), strip_bidi(text), strip_bidi(html)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
