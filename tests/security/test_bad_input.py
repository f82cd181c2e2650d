"""Bad input is answered in Albanian and loses nothing (issue 14, point 11).

Numbers: every number a person types is bounded by what it can mean, in the form (the
browser's max), the model (a message on the field) and the database (a constraint).
E-mail: a subject and a plain-text body are not HTML, so nothing in them is escaped; a
subject stays one line. Bidirectional controls: gone from what is typed (form, API) and
from what is printed, exported or mailed of what was stored before.
Error pages and the upload limit: tests/krat/test_error_pages.py; the import template:
tests/actionplan/test_spreadsheet.py.
"""

from __future__ import annotations

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from actionplan.models import ActivityProgress
from krat.inputs import NeutralisesBidi, strip_bidi
from meetings import services as meeting_services
from meetings.choices import MeetingStatus
from meetings.models import Decision, Meeting
from tests.actionplan.factories import ActivityFactory, EventFactory, ObjectiveFactory, PlanFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.security.forms import page_data

pytestmark = pytest.mark.django_db

APPS = ("krat", "meetings", "cases", "actionplan")
# Numbers nobody types: written by the application itself.
NOT_TYPED = {
    "version",  # every versioned record's lock
    "krat.FinalReport.number",
    "krat.FinalReport.size",
    "meetings.Attachment.size",
    "krat.RecoveryCodeDevice.throttling_failure_count",  # django-otp's counter
    "meetings.MinutesVersion.number",
    "meetings.MinutesVersion.size",
}
BILLION = "1e9"


def _typed_numbers():
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if (
                isinstance(field, models.IntegerField | models.DecimalField | models.FloatField)
                and not isinstance(field, models.AutoField | models.BigAutoField)
                and not field.choices
                and field.name not in NOT_TYPED
                and label not in NOT_TYPED
            ):
                yield model, field


@pytest.mark.parametrize(
    ("model", "field"), list(_typed_numbers()), ids=lambda x: getattr(x, "name", getattr(x, "__name__", ""))
)
def test_every_number_a_person_types_has_an_upper_bound_in_the_model_and_the_database(model, field):
    assert any(isinstance(v, MaxValueValidator) for v in field._validators), f"{model.__name__}.{field.name}"
    conditions = [str(c.condition) for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]
    # Bounded itself (`field__lte`), or inside a sum that another bounded field must reach
    # (the employment path's assessment outcomes add up to at most those interviewed).
    assert any(
        f"'{field.name}__lte'" in c or ("__gte" in c and f"F({field.name})" in c) for c in conditions
    ), f"{model.__name__}.{field.name} has no bound in the database"


@pytest.fixture
def activity(world):
    plan = PlanFactory(county=world.own, year=2018)
    return ActivityFactory(
        objective=ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi")),
        lead_institution=world.own_institution,
        target=Decimal(20),
        unit="sesione",
    )


def _progress_url(activity, world) -> str:
    return reverse("actionplan:progress_edit", args=[activity.pk, world.period.pk])


def test_the_progress_form_offers_the_bound(client, world, activity):
    client.force_login(world.users["representative"])
    page = client.get(_progress_url(activity, world)).content.decode()
    assert 'max="1000000"' in page


@pytest.mark.parametrize(
    ("achieved", "message"),
    [
        (BILLION, "më e vogël ose baras me 1000000"),
        ("1000000000", "më e vogël ose baras me 1000000"),
        ("300", "më shumë se dhjetë herë synimi (20 sesione)"),
    ],
)
def test_an_absurd_value_achieved_is_refused_in_albanian_and_the_text_kept(
    client, world, activity, achieved, message
):
    """Found by a hostile run: `achieved=1e9` was stored against a target of 20."""
    client.force_login(world.users["representative"])
    url = _progress_url(activity, world)
    data = {
        "status": "in_progress",
        "achieved": achieved,
        "narrative": "Tre sesione në shkolla.",
        "version": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Tre sesione në shkolla." in content
    assert not ActivityProgress.objects.exists()
    data["achieved"] = "25"  # more than the target is possible: more sessions than planned
    assert client.post(url, data).status_code == 302
    assert ActivityProgress.objects.get().achieved == Decimal(25)


def test_the_api_refuses_an_absurd_value_achieved_in_albanian(world, activity):
    client = APIClient()
    client.force_authenticate(world.users["representative"])
    body = {"activity": activity.pk, "period": world.period.pk, "status": "in_progress"}
    response = client.post("/api/v1/progress/", {**body, "achieved": BILLION}, format="json")
    assert response.status_code == 400
    assert "1000000" in response.json()["achieved"][0]
    response = client.post("/api/v1/progress/", {**body, "achieved": "300"}, format="json")
    assert response.status_code == 400
    assert "dhjetë herë synimi" in response.json()["achieved"][0]
    assert not ActivityProgress.objects.exists()


def test_the_database_refuses_a_billion_whoever_writes_it(world, activity):
    progress = ActivityProgress.objects.create(activity=activity, period=world.period, status="in_progress")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityProgress.objects.filter(pk=progress.pk).update(achieved=Decimal(10**9))


# --- E-mail: plain text is not HTML ---------------------------------------------------------------


@pytest.fixture
def planned(world):
    world.own_institution.contact_email = "policia@example.org"
    world.own_institution.save()
    meeting = MeetingFactory(
        county=world.own,
        status=MeetingStatus.PLANNED,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        title="Takimi <script>alert(1)</script> & “të tjera”",
    )
    meeting.invited_institutions.set([world.own_institution])
    AgendaItemFactory(meeting=meeting, position=1, title="Pika <b>1</b>")
    return meeting


def test_an_invitations_subject_and_text_are_not_html_escaped(client, world, planned):
    """Found by a hostile run: the subject read `&lt;script&gt;`."""
    client.force_login(world.users["secretariat"])
    assert client.post(reverse("meetings:invite", args=[planned.pk])).status_code == 302
    message = mail.outbox[0]
    assert "Takimi <script>alert(1)</script> & “të tjera”" in message.subject
    assert "&lt;" not in message.subject and "&amp;" not in message.subject
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "1. Pika <b>1</b>" in message.body and "&lt;" not in message.body
    html, _mimetype = message.alternatives[0]
    assert "&lt;script&gt;" in html and "<script>" not in html  # the HTML part stays escaped


def test_a_subject_stays_one_line_whatever_the_title_holds(world, planned):
    Meeting.objects.filter(pk=planned.pk).update(title="Takim\r\nBcc: sulmues@example.org")
    planned.refresh_from_db()
    meeting_services.invitations_send(meeting=planned)
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "\r" not in subject
    assert "Takim Bcc: sulmues@example.org" in subject
    assert mail.outbox[0].extra_headers.get("Bcc") is None and not mail.outbox[0].bcc


# --- Bidirectional controls ---------------------------------------------------------------------

RLO, PDF_MARK = "\u202e", "\u202c"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_the_controls_are_every_bidirectional_one():
    assert strip_bidi(f"a{CONTROLS}b") == "ab"
    assert strip_bidi("Shëndeti: ë ç Ë Ç – “ok”") == "Shëndeti: ë ç Ë Ç – “ok”"


def test_typed_text_loses_them_on_a_form(client, world):
    """Found by a hostile run: U+202E in the minutes reversed words in the printed summary."""
    meeting = MeetingFactory(county=world.own)
    client.force_login(world.users["secretariat"])
    url = reverse("meetings:minutes", args=[meeting.pk])
    data = {**page_data(client.get(url)), "chair_remarks": f"Vendimi u {RLO}miratua{PDF_MARK} njëzëri."}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair_remarks == "Vendimi u miratua njëzëri."


def test_typed_text_loses_them_over_the_api(world):
    event = EventFactory(county=world.own, organiser=world.own_institution)
    client = APIClient()
    client.force_authenticate(world.users["secretariat"])
    response = client.patch(
        f"/api/v1/events/{event.pk}/",
        {"title": f"Dita {RLO}kundër{PDF_MARK} trafikimit"},
        format="json",
        HTTP_IF_MATCH=f'W/"{event.pk}-{event.version}"',
    )
    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.title == "Dita kundër trafikimit"


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_text_stored_before_loses_them_in_the_printed_summary(client, world):
    meeting = MeetingFactory(county=world.own)
    Meeting.objects.filter(pk=meeting.pk).update(chair_remarks=f"Vendimi u {RLO}miratua{PDF_MARK} njëzëri.")
    client.force_login(world.users["secretariat"])
    text = _pdf_text(client.get(reverse("meetings:summary_pdf", args=[meeting.pk])).content)
    assert "Vendimi u miratua njëzëri." in " ".join(text.split())
    assert "autarim" not in text and RLO not in text


def test_text_stored_before_loses_them_in_a_spreadsheet_and_an_email(client, world, planned):
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    Decision.objects.filter(pk=decision.pk).update(text=f"Raport {RLO}mujor{PDF_MARK}")
    Meeting.objects.filter(pk=planned.pk).update(title=f"Takim {RLO}i{PDF_MARK} jashtëzakonshëm")
    client.force_login(world.users["secretariat"])
    content = client.get(reverse("meetings:decisions_xlsx", args=[world.own.slug])).content
    cells = [str(c.value) for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    assert "Raport mujor" in cells
    assert not any(ch in cell for cell in cells for ch in CONTROLS)
    planned.refresh_from_db()
    meeting_services.invitations_send(meeting=planned)
    message = mail.outbox[0]
    assert "Takim i jashtëzakonshëm" in message.subject
    for part in (message.subject, message.body, message.alternatives[0][0]):
        assert not any(ch in part for ch in CONTROLS)


def test_every_model_with_typed_text_loses_them_when_validated():
    # Text the application writes itself (or a digest), never a person.
    system = {
        "krat.DownloadLog",
        "krat.Municipality",
        "krat.PartNothingToReport",
        "krat.RecoveryCode",
        "krat.RecoveryCodeDevice",
        "cases.VictimCount",
    }
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical") or label in system:
            continue
        texts = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if texts:
            assert issubclass(model, NeutralisesBidi), label


def test_the_refusal_prints_its_numbers_as_pages_do(client, world, activity):
    """Found by a tester: the message printed "1680,5" where Albanian writes 1.680,5."""
    activity.target = 168
    activity.save()
    client.force_login(world.users["representative"])
    data = {"status": "in_progress", "achieved": "1680,5", "narrative": "", "version": 0}
    response = client.post(_progress_url(activity, world), data)
    assert response.status_code == 400
    assert "1.680,5 është më shumë se dhjetë herë synimi (168 sesione)" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"invited_institutions": ["99999999999999999999999"]}, "Përzgjidhni një zgjedhje të vlefshme"),
        ({"starts_at": "01.01.0001 00:00"}, "Shkruani një datë ndërmjet viteve 2000 dhe 2100."),
        ({"starts_at": "31.12.9999 23:59"}, "Shkruani një datë ndërmjet viteve 2000 dhe 2100."),
    ],
)
def test_a_meeting_with_a_key_or_a_date_no_database_holds_is_refused_not_a_500(
    world, client, changes, message
):
    """Found by the fuzz test: a 24-digit institution id reached SQLite (OverflowError) and
    a meeting at 01.01.0001 could not be turned into UTC."""
    from meetings.models import Meeting

    client.force_login(world.users["secretariat"])
    data = {
        "body": "technical_table",
        "title": "Takim",
        "starts_at": "25.04.2018 10:00",
        "place": "Prefektura",
        "chair": world.users["chair"].pk,
        "invited_institutions": [world.own_institution.pk],
        **changes,
    }
    response = client.post(reverse("meetings:create", args=[world.own.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()
