from django.core import mail

from krat.mail import send_templated_mail


def test_a_templated_mail_is_rendered_in_albanian_with_escaped_html_and_attachments(settings, tmp_path):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "probe_subject.txt").write_text(
        "{% load i18n %}{% autoescape off %}{% translate 'Meetings' %}\n  {{ name }}{% endautoescape %}"
    )
    (tmp_path / "email" / "probe.txt").write_text("{{ name }}")
    (tmp_path / "email" / "probe.html").write_text("<p>{{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    send_templated_mail(
        to=["a@example.org"],
        template_prefix="email/probe",
        context={"name": "<b>Arta</b>"},
        attachments=[("ftese.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )

    message = mail.outbox[0]
    assert message.subject == "Takimet <b>Arta</b>"  # plain text: nothing to escape
    assert message.to == ["a@example.org"]
    assert message.alternatives[0][0] == "<p>&lt;b&gt;Arta&lt;/b&gt;</p>"
    assert message.attachments[0][0] == "ftese.ics"
