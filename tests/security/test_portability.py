"""export_county / import_county: a county's complete data survives the round trip."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from krat import portability
from krat.demo import DEMO_PASSWORD
from krat.models import County, User
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.factories import CountyFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"krat", "meetings", "actionplan", "cases"}
# Project models with no path to a county: shared lists every installation has.
GLOBAL_MODELS = {"actionplan.targetgroup"}


def test_every_model_with_a_path_to_a_county_is_exported():
    exported = {m._meta.label_lower for m in portability.county_models()}
    for model in apps.get_models():
        label = model._meta.label_lower
        if portability.is_historical(model) or model._meta.proxy:
            continue
        if portability.county_path(model) is not None:
            assert label in exported or label in portability.NOT_EXPORTED, label
        elif model._meta.app_label in PROJECT_APPS:
            assert label in GLOBAL_MODELS, f"{label} reaches no county: export it or list it as global"


def test_the_path_finder_follows_chains():
    assert portability.county_path(County) == ""
    assert portability.county_path(Meeting) == "county"
    assert portability.county_path(apps.get_model("meetings.attachment")) == "meeting__county"
    assert portability.county_path(apps.get_model("cases.victimcount")).endswith("county")
    assert portability.county_path(User) == "county"
    assert portability.county_path(apps.get_model("otp_static.statictoken")) == "device__user__county"


def _wipe(county: County) -> None:
    """Remove everything of the county, as if the database were new (after load_counties)."""
    models = portability.county_models()
    for model in reversed(models):
        if model is County or model in portability.REFERENCE_MODELS:
            continue
        rows = portability.county_rows(model, county)
        pks = list(rows.values_list("pk", flat=True))
        for name in portability._file_names(model, rows):
            default_storage.delete(name)
        rows.delete()
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            getattr(model, manager).model.objects.filter(id__in=pks).delete()
    County.history.model.objects.filter(id=county.pk).delete()
    if county.logo:
        default_storage.delete(county.logo.name)
    County.objects.filter(pk=county.pk).update(
        prefecture_address="", logo="", small_number_threshold=3, require_two_factor=False, version=1
    )


@pytest.fixture
def rich_county(settings):
    call_command("load_counties", verbosity=0)
    call_command("load_demo", verbosity=0)
    county = County.objects.get(slug="durres")
    county.logo.save("stema.png", ContentFile(b"\x89PNG\r\n\x1a\n logo"), save=False)
    county.small_number_threshold = 5
    county.save()
    meeting = Meeting.objects.filter(county=county).first()
    meeting_services.attachment_add(
        meeting=meeting,
        title="Urdhri",
        upload=SimpleUploadedFile("urdhri.pdf", b"%PDF-1.4 urdhri"),
        user=User.objects.get(username="sekretaria"),
    )
    return county


def test_a_county_round_trips_through_an_archive(rich_county):
    other = CountyFactory(name="Tjetër", slug="tjeter")
    foreign = MeetingFactory(county=other, title="Takim i huaj")
    before = portability.canonical_dump(rich_county)
    files = portability.county_data(rich_county).files
    checksums = portability.file_checksums(files)
    assert len(files) >= 2
    non_empty = {label for label, rows in before.items() if rows}
    # A rich county touches every part: meetings, plans, events, cases, submissions, people.
    for label in [
        "meetings.meeting",
        "meetings.decision",
        "meetings.attachment",
        "actionplan.activity",
        "actionplan.awarenessevent",
        "cases.victimreport",
        "krat.user",
        "krat.institution",
        "krat.reportingperiod",
        "meetings.historicalmeeting",
    ]:
        assert label in non_empty, label
    assert all(row["fields"]["title"] != foreign.title for row in before["meetings.meeting"])

    archive = io.BytesIO()
    counts = portability.export_county(rich_county, archive)
    assert counts["meetings.meeting"] == len(before["meetings.meeting"])

    _wipe(rich_county)
    assert not Meeting.objects.filter(county=rich_county).exists()
    assert not any(default_storage.exists(name) for name in files)
    call_command("load_counties", verbosity=0)

    archive.seek(0)
    portability.import_county(archive)

    rich_county.refresh_from_db()
    after = portability.canonical_dump(rich_county)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert portability.file_checksums(files) == checksums
    assert rich_county.small_number_threshold == 5
    user = User.objects.get(username="sekretaria")
    assert user.check_password(DEMO_PASSWORD)  # the hash came back: people can sign in
    # The sequences moved past the imported keys: new records get fresh ones.
    Meeting.objects.create(county=rich_county, title="Pas rikthimit", starts_at=foreign.starts_at, place="x")


def test_import_refuses_a_county_that_already_has_data(rich_county):
    archive = io.BytesIO()
    portability.export_county(rich_county, archive)
    archive.seek(0)
    with pytest.raises(portability.ImportRefused):
        portability.import_county(archive)


def test_the_commands_write_and_refuse(rich_county, tmp_path):
    target = tmp_path / "durres.zip"
    call_command("export_county", "durres", str(target), verbosity=0)
    assert target.stat().st_size > 1000
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already has data"):
        call_command("import_county", str(target), verbosity=0)


def test_an_optional_link_outside_the_county_is_left_empty(world):
    admin = User.objects.create_superuser("rrenjet", "r@example.org", "x")
    meeting = MeetingFactory(county=world.own, approved_by=admin)
    rows = portability.county_data(world.own).rows
    exported = next(r for r in rows["meetings.meeting"] if r["pk"] == meeting.pk)
    assert exported["fields"]["approved_by"] is None
    assert admin.pk not in {r["pk"] for r in rows["krat.user"]}
