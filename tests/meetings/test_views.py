"""Pages of the meetings app: planning, recording, follow-up, documents, exports."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meetings import selectors, services
from meetings.choices import AttendanceStatus, DecisionStatus, MeetingStatus
from meetings.models import AgendaItem, Attachment, Decision, Meeting
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, aware

pytestmark = pytest.mark.django_db


def summary_stub():
    """A small planned meeting's summary, for templates that need one."""
    from tests.world import build_world

    world = build_world()
    meeting = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
    AgendaItemFactory(meeting=meeting, position=1, title="Vlerësimi i situatës")
    return selectors.meeting_summary(meeting)


@pytest.fixture
def as_role(world, client):
    def _as(role):
        client.force_login(world.users[role])
        return client

    return _as


@pytest.fixture
def meeting(world):
    meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
    AgendaItemFactory(meeting=meeting, position=1, title="Vlerësimi i situatës")
    return meeting


class TestPlanning:
    def test_the_secretariat_plans_a_meeting_and_the_period_is_found(self, world, as_role):
        client = as_role("secretariat")
        response = client.post(
            reverse("meetings:create", args=[world.own.slug]),
            {
                "body": "technical_table",
                "title": "Takim me Tryezën Teknike",
                "starts_at": "25.04.2018 10:00",
                "place": "Prefektura",
                "chair": world.users["chair"].pk,
                "action_plan_label": "Plani i veprimit i KRAT 2018",
                "invited_institutions": [world.own_institution.pk, world.other_institution.pk],
                "other_invitees": "Terre des hommes\nOIM",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        meeting = Meeting.objects.get()
        assert meeting.county == world.own
        assert meeting.period == world.period
        assert meeting.other_invitee_list == ["Terre des hommes", "OIM"]
        assert set(meeting.invited_institutions.all()) == {world.own_institution, world.other_institution}

    def test_the_help_text_shows_its_example_address(self, world, as_role):
        """Help texts are plain text: "<info@oim.al>" is printed, not taken for a tag."""
        page = as_role("secretariat").get(reverse("meetings:create", args=[world.own.slug])).content.decode()
        assert "OIM Tiranë &lt;info@oim.al&gt;." in page

    def test_an_empty_agenda_is_not_numbered(self, world, as_role):
        meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
        page = as_role("secretariat").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert '<p class="text-body-secondary">Ende asnjë pikë në rendin e ditës.</p>' in page
        assert "list-group-numbered" not in page

    def test_a_chair_of_another_county_cannot_be_chosen(self, world, as_role):
        response = as_role("secretariat").post(
            reverse("meetings:create", args=[world.own.slug]),
            {
                "body": "technical_table",
                "title": "T",
                "starts_at": "25.04.2018 10:00",
                "chair": world.users["other_secretariat"].pk,
            },
        )
        assert response.status_code == 400
        assert not Meeting.objects.exists()

    def test_a_future_meeting_marked_held_is_refused_with_an_albanian_message(self, world, as_role):
        future = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() + datetime.timedelta(days=5),
        )
        client = as_role("secretariat")
        response = client.post(reverse("meetings:status", args=[future.pk]), {"status": "held"}, follow=True)
        assert "nuk mund të shënohet si i zhvilluar para datës" in response.content.decode()
        future.refresh_from_db()
        assert future.status == MeetingStatus.PLANNED

    def test_agenda_items_are_added_in_order_edited_and_removed(self, world, as_role, meeting):
        client = as_role("secretariat")
        client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Numri i viktimave"})
        client.post(
            reverse("meetings:agenda_add", args=[meeting.pk]),
            {"title": "Fëmijët në situatë rruge", "presenter": world.own_institution.pk},
        )
        assert [(i.position, i.title) for i in meeting.agenda_items.all()][1:] == [
            (2, "Numri i viktimave"),
            (3, "Fëmijët në situatë rruge"),
        ]
        item = meeting.agenda_items.get(position=2)
        response = client.post(
            reverse("meetings:agenda_edit", args=[item.pk]),
            {"position": 2, "title": "Numri i viktimave", "discussion": "Policia raportoi.", "version": 1},
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.discussion == "Policia raportoi."
        assert client.post(reverse("meetings:agenda_delete", args=[item.pk])).status_code == 302
        assert not AgendaItem.objects.filter(pk=item.pk).exists()

    def test_invitations_go_out_in_albanian_with_the_agenda_and_an_ics(self, world, as_role):
        world.own_institution.contact_email = "policia@example.org"
        world.own_institution.save()
        planned = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() + datetime.timedelta(days=7),
        )
        planned.invited_institutions.set([world.own_institution])
        AgendaItemFactory(meeting=planned, position=1, title="Vlerësimi i situatës")
        response = as_role("secretariat").post(reverse("meetings:invite", args=[planned.pk]))
        assert response.status_code == 302
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert recipients == sorted(["policia@example.org", world.users["representative"].email])
        message = mail.outbox[0]
        assert message.subject.startswith("Ftesë: Takim me Tryezën Teknike")
        assert "1. Vlerësimi i situatës" in message.body
        filename, content, mimetype = message.attachments[0]
        assert (filename, mimetype) == ("takimi.ics", "text/calendar")
        assert b"BEGIN:VEVENT" in (content if isinstance(content, bytes) else content.encode())
        planned.refresh_from_db()
        assert planned.invitations_sent_at is not None

    def test_other_invited_actors_with_an_address_get_the_invitation(self, world, as_role):
        planned = MeetingFactory(
            county=world.own,
            status=MeetingStatus.PLANNED,
            starts_at=timezone.now() + datetime.timedelta(days=7),
            other_invitees="OIM Tiranë <info@oim.example.org>\nTerre des hommes\nNjë adresë e gabuar <x@>",
        )
        assert planned.other_invitee_list == ["OIM Tiranë", "Terre des hommes", "Një adresë e gabuar <x@>"]
        response = as_role("secretariat").post(reverse("meetings:invite", args=[planned.pk]))
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["info@oim.example.org"]]
        assert "info@oim.example.org" not in selectors_summary_text(planned)

    def test_the_invitation_letter_and_calendar_file(self, world, as_role, meeting):
        client = as_role("observer")
        response = client.get(reverse("meetings:invitation_pdf", args=[meeting.pk]))
        assert response.content.startswith(b"%PDF")
        from tests.meetings.test_seed_summary import assert_in_order, pdftotext

        assert_in_order(
            pdftotext(response.content),
            [
                "Prefektura e Qarkut Durrës",
                "Ftesë: Takim me Tryezën Teknike",
                "25.04.2018",
                "ora 10:00",
                "Rendi i ditës",
                "Vlerësimi i situatës",
                "Kryesuesi i takimit",
            ],
        )
        ics = client.get(reverse("meetings:ics", args=[meeting.pk]))
        assert ics["Content-Type"].startswith("text/calendar")
        assert b"Vler" in ics.content


class TestRecording:
    def test_attendance_for_a_planned_meeting_is_refused_and_nothing_is_lost(self, world, as_role):
        planned = MeetingFactory(county=world.own, status=MeetingStatus.PLANNED)
        response = as_role("secretariat").post(
            reverse("meetings:attendance", args=[planned.pk]),
            {
                f"status_{world.own_institution.pk}": "present",
                f"attendee_{world.own_institution.pk}": "Arben K.",
                "version": planned.version,
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Pjesëmarrja mund të regjistrohet vetëm për një takim që është zhvilluar." in page
        assert 'value="Arben K."' in page
        assert planned.attendances.count() == 0

    def test_attendance_is_recorded_per_institution(self, world, as_role, meeting):
        response = as_role("secretariat").post(
            reverse("meetings:attendance", args=[meeting.pk]),
            {
                f"status_{world.own_institution.pk}": "present",
                f"attendee_{world.own_institution.pk}": "Arben Krasniqi",
                f"status_{world.other_institution.pk}": "excused",
                "guests": "OIM",
                "version": meeting.version,
            },
        )
        assert response.status_code == 302
        assert dict(meeting.attendances.values_list("institution__name", "status")) == {
            "Policia Durrës": AttendanceStatus.PRESENT,
            "Zyra e Punës Durrës": AttendanceStatus.EXCUSED,
        }

    def test_a_due_date_before_the_meeting_is_refused_in_the_form(self, world, as_role, meeting):
        response = as_role("secretariat").post(
            reverse("meetings:decision_add", args=[meeting.pk]),
            {
                "text": "Program masash",
                "responsible": world.own_institution.pk,
                "due_date": "01.04.2018",
                "status": "open",
            },
        )
        assert response.status_code == 400
        assert "Afati nuk mund të jetë para takimit (25.04.2018)." in response.content.decode()
        assert not Decision.objects.exists()

    def test_a_decision_for_another_countys_institution_is_refused(self, world, as_role, meeting):
        response = as_role("secretariat").post(
            reverse("meetings:decision_add", args=[meeting.pk]),
            {"text": "X", "responsible": world.foreign_institution.pk, "status": "open"},
        )
        assert response.status_code == 400
        assert not Decision.objects.exists()

    def test_html_in_the_minutes_is_shown_as_text(self, world, as_role, meeting):
        client = as_role("secretariat")
        evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        response = client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"introduction": "", "chair_remarks": evil, "guests": "", "version": meeting.version},
        )
        assert response.status_code == 302
        for name in ("meetings:detail", "meetings:summary"):
            page = client.get(reverse(name, args=[meeting.pk])).content.decode()
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        pdf = client.get(reverse("meetings:summary_pdf", args=[meeting.pk])).content
        from tests.meetings.test_seed_summary import pdftotext

        assert '<script>alert("x")</script>' in pdftotext(pdf)

    def test_locked_minutes_cannot_be_edited_through_the_form(self, world, as_role, meeting):
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
        meeting.refresh_from_db()
        response = as_role("secretariat").post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"introduction": "", "chair_remarks": "Ndryshim", "guests": "", "version": meeting.version},
        )
        assert response.status_code == 400
        assert "Procesverbali është miratuar dhe është i kyçur." in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.chair_remarks == ""


class TestApproval:
    def test_the_chair_approves_and_reopens_with_a_reason(self, world, as_role, meeting):
        client = as_role("chair")
        url = reverse("meetings:approve", args=[meeting.pk])
        assert client.post(url, {"version": meeting.version}).status_code == 302
        meeting.refresh_from_db()
        assert meeting.is_locked and meeting.approved_by == world.users["chair"]
        response = client.post(reverse("meetings:reopen", args=[meeting.pk]), {"reason": ""})
        assert response.status_code == 400
        response = client.post(reverse("meetings:reopen", args=[meeting.pk]), {"reason": "Mungon një vendim"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert not meeting.is_locked
        history = client.get(reverse("krat:record_history", args=["meetings.meeting", meeting.pk]))
        assert "Mungon një vendim" in history.content.decode()

    def test_the_secretariat_cannot_approve(self, world, as_role, meeting):
        assert as_role("secretariat").post(reverse("meetings:approve", args=[meeting.pk])).status_code == 403
        meeting.refresh_from_db()
        assert not meeting.is_locked


class TestFollowUp:
    def test_a_representative_updates_only_their_institutions_decisions(self, world, as_role, meeting):
        own = DecisionFactory(meeting=meeting, responsible=world.own_institution)
        other = DecisionFactory(meeting=meeting, responsible=world.other_institution)
        services.minutes_approve(meeting=meeting, user=world.users["chair"], expected_version=meeting.version)
        client = as_role("representative")
        response = client.post(
            reverse("meetings:decision_status", args=[own.pk]),
            {"status": "done", "status_note": "Programi u miratua.", "version": own.version},
        )
        assert response.status_code == 302
        own.refresh_from_db()
        assert (own.status, own.status_note) == (DecisionStatus.DONE, "Programi u miratua.")
        assert (
            client.post(
                reverse("meetings:decision_status", args=[other.pk]), {"status": "done", "version": 1}
            ).status_code
            == 403
        )
        other.refresh_from_db()
        assert other.status == DecisionStatus.OPEN

    def test_a_representative_cannot_edit_the_minutes_or_decisions(self, world, as_role, meeting):
        decision = DecisionFactory(meeting=meeting, responsible=world.own_institution)
        client = as_role("representative")
        assert (
            client.post(
                reverse("meetings:minutes", args=[meeting.pk]), {"chair_remarks": "X", "version": 1}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("meetings:decision_edit", args=[decision.pk]), {"text": "X", "version": 1}
            ).status_code
            == 403
        )
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert reverse("meetings:minutes", args=[meeting.pk]) not in page
        assert reverse("meetings:decision_status", args=[decision.pk]) in page

    def test_another_county_gets_not_found(self, world, as_role, meeting):
        client = as_role("other_secretariat")
        for name in ("meetings:detail", "meetings:summary_pdf", "meetings:minutes"):
            assert client.get(reverse(name, args=[meeting.pk])).status_code == 404


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


class TestAttachments:
    def upload(self, client, meeting, name, content, title="Urdhri i Prefektit"):
        return client.post(
            reverse("meetings:attachment_add", args=[meeting.pk]),
            {"title": title, "file": SimpleUploadedFile(name, content)},
        )

    def test_a_pdf_is_attached_and_served_only_to_readers(self, world, as_role, meeting):
        response = self.upload(as_role("secretariat"), meeting, "urdhri.pdf", b"%PDF-1.4 urdhri")
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert attachment.content_type == "application/pdf"
        assert "urdhri" not in attachment.file.name  # stored under a random name
        download = as_role("representative").get(reverse("meetings:attachment", args=[attachment.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 urdhri"
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert (
            as_role("other_secretariat").get(reverse("meetings:attachment", args=[attachment.pk])).status_code
            == 404
        )

    def test_an_office_document_passes_its_content_check(self, world, as_role, meeting):
        assert (
            self.upload(as_role("secretariat"), meeting, "rregullorja.docx", docx_bytes()).status_code == 302
        )

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("virus.exe", b"MZ\x90\x00", "nuk mund të bashkëngjiten"),
            ("fake.pdf", b"<html><script>alert(1)</script>", "nuk përputhet me prapashtesën .pdf"),
            ("fake.docx", b"PK\x03\x04 not really a zip", "nuk përputhet me prapashtesën .docx"),
            ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "nuk përputhet me prapashtesën .png"),
        ],
    )
    def test_wrong_types_are_refused(self, world, as_role, meeting, name, content, message):
        response = self.upload(as_role("secretariat"), meeting, name, content)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Attachment.objects.exists()

    def test_a_file_over_the_limit_is_refused(self, world, as_role, meeting, monkeypatch):
        monkeypatch.setattr("meetings.uploads.MAX_SIZE", 10)
        response = self.upload(as_role("secretariat"), meeting, "big.pdf", b"%PDF-" + b"x" * 20)
        assert response.status_code == 400
        assert "kufiri është" in response.content.decode()


class TestExport:
    def test_decisions_export_with_formulas_neutralised(self, world, as_role, meeting):
        DecisionFactory(meeting=meeting, responsible=world.own_institution, text='=HYPERLINK("http://x","y")')
        DecisionFactory(meeting=meeting, responsible=world.own_institution, text="Kalendari i aktiviteteve")
        response = as_role("representative").get(reverse("meetings:decisions_xlsx", args=[world.own.slug]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][3] == "Vendimi"
        assert [r[3] for r in rows[1:]] == ['=HYPERLINK("http://x","y")', "Kalendari i aktiviteteve"]
        assert sheet["D2"].data_type == "s" and sheet["D2"].quotePrefix  # text, never run
        assert rows[1][4] == "Policia Durrës"
        assert sheet["A2"].is_date and sheet["A2"].number_format.lower() == "dd.mm.yyyy"

    def test_the_list_searches_and_filters(self, world, as_role, meeting):
        MeetingFactory(
            county=world.own, title="Takimi i shkurtit", starts_at=aware(datetime.date(2019, 3, 1))
        )
        client = as_role("observer")
        page = client.get(
            reverse("meetings:list", args=[world.own.slug]), {"q": "Vlerësimi"}
        ).content.decode()
        assert "Takim me Tryezën Teknike" in page and "Takimi i shkurtit" not in page
        page = client.get(reverse("meetings:list", args=[world.own.slug]), {"year": 2019}).content.decode()
        assert "Takimi i shkurtit" in page and "Takim me Tryezën Teknike" not in page


@pytest.mark.parametrize(
    "name", ["meetings:list", "meetings:detail", "meetings:summary", "meetings:decisions_xlsx"]
)
def test_pages_run_the_same_queries_with_ten_times_more_data(
    world, as_role, django_assert_max_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_role("representative")
    target = MeetingFactory(county=world.own, starts_at=aware(datetime.date(2020, 1, 10)))
    url = reverse(
        name, args=[world.own.slug] if name in ("meetings:list", "meetings:decisions_xlsx") else [target.pk]
    )

    def grow(n):
        for i in range(n):
            earlier = MeetingFactory(
                county=world.own,
                starts_at=aware(datetime.date(2018, 1, 1) + datetime.timedelta(days=i + n * 20)),
            )
            DecisionFactory(meeting=earlier, responsible=world.own_institution)
            AgendaItemFactory(meeting=target, position=100 + n * 20 + i)
            DecisionFactory(meeting=target, responsible=world.other_institution)
            UserFactory(county=world.own)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) <= 20


def test_the_countys_logo_prints_on_the_summary(world, as_role, meeting, settings):
    from PIL import Image
    from pypdf import PdfReader

    logo = io.BytesIO()
    Image.new("RGB", (40, 40), (139, 26, 26)).save(logo, format="PNG")
    world.own.logo.save("durres.png", SimpleUploadedFile("durres.png", logo.getvalue()))
    response = as_role("chair").get(reverse("meetings:summary_pdf", args=[meeting.pk]))
    first_page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert len(first_page.images) == 1


def selectors_summary_text(meeting) -> str:
    """What the printed summary says of the invited (addresses are for sending, not printing)."""
    from meetings.selectors import meeting_summary

    summary = meeting_summary(meeting)
    return " ".join([*summary.invited, *summary.other_invitees])
