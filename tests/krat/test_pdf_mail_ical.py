"""The shared helpers krat.pdf, krat.mail and krat.ical."""

from __future__ import annotations

import datetime
import gc
import subprocess
import weakref
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from krat import pdf
from krat.ical import CalendarEvent, calendar_bytes
from krat.mail import send_templated_mail


def text_of(pdf_bytes: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


@pytest.fixture
def pdf_template(settings, tmp_path):
    """A template folder the test writes its PDF templates into."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    def write(body: str) -> str:
        (tmp_path / "t.html").write_text(
            '{% extends "pdf/base.html" %}{% block content %}' + body + "{% endblock %}", encoding="utf-8"
        )
        return "t.html"

    return write


class TestPdf:
    def test_a_template_renders_to_a_pdf_with_albanian_letters_and_page_numbers(self, pdf_template):
        pdf_bytes = pdf.render_pdf(pdf_template("<h1>{{ title }}</h1>"), {"title": "Çështje të Tryezës"})
        assert pdf_bytes.startswith(b"%PDF")
        text = text_of(pdf_bytes)
        assert "Çështje të Tryezës" in text
        assert "Page 1 of 1" in text

    def test_user_text_is_escaped(self, pdf_template):
        pdf_bytes = pdf.render_pdf(
            pdf_template("<p>{{ text }}</p>"), {"text": "<b>x</b><script>alert(1)</script>"}
        )
        assert "<b>x</b><script>alert(1)</script>" in text_of(pdf_bytes)

    def test_files_outside_static_and_media_are_refused(self, settings, tmp_path):
        assert pdf.local_path_for("file:///etc/passwd") is None
        assert pdf.local_path_for("https://example.org/logo.png") is None
        assert pdf.local_path_for(pdf.PDF_BASE_URL + "media/../../../etc/passwd") is None
        assert pdf.local_path_for(pdf.PDF_BASE_URL + "static/%2e%2e/%2e%2e/%2e%2e/etc/passwd") is None
        assert pdf.local_path_for(pdf.PDF_BASE_URL + "static/../krat/settings.py") is None
        assert pdf.local_path_for(pdf.PDF_BASE_URL + "static/css/krat.css") is not None
        settings.MEDIA_ROOT = tmp_path
        (tmp_path / "logo.png").write_bytes(b"\x89PNG")
        assert pdf.local_path_for(pdf.PDF_BASE_URL + "media/logo.png") == (tmp_path / "logo.png").resolve()
        assert pdf.local_path_for((tmp_path / "logo.png").as_uri()) == (tmp_path / "logo.png").resolve()

    def test_the_renderer_fetches_neither_server_files_nor_the_network(self, pdf_template):
        hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        Thread(target=server.serve_forever, daemon=True).start()
        try:
            outside = f"http://127.0.0.1:{server.server_port}/spy.png"
            fetcher = pdf._fetcher()
            for url in ["file:///etc/passwd", outside]:
                with pytest.raises(ValueError, match="Refused"):
                    fetcher.fetch(url)
            body = (
                f'<img src="file:///etc/passwd"><img src="{outside}">'
                f'<link rel="stylesheet" href="{outside}"><p>ok</p>'
            )
            pdf_bytes = pdf.render_pdf(pdf_template(body), {})
        finally:
            server.shutdown()
        assert hits == []
        assert "root:" not in text_of(pdf_bytes)

    def test_data_urls_and_static_files_are_fine(self):
        fetcher = pdf._fetcher()
        assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
        assert b"KRAT" in fetcher.fetch(pdf.PDF_BASE_URL + "static/css/krat.css").read()

    def test_the_collector_is_paused_while_rendering_and_resumed_after_even_on_error(self):
        assert gc.isenabled()
        with pdf.cyclic_gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(ZeroDivisionError), pdf.cyclic_gc_paused():
            1 / 0  # noqa: B018
        assert gc.isenabled()

    def test_the_cycles_made_while_paused_are_freed_at_the_end(self):
        class Node:
            pass

        with pdf.cyclic_gc_paused():
            node = Node()
            node.itself = node
            alive = weakref.ref(node)
            del node
            assert alive() is not None  # a cycle: only the collector frees it
        assert alive() is None

    def test_a_collector_the_host_turned_off_stays_off(self):
        gc.disable()
        try:
            with pdf.cyclic_gc_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_a_rendering_leaves_no_layout_behind(self, pdf_template):
        from weasyprint.formatting_structure.boxes import Box

        def boxes() -> int:
            # type(), not isinstance(): a lazy object would evaluate itself for the latter.
            return sum(issubclass(type(o), Box) for o in gc.get_objects())

        template = pdf_template("<table><tr><td>{{ text }}</td></tr></table>")
        # Earlier tests' documents may still wait for a full collection, or be held by
        # their log records: clear the first, count the second.
        gc.collect()
        before = boxes()
        pdf_bytes = pdf.render_pdf(template, {"text": "Tryeza"})
        assert pdf_bytes.startswith(b"%PDF")
        assert gc.isenabled()
        assert boxes() == before

    def test_in_a_request_the_collector_is_resumed_before_the_response_is_handed_over(self, db, pdf_template):
        """The pause ends with the rendering, request or not: the collector is process-wide,
        and a pause kept until the response is closed would be kept by a slow or vanished
        reader, for every thread of the process."""
        from django.core.signals import request_finished, request_started
        from weasyprint.formatting_structure.boxes import Box

        template = pdf_template("<table><tr><td>{{ text }}</td></tr></table>")
        gc.collect()
        before = sum(issubclass(type(o), Box) for o in gc.get_objects())
        request_started.send(sender=self.__class__, environ={})
        try:
            assert pdf.render_pdf(template, {"text": "Tryeza"}).startswith(b"%PDF")
            assert gc.isenabled()
            assert sum(issubclass(type(o), Box) for o in gc.get_objects()) == before
        finally:
            request_finished.send(sender=self.__class__)

    def test_pdf_response(self):
        response = pdf.pdf_response(b"%PDF-1.4", "përmbledhja.pdf")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert pdf.pdf_response(b"%PDF", "a.pdf", inline=True)["Content-Disposition"].startswith("inline")


class TestMail:
    @pytest.mark.django_db
    def test_a_templated_mail_is_sent_in_the_language_asked(self):
        from tests.meetings.test_views import summary_stub

        send_templated_mail(
            to=["policia@example.org"],
            template_prefix="meetings/email/invitation",
            context={"summary": summary_stub()},
            language="sq",
            attachments=[("takimi.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        message = mail.outbox[0]
        assert message.to == ["policia@example.org"]
        assert message.subject.startswith("Ftesë: ")
        assert "Rendi i ditës" in message.body
        assert "Rendi i ditës" in message.alternatives[0][0]
        assert message.attachments[0][0] == "takimi.ics"

    def test_nothing_is_sent_to_nobody(self):
        send_templated_mail(to=[], template_prefix="meetings/email/invitation", context={})
        assert mail.outbox == []


class TestIcal:
    def test_an_event_round_trips(self):
        start = timezone.make_aware(datetime.datetime(2018, 4, 25, 10, 0))
        data = calendar_bytes(
            [
                CalendarEvent(
                    uid="krat-meeting-1@krat",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    summary="Takim me Tryezën Teknike",
                    location="Prefektura e Qarkut Durrës",
                    description="1. Vlerësimi",
                )
            ],
            name="KRAT",
        )
        calendar = Calendar.from_ical(data)
        (event,) = calendar.walk("VEVENT")
        assert str(event["uid"]) == "krat-meeting-1@krat"
        assert str(event["summary"]) == "Takim me Tryezën Teknike"
        assert event.decoded("dtstart") == start
        assert str(calendar["version"]) == "2.0"

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (
                datetime.datetime(2018, 7, 14, 23, tzinfo=datetime.UTC),
                datetime.datetime(2018, 7, 14, 1, tzinfo=datetime.UTC),
            ),
            (
                datetime.datetime(2018, 7, 14, 23, tzinfo=datetime.UTC),
                datetime.datetime(2018, 7, 14, 23, tzinfo=datetime.UTC),
            ),
            (datetime.date(2018, 7, 14), datetime.date(2018, 7, 14)),
            # DTSTART and DTEND are of one value type (RFC 5545, 3.8.2.2).
            (datetime.date(2018, 7, 14), datetime.datetime(2018, 7, 15, 1, tzinfo=datetime.UTC)),
        ],
    )
    def test_an_event_that_ends_before_it_starts_is_refused(self, start, end):
        with pytest.raises(ValueError, match="end"):
            CalendarEvent(uid="x@krat", start=start, end=end, summary="X")
