"""export_county / import_county: a county's complete data survives the round trip, and an
archive, whoever wrote it, brings that county's own data and nothing else.

The refusals start from a real export of `world.own` (wiped afterwards, as on a new
installation) and tamper with it the way an attacker would, recomputing the checksums so
that the archive is as consistent as one of ours; `world.other` keeps its records and
files, the targets. Each refusal is checked to leave every table and every file as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import translation

from cases.models import AgeGroup, CasesSettings
from krat import portability
from krat.choices import Role
from krat.demo import DEMO_PASSWORD
from krat.models import County, DownloadLog, Institution, Municipality, User
from krat.services import county_defaults_ensure
from meetings import services as meeting_services
from meetings.choices import MeetingStatus
from meetings.models import Attachment, Meeting
from tests.factories import CountyFactory, InstitutionFactory, UserFactory
from tests.meetings.factories import AttendanceFactory, DecisionFactory, MeetingFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"krat", "meetings", "actionplan", "cases"}
# Project models with no path to a county: shared lists every installation has.
GLOBAL_MODELS = {"actionplan.targetgroup"}
# Links of a declared model that do not travel: a county's people hold no groups or permissions.
LINKS_LEFT_OUT = {("krat.user", "groups"), ("krat.user", "user_permissions")}
PNG = b"\x89PNG\r\n\x1a\n logo"


def test_every_model_with_a_path_to_a_county_is_declared():
    declared = {m._meta.label_lower for m in portability.county_models()}
    for model in apps.get_models():
        label = model._meta.label_lower
        if portability.is_historical(model) or model._meta.proxy:
            continue
        if portability.county_path(model) is not None:
            assert label in declared or label in portability.NOT_EXPORTED, (
                f"{label} reaches a county: declare it with portability.register or list it in NOT_EXPORTED"
            )
        elif model._meta.app_label in PROJECT_APPS:
            assert label in GLOBAL_MODELS, f"{label} reaches no county: export it or list it as global"
            assert model in portability.REFERENCE_MODELS, label


def test_every_link_of_a_declared_model_travels_or_names_reference_data():
    """Import can check a link only to a row it brings or to reference data it looks up."""
    for model in portability.county_models():
        for historical in (model, portability.history_model(model)):
            if historical is None:
                continue
            label = historical._meta.label_lower
            carried = portability.portable_fields(historical)
            for f in [*historical._meta.concrete_fields, *historical._meta.many_to_many]:
                if f.is_relation and f.serialize:
                    assert f.name in carried or (label, f.name) in LINKS_LEFT_OUT, f"{label}.{f.name}"


def test_the_path_finder_follows_chains():
    assert portability.county_path(County) == ""
    assert portability.county_path(Meeting) == "county"
    assert portability.county_path(apps.get_model("meetings.attachment")) == "meeting__county"
    assert portability.county_path(apps.get_model("cases.victimcount")).endswith("county")
    assert portability.county_path(User) == "county"
    assert portability.county_path(apps.get_model("otp_static.statictoken")) == "device__user__county"


def _wipe(county: County) -> None:
    """Remove everything of the county, as if the database were new: after load_counties it
    has only what every county is created with (`county_defaults_ensure`)."""
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
    county_defaults_ensure(county=county)


@pytest.fixture
def rich_county(settings):
    call_command("load_counties", verbosity=0)
    call_command("load_demo", verbosity=0)
    county = County.objects.get(slug="durres")
    county.logo.save("stema.png", ContentFile(PNG), save=False)
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
    exported = portability.export_county(rich_county, archive)
    assert exported.rows["meetings.meeting"] == len(before["meetings.meeting"])

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

    with pytest.raises(CommandError, match="already has data"):
        call_command("import_county", str(target), verbosity=0)


def test_an_optional_link_outside_the_county_is_left_empty(world):
    admin = User.objects.create_superuser("rrenjet", "r@example.org", "x")
    meeting = MeetingFactory(county=world.own, approved_by=admin)
    rows = portability.county_data(world.own).rows
    exported = next(r for r in rows["meetings.meeting"] if r["pk"] == meeting.pk)
    assert exported["fields"]["approved_by"] is None
    assert admin.pk not in {r["pk"] for r in rows["krat.user"]}


def test_rows_that_need_somebody_outside_the_county_stay_behind_and_the_rest_imports(world):
    """A national observer's download of the county's figures needs the observer, who never
    travels; a superuser's edit keeps its history row but not its author."""
    observer = world.users["national_observer"]
    DownloadLog.objects.create(county=world.own, user=observer, what="Raporti", path="/r/")
    kept = DownloadLog.objects.create(county=world.own, user=world.users["chair"], what="Raporti", path="/r/")
    admin = User.objects.create_superuser("rrenjet", "r@example.org", "x")
    meeting = MeetingFactory(county=world.own)
    meeting.title = "Ndryshuar nga administratori"
    meeting._history_user = admin
    meeting.save()

    data = portability.county_data(world.own)
    assert [row["pk"] for row in data.rows["krat.downloadlog"]] == [kept.pk]
    assert data.left_out == {"krat.downloadlog": 1}
    history = data.rows["meetings.historicalmeeting"]
    assert {row["fields"]["history_user"] for row in history} == {None}

    archive = io.BytesIO()
    portability.export_county(world.own, archive)
    _wipe(world.own)
    archive.seek(0)
    portability.import_county(archive)
    assert DownloadLog.objects.filter(county=world.own).count() == 1
    assert Meeting.history.filter(id=meeting.pk).count() == 2


# --- hostile archives --------------------------------------------------------------------------

_BASE: dict[str, bytes] = {}


def _base_archive(media_root: Path) -> bytes:
    """A real export of a small Durrës (its people, a held meeting with attendance, a
    decision and a document, a logo, and their history), made once per test process inside a
    transaction that is then undone; the tests shift its keys past those of their database."""
    if "archive" not in _BASE:
        with transaction.atomic():
            world = build_world()
            world.own.logo.save("stema.png", ContentFile(PNG), save=True)
            meeting = MeetingFactory(county=world.own, status=MeetingStatus.HELD)
            AttendanceFactory(meeting=meeting, institution=world.own_institution)
            DecisionFactory(meeting=meeting, responsible=world.own_institution)
            meeting_services.attachment_add(
                meeting=meeting,
                title="Urdhri",
                upload=SimpleUploadedFile("urdhri.pdf", b"%PDF-1.4 urdhri"),
                user=world.users["secretariat"],
            )
            archive = io.BytesIO()
            portability.export_county(world.own, archive)
            for name in portability.county_data(world.own).files:
                default_storage.delete(name)
            transaction.set_rollback(True)
        _prune_empty_folders(media_root)
        _BASE["archive"] = archive.getvalue()
    return _BASE["archive"]


def _prune_empty_folders(root: Path) -> None:
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
    ):
        if not any(folder.iterdir()):
            folder.rmdir()


def _past_every_key() -> int:
    """A shift that puts the archive's keys past every key of the database."""
    highest = 0
    for model in apps.get_models():
        if model is not County and model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}:
            highest = max(highest, model._default_manager.aggregate(top=Max("pk"))["top"] or 0)
    return highest + 1000


def _shifted(archive: bytes, offset: int) -> bytes:
    """The same archive with every key of its rows, and every link to them, moved by `offset`
    (links to reference rows are names, not numbers, and stay as they are)."""
    parts = _unpack(archive)

    def moved(value):
        if isinstance(value, list):
            return [moved(item) for item in value]
        return value + offset if isinstance(value, int) and not isinstance(value, bool) else value

    for label, rows in parts.tables.items():
        model = apps.get_model(label)
        links = {f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many] if f.is_relation}
        if portability.is_historical(model):
            links.add("id")
        for row in rows:
            row["pk"] = moved(row["pk"])
            for name in links & set(row["fields"]):
                row["fields"][name] = moved(row["fields"][name])
    return _pack(parts).getvalue()


@dataclass
class Source:
    """An archive of Durrês, and what it could aim at in Vlorë, its neighbour here."""

    archive: bytes
    root: Path
    foreign_institution: Institution
    other_secretariat: User
    foreign_meeting: Meeting
    foreign_attachment: Attachment


@dataclass
class Parts:
    manifest: dict
    tables: dict[str, list[dict]]
    media: dict[str, bytes]


@pytest.fixture
def source(db, settings, tmp_path):
    base = _base_archive(Path(settings.MEDIA_ROOT))
    CountyFactory(name="Durrës", slug="durres", prefecture_name="Prefektura e Qarkut Durrës")
    other = CountyFactory(name="Vlorë", slug="vlore", prefecture_name="Prefektura e Qarkut Vlorë")
    foreign_institution = InstitutionFactory(county=other, name="Policia Vlorë")
    other_secretariat = UserFactory(username="sekretaria.vlore", role=Role.SECRETARIAT, county=other)
    foreign = MeetingFactory(county=other, title="Takim i Vlorës")
    foreign_attachment = meeting_services.attachment_add(
        meeting=foreign,
        title="Procesverbali",
        upload=SimpleUploadedFile("pv.pdf", b"%PDF-1.4 procesverbali i Vlores"),
        user=other_secretariat,
    )
    Municipality.objects.create(county=other, name="Vlorë")
    return Source(
        archive=_shifted(base, _past_every_key()),
        root=tmp_path,
        foreign_institution=foreign_institution,
        other_secretariat=other_secretariat,
        foreign_meeting=foreign,
        foreign_attachment=foreign_attachment,
    )


def _unpack(archive: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        tables = {label: json.loads(zf.read(f"data/{label}.json")) for label in manifest["models"]}
        media = {name: zf.read(f"media/{name}") for name in manifest["files"]}
    return Parts(manifest=manifest, tables=tables, media=media)


def _pack(parts: Parts, *, extra: list[tuple[zipfile.ZipInfo | str, bytes]] = ()) -> io.BytesIO:
    """An archive as consistent as one of ours: the manifest lists the tables and the files'
    checksums are those of the content shipped."""
    manifest = {
        **parts.manifest,
        "models": list(parts.tables),
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in parts.media.items()},
    }
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for label, rows in parts.tables.items():
            zf.writestr(f"data/{label}.json", json.dumps(rows))
        for name, content in parts.media.items():
            zf.writestr(f"media/{name}", content)
        for entry, content in extra:
            zf.writestr(entry, content)
        zf.writestr("manifest.json", json.dumps(manifest))
    target.seek(0)
    return target


def _state(root: Path) -> tuple[dict, dict]:
    """Every row of every table (the many-to-many ones too) and every file and folder under
    the test's folder (the media folder and what lies around it)."""
    rows = {
        model._meta.label_lower: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }
    files = {
        str(path.relative_to(root)): (path.read_bytes() if path.is_file() else "folder")
        for path in sorted(root.rglob("*"))
    }
    return rows, files


def _refused(source: Source, archive, *expected: str) -> str:
    """Import `archive`, expect a refusal naming `expected`, and nothing written."""
    before = _state(source.root)
    with pytest.raises(portability.ImportRefused) as refused:
        portability.import_county(archive)
    message = " ".join(refused.value.messages)
    for text in expected:
        assert text in message, message
    assert _state(source.root) == before
    return message


def _row(parts: Parts, label: str, pk=None) -> dict:
    rows = parts.tables[label]
    return rows[0] if pk is None else next(row for row in rows if row["pk"] == pk)


def _free_pk(model) -> int:
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_the_untouched_archive_imports(source):
    """The control of the tests below: the archive they start from is accepted."""
    portability.import_county(io.BytesIO(source.archive))
    own = County.objects.get(slug="durres")
    assert Meeting.objects.filter(county=own).count() == 1
    assert Attachment.objects.get(meeting__county=own).file.read() == b"%PDF-1.4 urdhri"
    assert own.logo.read() == PNG


def test_the_countys_own_defaults_are_replaced_by_the_archives(source):
    """Durrës was created here with its settings and age groups (`county_create`); the
    archive's, with their history, take their place."""
    own = County.objects.get(slug="durres")
    parts = _unpack(source.archive)
    portability.import_county(io.BytesIO(source.archive))
    assert sorted(AgeGroup.objects.filter(county=own).values_list("pk", flat=True)) == sorted(
        row["pk"] for row in parts.tables["cases.agegroup"]
    )
    assert CasesSettings.objects.get(county=own).pk == _row(parts, "cases.casessettings")["pk"]
    assert sorted(CasesSettings.history.filter(county=own).values_list("history_id", flat=True)) == sorted(
        row["pk"] for row in parts.tables["cases.historicalcasessettings"]
    )


def _defaults_aimed_at(source: Source, county: County) -> tuple[io.BytesIO, dict[int, int]]:
    """The archive with the keys of its county's settings and age groups (and of the
    settings' first history row) taken from `county`'s, as on a new installation where
    `load_counties` gave the other counties the keys the archive's county had at home.
    Returns the archive and which age group key replaced which."""
    parts = _unpack(source.archive)
    theirs = list(AgeGroup.objects.filter(county=county).order_by("min_age"))
    ours = sorted(parts.tables["cases.agegroup"], key=lambda row: row["fields"]["min_age"])
    groups = {row["pk"]: group.pk for row, group in zip(ours, theirs, strict=True)}
    settings = CasesSettings.objects.get(county=county)
    (archived,) = parts.tables["cases.casessettings"]
    keys = {"cases.agegroup": groups, "cases.casessettings": {archived["pk"]: settings.pk}}
    for label, rows in parts.tables.items():
        model = apps.get_model(label)
        for row in rows:
            if label in keys:
                row["pk"] = keys[label][row["pk"]]
            if portability.is_historical(model) and model.instance_type._meta.label_lower in keys:
                row["fields"]["id"] = keys[model.instance_type._meta.label_lower][row["fields"]["id"]]
            for field in model._meta.concrete_fields:
                target = field.related_model._meta.label_lower if field.is_relation else None
                if target in keys and row["fields"].get(field.name) is not None:
                    row["fields"][field.name] = keys[target][row["fields"][field.name]]
    first = min(parts.tables["cases.historicalcasessettings"], key=lambda row: row["pk"])
    first["pk"] = CasesSettings.history.filter(id=settings.pk).earliest("history_id").history_id
    return _pack(parts), groups


def test_another_countys_defaults_make_room_on_a_new_installation(source):
    """Berat has no data yet: its settings and age groups move to fresh keys, unchanged."""
    berat = CountyFactory(name="Berat", slug="berat", prefecture_name="Prefektura e Qarkut Berat")
    settings = CasesSettings.objects.get(county=berat)
    settings.victims_kinds = ["state_police"]
    settings.save()
    archive, groups = _defaults_aimed_at(source, berat)
    taken = set(groups.values())

    portability.import_county(archive)

    own = County.objects.get(slug="durres")
    assert set(AgeGroup.objects.filter(county=own).values_list("pk", flat=True)) == taken
    moved = list(AgeGroup.objects.filter(county=berat).order_by("min_age"))
    assert [g.label for g in moved] == ["0–13", "14–17", "18–24", "25+"]
    assert not {g.pk for g in moved} & taken
    kept = CasesSettings.objects.get(county=berat)
    assert kept.pk != settings.pk and kept.victims_kinds == ["state_police"]
    assert [h.id for h in CasesSettings.history.filter(county=berat)] == [kept.pk, kept.pk]
    # New records get keys past the moved ones.
    assert AgeGroup.objects.create(county=berat, min_age=60).pk > max(g.pk for g in moved)


def test_another_countys_defaults_with_data_are_not_moved(source):
    """Vlorë has data: its keys are taken, as any other record's would be."""
    vlore = County.objects.get(slug="vlore")
    archive, _groups = _defaults_aimed_at(source, vlore)
    _refused(source, archive, "already exist here")


@pytest.mark.parametrize(
    ("label", "rows"),
    [
        # A session row would sign its bearer in as anybody.
        (
            "sessions.session",
            lambda s: [{"pk": "x" * 32, "fields": {"session_data": "e30", "expire_date": None}}],
        ),
        # Municipalities are reference data: this one would move Vlorë's into Durrës.
        (
            "krat.municipality",
            lambda s: [{"pk": {"name": "Vlorë"}, "fields": {"county": {"slug": "durres"}}}],
        ),
        ("auth.group", lambda s: [{"pk": 1, "fields": {"name": "Administratorët", "permissions": []}}]),
    ],
)
def test_an_archive_with_a_model_outside_the_county_data_is_refused(source, label, rows):
    parts = _unpack(source.archive)
    parts.tables[label] = rows(source)
    _refused(source, _pack(parts), label, "not part of a county's data")
    assert Municipality.objects.get(name="Vlorë").county.slug == "vlore"


def _meeting_of_another_county(parts, source):
    _row(parts, "meetings.meeting")["fields"]["county"] = {"slug": "vlore"}


def _attendance_at_another_county_institution(parts, source):
    _row(parts, "meetings.attendance")["fields"]["institution"] = source.foreign_institution.pk


def _decision_for_another_county_institution(parts, source):
    _row(parts, "meetings.decision")["fields"]["responsible"] = source.foreign_institution.pk


def _invitation_to_another_county_institution(parts, source):
    _row(parts, "meetings.meeting")["fields"]["invited_institutions"] = [source.foreign_institution.pk]


def _chair_of_another_county(parts, source):
    _row(parts, "meetings.meeting")["fields"]["chair"] = source.other_secretariat.pk


def _token_for_another_county_person(parts, source):
    """A token the attacker knows, for Vlorë's secretariat."""
    parts.tables["krat.apitoken"] = [
        {
            "pk": _free_pk(apps.get_model("krat.apitoken")),
            "fields": {
                "user": source.other_secretariat.pk,
                "name": "TIMS",
                "digest": "a" * 64,
                "prefix": "aaaa",
                "created_at": "2026-01-01T00:00:00+00:00",
                "last_used_at": None,
                "revoked": False,
            },
        }
    ]


def _token_for_a_superuser_named_by_lookup(parts, source):
    """A link given as a lookup instead of a key: it must not find the superuser here."""
    User.objects.create_superuser("rrenjet", "r@example.org", "x")
    _token_for_another_county_person(parts, source)
    parts.tables["krat.apitoken"][0]["fields"]["user"] = {"username": "rrenjet"}


def _history_of_another_county_meeting(parts, source):
    row = dict(_row(parts, "meetings.historicalmeeting"))
    row["pk"] = _free_pk(Meeting.history.model)
    row["fields"] = {**row["fields"], "id": source.foreign_meeting.pk}
    row["fields"]["title"] = "Anuluar"
    parts.tables["meetings.historicalmeeting"].append(row)


def _history_of_another_county(parts, source):
    row = dict(_row(parts, "krat.historicalcounty"))
    row["pk"] = _free_pk(County.history.model)
    row["fields"] = {**row["fields"], "id": {"slug": "vlore"}, "require_two_factor": False}
    parts.tables["krat.historicalcounty"].append(row)


def _history_written_by_another_county_person(parts, source):
    _row(parts, "meetings.historicalmeeting")["fields"]["history_user"] = source.other_secretariat.pk


ELSEWHERE = "to a record that is not part of the county “durres”"
NOT_BROUGHT = "belongs to a record that is not in the archive"


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_meeting_of_another_county, f"“meetings.meeting” links through “county” {ELSEWHERE}"),
        (
            _attendance_at_another_county_institution,
            f"“meetings.attendance” links through “institution” {ELSEWHERE}",
        ),
        (
            _decision_for_another_county_institution,
            f"“meetings.decision” links through “responsible” {ELSEWHERE}",
        ),
        (_invitation_to_another_county_institution, f"links through “invited_institutions” {ELSEWHERE}"),
        (_chair_of_another_county, f"“meetings.meeting” links through “chair” {ELSEWHERE}"),
        (_token_for_another_county_person, f"“krat.apitoken” links through “user” {ELSEWHERE}"),
        (_token_for_a_superuser_named_by_lookup, "“krat.apitoken” has an invalid value in “user”"),
        (_history_of_another_county_meeting, f"“meetings.historicalmeeting” {NOT_BROUGHT}"),
        (_history_of_another_county, f"“krat.historicalcounty” {NOT_BROUGHT}"),
        (_history_written_by_another_county_person, f"links through “history_user” {ELSEWHERE}"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_a_row_that_reaches_another_county_is_refused(source, tamper, expected):
    parts = _unpack(source.archive)
    tamper(parts, source)
    _refused(source, _pack(parts), expected)


def test_a_history_row_never_overwrites_another_county_history(source):
    """History rows keep their keys too; one that is taken here is refused, not written over."""
    parts = _unpack(source.archive)
    theirs = Meeting.history.filter(id=source.foreign_meeting.pk).first()
    _row(parts, "meetings.historicalmeeting")["pk"] = theirs.history_id
    _refused(source, _pack(parts), "meetings.historicalmeeting", "already exist")
    theirs.refresh_from_db()
    assert theirs.title == "Takim i Vlorës"


def test_a_county_row_other_than_its_own_is_refused(source):
    """The archive restores its own county's settings, and may touch no other county's."""
    parts = _unpack(source.archive)
    vlore = dict(_row(parts, "krat.county"))
    vlore["pk"] = {"slug": "vlore"}
    vlore["fields"] = {
        **vlore["fields"],
        "name": "Vlorë",
        "slug": "vlore",
        "require_two_factor": False,
        "small_number_threshold": 2,
    }
    parts.tables["krat.county"].append(vlore)
    _refused(source, _pack(parts), "only the county “durres”", "“vlore”")
    assert County.objects.get(slug="vlore").small_number_threshold == 3


def _person(parts: Parts, **changes) -> dict:
    row = json.loads(json.dumps(_row(parts, "krat.user")))
    row["pk"] = _free_pk(User)
    row["fields"].update(username="i.ri", institution=None, position="", **changes)
    parts.tables["krat.user"].append(row)
    return row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"is_superuser": True, "role": ""}, "superuser"),
        ({"is_staff": True}, "superuser"),
        ({"role": Role.NATIONAL_OBSERVER, "county": None}, "krat.user"),
        ({"role": Role.NATIONAL_OBSERVER}, "superuser"),
        ({"county": {"slug": "vlore"}}, "not part of the county"),
        ({"user_permissions": [["change_county", "krat", "county"]]}, "user_permissions"),
        ({"groups": [["Administratorët"]]}, "groups"),
    ],
)
def test_people_who_are_not_of_the_county_are_refused(source, changes, expected):
    Group.objects.create(name="Administratorët")
    parts = _unpack(source.archive)
    _person(parts, **changes)
    _refused(source, _pack(parts), expected)
    assert not User.objects.filter(username="i.ri").exists()


@pytest.mark.parametrize(
    "name",
    [
        "{root}/evil.txt",
        "../evil.txt",
        "media/../../evil.txt",
        "media/./x.txt",
        "media\\..\\evil.txt",
        "data/",
    ],
)
def test_an_entry_with_an_unsafe_name_is_refused(source, name):
    """Whatever the manifest says, such an entry is refused (the test's folder, which holds the
    media folder, is compared whole: nothing lands beside it either)."""
    name = name.format(root=source.root)
    parts = _unpack(source.archive)
    _refused(source, _pack(parts, extra=[(name, b"pwned")]), name)


@pytest.mark.parametrize("name", ["../evil.txt", "{root}/evil.txt", "meetings/../../evil.txt"])
def test_a_file_with_an_unsafe_name_is_refused(source, name):
    """The row and the manifest agree on the name; it still may not leave the media folder."""
    name = name.format(root=source.root)
    parts = _unpack(source.archive)
    row = _row(parts, "meetings.attachment")
    del parts.media[row["fields"]["file"]]
    row["fields"]["file"] = name
    parts.media[name] = b"%PDF-1.4 pwned"
    _refused(source, _pack(parts), "unsafe")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(stat.S_IFLNK, "symbolic link"), (stat.S_IFCHR, "does not belong"), (stat.S_IFIFO, "does not belong")],
    ids=["symlink", "device", "pipe"],
)
def test_an_entry_that_is_not_a_plain_file_is_refused(source, kind, expected):
    parts = _unpack(source.archive)
    name = _row(parts, "meetings.attachment")["fields"]["file"]
    parts.media[name] = b"/etc/passwd"
    archive = _pack(parts)
    # The same archive, with the document's entry marked as a link to /etc/passwd (or a device).
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(rebuilt, "w") as zf:
        for info in original.infolist():
            if info.filename == f"media/{name}":
                info.external_attr = (kind | 0o777) << 16
            zf.writestr(info, original.read(info.filename))
    rebuilt.seek(0)
    _refused(source, rebuilt, expected, name)


def test_an_existing_file_is_never_replaced(source):
    """The archive ships its own content under the name of Vlorë's document."""
    parts = _unpack(source.archive)
    row = _row(parts, "meetings.attachment")
    del parts.media[row["fields"]["file"]]
    theirs = source.foreign_attachment.file.name
    row["fields"]["file"] = theirs
    parts.media[theirs] = b"%PDF-1.4 falsifikuar"
    _refused(source, _pack(parts), theirs, "already exists")
    assert default_storage.open(theirs).read() == b"%PDF-1.4 procesverbali i Vlores"


def test_a_row_cannot_name_a_file_it_does_not_bring(source):
    """An attachment pointing at Vlorë's document would hand it to Durrës's readers."""
    parts = _unpack(source.archive)
    row = _row(parts, "meetings.attachment")
    del parts.media[row["fields"]["file"]]
    row["fields"]["file"] = source.foreign_attachment.file.name
    _refused(source, _pack(parts), source.foreign_attachment.file.name, "not in the archive")


def test_a_file_no_row_names_is_refused(source):
    parts = _unpack(source.archive)
    parts.media["county-logos/tjeter.png"] = PNG
    _refused(source, _pack(parts), "county-logos/tjeter.png")


def test_an_archive_of_ten_thousand_entries_is_refused(source):
    parts = _unpack(source.archive)
    extra = [(f"media/mbushje/{n}.txt", b"") for n in range(10_000)]
    _refused(source, _pack(parts, extra=extra), "10")


def test_a_member_whose_header_says_it_is_past_the_cap_is_refused(source, settings):
    parts = _unpack(source.archive)
    settings.KRAT_ARCHIVE_MAX_BYTES = 1024 * 1024
    name = _row(parts, "meetings.attachment")["fields"]["file"]
    parts.media[name] = b"%PDF-1.4 " + bytes(2 * 1024 * 1024)  # a few kilobytes once compressed
    _refused(source, _pack(parts), "1048576")


def test_a_member_that_expands_past_what_its_header_says_is_refused(source, settings):
    """A zip bomb with a lying header: the central directory says 100 bytes, the member
    expands to 2 MB. The logo is written first; it is removed again."""
    parts = _unpack(source.archive)
    name = _row(parts, "meetings.attachment")["fields"]["file"]
    assert sorted(parts.media)[-1] == name  # written after the logo
    parts.media[name] = b"%PDF-1.4 " + bytes(2 * 1024 * 1024)
    honest = _pack(parts)
    settings.KRAT_ARCHIVE_MAX_BYTES = 1024 * 1024
    lying = io.BytesIO()
    with zipfile.ZipFile(honest) as original, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in original.infolist():
            zf.writestr(info.filename, original.read(info.filename))
        zf.getinfo(f"media/{name}").file_size = 100  # the central directory lies
    lying.seek(0)
    with zipfile.ZipFile(lying) as check:
        assert sum(info.file_size for info in check.infolist()) < settings.KRAT_ARCHIVE_MAX_BYTES
    lying.seek(0)
    _refused(source, lying, name)


def test_a_refusal_reads_in_albanian(source):
    parts = _unpack(source.archive)
    _person(parts, is_superuser=True, role="")
    with pytest.raises(portability.ImportRefused) as refused:
        portability.import_county(_pack(parts))
    with translation.override("sq"):
        assert "llogari të tilla nuk importohen kurrë" in " ".join(refused.value.messages)


def test_the_import_command_reports_a_refusal(source, tmp_path):
    parts = _unpack(source.archive)
    _person(parts, is_superuser=True, role="")
    target = tmp_path / "archive.zip"
    target.write_bytes(_pack(parts).getvalue())
    with pytest.raises(CommandError, match="superuser"):
        call_command("import_county", str(target), verbosity=0)
    assert not User.objects.filter(username="i.ri").exists()
