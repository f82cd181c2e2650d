"""Deleting a domain record keeps it in the history (a "-" historical row)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AgeGroup, EmploymentFunnel
from cases.selectors.age_groups import age_groups_for
from cases.services.employment import employment_save, employment_stamp
from krat import portability
from meetings import services as meeting_services
from meetings.choices import MeetingStatus
from meetings.models import AgendaItem, Attachment, Attendance
from tests.meetings.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# County records that are not kept in the history, and why.
WITHOUT_HISTORY = {
    "krat.municipality": "a fixed reference list loaded by load_counties, never deleted",
    "krat.downloadlog": "append-only log; rows are never changed or deleted",
    "krat.submissionreminder": "append-only log of reminders sent",
    "krat.finalreport": "a finalised report version is never changed or deleted; a new one is a new row",
    "krat.apitoken": "a credential, revoked by a flag and never deleted; it holds only a hash",
    "krat.recoverycodedevice": "a second-factor device, like django-otp's own (kept out of the history: it is a credential)",
    "krat.recoverycode": "a salted hash of a one-time code, deleted when used: a history would keep spent credentials",
}
PROJECT_APPS = {"krat", "meetings", "actionplan", "cases"}


def _has_history(model) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


def test_every_county_record_of_the_project_keeps_its_history():
    """So any delete, from a page, a service or the Django admin (cascades included), is kept."""
    for model in portability.county_models():
        label = model._meta.label_lower
        if model._meta.app_label in PROJECT_APPS and label not in WITHOUT_HISTORY:
            assert _has_history(model), f"{label}: add `history = HistoricalRecords()`"


def _deleted(model, pk) -> bool:
    return model.history.filter(id=pk, history_type="-").exists()


@pytest.fixture
def meeting(world):
    return MeetingFactory(county=world.own, status=MeetingStatus.HELD)


def test_an_agenda_item_deleted_on_its_page_stays_in_the_history(world, as_role, meeting):
    item = AgendaItemFactory(meeting=meeting)
    response = as_role("secretariat").post(reverse("meetings:agenda_delete", args=[item.pk]))
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert _deleted(AgendaItem, item.pk)
    assert AgendaItem.history.get(id=item.pk, history_type="-").history_user == world.users["secretariat"]


def test_a_removed_attachment_stays_in_the_history(world, as_role, meeting):
    attachment = meeting_services.attachment_add(
        meeting=meeting,
        title="Urdhri",
        upload=SimpleUploadedFile("urdhri.pdf", b"%PDF-1.4 urdhri"),
        user=world.users["secretariat"],
    )
    as_role("secretariat").post(reverse("meetings:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    removed = Attachment.history.get(id=attachment.pk, history_type="-")
    assert removed.title == "Urdhri"
    assert default_storage.exists(removed.file)  # the document itself is not lost


def test_an_attendance_cleared_on_the_sheet_stays_in_the_history(world, as_role, meeting):
    record = AttendanceFactory(meeting=meeting, institution=world.own_institution)
    response = as_role("secretariat").post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {f"status_{world.own_institution.pk}": "", "version": meeting.version},
    )
    assert response.status_code == 302
    assert _deleted(Attendance, record.pk)


def test_age_groups_replaced_in_the_settings_stay_in_the_history(world, as_role):
    old = list(age_groups_for(world.own))
    page = as_role("secretariat").get(reverse("cases:settings", args=[world.own.slug]))
    version = page.context["form"]["version"].value()
    response = as_role("secretariat").post(
        reverse("cases:settings", args=[world.own.slug]), {"age_bounds": "0, 10, 18", "version": version}
    )
    assert response.status_code == 302
    assert all(_deleted(AgeGroup, group.pk) for group in old)


def test_an_employment_row_deleted_from_the_grid_stays_in_the_history(world):
    row = EmploymentFunnel(group="economic_aid", sex="female", received=3)
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[row],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    saved = EmploymentFunnel.objects.get()
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[],
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )
    assert _deleted(EmploymentFunnel, saved.pk)


@pytest.mark.parametrize(
    "label", ["meetings.meeting", "actionplan.actionplan", "actionplan.progresscomment", "cases.agegroup"]
)
def test_admin_deletes_and_their_cascades_are_kept(label):
    assert _has_history(apps.get_model(label))
