"""Move one county's complete data between installations: `export_county` / `import_county`.

What travels is declared, never guessed. Each app names the models whose rows belong to a
county with `register(...)` in its `AppConfig.ready()` (the core names its own and the
two-factor devices); the change history of those models travels with them. A model that
reaches a county and is neither declared nor listed in `NOT_EXPORTED` with its reason fails
tests/security/test_portability.py. The archive is a zip of JSON (Django's "python"
serialisation, one file per model) and the media files the rows name.

Reference data is the same in every installation and an import never writes it: the counties
and municipalities of `load_counties`, and the shared lists apps declare with
`register_reference` (target groups). An archive names such a row by a unique field (a
county's slug, a municipality's name, a target group's code) and import looks it up. The one
exception is the archive's own county: its settings (letterhead, small-number threshold,
tourist season, two-factor rule) are the county's data and are restored; its name and slug
stay as `load_counties` made them.

People are exported with their password hashes and two-factor devices: they are needed for
the people to sign in after a restore. Treat the archive like the database itself.

Primary keys are kept, so links, the history and the download log keep pointing at the
same records; import therefore needs a database where the county has no data yet and none
of the archive's keys is taken (after `migrate` and `load_counties`), and it refuses otherwise.
What every county is created with (an app's settings and lists, declared with
`register_defaults`) is not data: the county's own are replaced by the archive's, and those of
another county that has no data yet move to fresh keys when the archive brings theirs.

An archive is hostile input, whoever wrote it (there is no signature that would let one
skip a check). Before anything is written, import checks the zip (entry count, declared and
actual sizes, names, links), every row (a declared model; its county, directly or through
its links; every link; people's roles) and every file (a safe name, shipped, not already
there). Rows are inserted, never updated, in one transaction; files are created, never
replaced. A refusal raises `ImportRefused` with a translated message and leaves nothing:
the transaction is rolled back and the files already written are removed.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import lzma
import os
import posixpath
import stat
import tempfile
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from krat import generations
from krat.choices import COUNTY_ROLES
from krat.models import County, Municipality, User
from krat.models.base import model_field

FORMAT = 1
# Shared rows every installation has, named in an archive by a unique field. Apps add theirs
# with `register_reference`.
REFERENCE_MODELS: dict[type[models.Model], str] = {County: "slug", Municipality: "name"}
# Models that reach a county but do not travel, with the reason.
NOT_EXPORTED: dict[str, str] = {
    "admin.logentry": "The Django admin's own log names records by their text; the history keeps the changes.",
    "krat.municipality": "Reference data of load_counties, the same everywhere: links name it, import looks it up.",
    "otp_static.staticdevice": "Replaced by krat.recoverycodedevice (hashed codes); migration krat 0010 empties it.",
    "otp_static.statictoken": "Plain-text recovery codes of the old storage: never written again, never exported.",
}
# The county's fields that `load_counties` sets: an import leaves them as they are here.
COUNTY_IDENTITY = {"name", "slug"}
CHUNK = 1024 * 1024

_portable: dict[str, type[models.Model]] = {}
# Declared models whose rows every county is created with (`krat.services.county_create`).
_defaults: dict[str, type[models.Model]] = {}


def register(*models_: type[models.Model]) -> None:
    """Declare models whose rows belong to a county and travel in its archive, history included.

    Called from an `AppConfig.ready()`; a model that reaches no county cannot be declared,
    since import could not check whose rows it holds.
    """
    for model in models_:
        if is_historical(model) or county_path(model) is None:
            raise ImproperlyConfigured(
                f"{model._meta.label} reaches no county: it cannot travel in an archive."
            )
        _portable[model._meta.label_lower] = model


def register_reference(model: type[models.Model], *, field: str) -> None:
    """Declare a shared list (the same rows in every installation): a link to one of its rows
    travels as the row's value of `field`, a unique field, and import only looks it up."""
    if not model_field(model, field).unique:
        raise ImproperlyConfigured(f"{model._meta.label}.{field} must be unique to name a reference row.")
    REFERENCE_MODELS[model] = field


def register_defaults(*models_: type[models.Model]) -> None:
    """Declare models (already `register`ed) whose rows each county is created with, by the
    app's `AppConfig.county_created`: an import replaces the county's own by the archive's."""
    for model in models_:
        if _portable.get(model._meta.label_lower) is not model:
            raise ImproperlyConfigured(f"{model._meta.label} must be registered before its defaults.")
        _defaults[model._meta.label_lower] = model


def _is_default(model: type[models.Model]) -> bool:
    """Whether `model` (or the record model of a history model) holds a county's defaults."""
    record = _record_model(model)
    return _defaults.get(record._meta.label_lower) is record


def _record_model(model: type[models.Model]) -> type[models.Model]:
    """The model whose records a history model keeps, or `model` itself."""
    if is_historical(model):
        # simple-history sets instance_type on each history model; it ships no types.
        return model.instance_type  # type: ignore[attr-defined]
    return model


def _target(field: models.Field) -> type[models.Model]:
    """The model a link points to (Django resolves it when the apps load)."""
    target = field.related_model
    if target is None or isinstance(target, str):
        raise ImproperlyConfigured(f"{field} links to no model")
    return target


def is_historical(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def _forward_fks(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def county_path(model: type[models.Model]) -> str | None:
    """The ORM lookup from `model` to its County ("" for County itself), or None.

    Breadth-first over forward foreign keys; required links are preferred to optional ones,
    so a decision belongs to its meeting's county rather than to a person's.
    """
    if model is County:
        return ""
    for allow_null in (False, True):
        seen = {model}
        queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
        while queue:
            current, path = queue.popleft()
            for field in _forward_fks(current):
                if field.null and not allow_null:
                    continue
                target = _target(field)
                lookup = f"{path}__{field.name}" if path else field.name
                if target is County:
                    return lookup
                if target in seen or is_historical(target):
                    continue
                seen.add(target)
                queue.append((target, lookup))
    return None


def _owner_field(model: type[models.Model]) -> str:
    """The first link on the way to the county: a row whose owner is empty belongs to none."""
    path = county_path(model)
    assert path is not None  # register() refused a model that reaches no county
    return path.split("__")[0]


def county_models() -> list[type[models.Model]]:
    """Every declared model whose rows belong to a county, in dependency order."""
    return _dependency_order(list(_portable.values()))


def _archive_models() -> dict[str, type[models.Model]]:
    """Every model an archive may hold rows of, by label: the declared ones and their history."""
    allowed = {}
    for model in county_models():
        allowed[model._meta.label_lower] = model
        if historical := history_model(model):
            allowed[historical._meta.label_lower] = historical
    return allowed


def _dependency_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    ordered: list[type[models.Model]] = []
    pending = list(found)
    while pending:
        for model in pending:
            needs = {
                f.related_model
                for f in _forward_fks(model)
                if f.related_model in found and f.related_model is not model
            }
            if needs <= set(ordered):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle: the database checks foreign keys at commit, so any order loads
            ordered.extend(pending)
            break
    return ordered


def county_rows(model: type[models.Model], county: County) -> models.QuerySet:
    path = county_path(model)
    assert path is not None  # register() refused a model that reaches no county
    lookup = "pk" if path == "" else path
    return model._default_manager.filter(**{lookup: county.pk}).order_by("pk")


def _travels(model: type[models.Model]) -> bool:
    return model in REFERENCE_MODELS or model._meta.label_lower in _portable


def portable_fields(model: type[models.Model]) -> dict[str, models.Field]:
    """The fields an archive row of `model` carries, by name: every serialised field but the
    primary key, and only those links whose target travels or is reference data (a county's
    people hold no groups or permissions: the application grants nothing through them)."""
    # Field.serialize is Django's (False for a parent link); the stubs leave it out.
    found = {f.name: f for f in model._meta.concrete_fields if f.serialize}  # type: ignore[attr-defined]
    for f in model._meta.many_to_many:
        through = f.remote_field.through
        if through is not None and not isinstance(through, str) and through._meta.auto_created:
            found[f.name] = f
    return {name: f for name, f in found.items() if not f.is_relation or _travels(_target(f))}


def _file_names(model: type[models.Model], queryset) -> set[str]:
    names: set[str] = set()
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for field in fields:
        names.update(n for n in queryset.values_list(field, flat=True) if n)
    return names


# --- export ------------------------------------------------------------------------------------


def _kept_rows(exported: list[type[models.Model]], county: County) -> dict[type[models.Model], set]:
    """The keys of the rows that travel, per model.

    A row travels when it belongs to the county and each of its required links reaches a
    row that travels too; a download by a national observer, say, stays behind, since the
    observer is no person of the county. Repeated until nothing more drops out.
    """
    kept: dict[type[models.Model], set] = {County: {county.pk}}
    links: dict[type[models.Model], tuple[list[models.Field], list[tuple[Any, ...]]]] = {}
    for model in exported:
        if model is County:
            continue
        required = [f for f in _forward_fks(model) if not f.null and _travels(_target(f))]
        required = [f for f in required if _target(f) not in REFERENCE_MODELS or _target(f) is County]
        rows = list(county_rows(model, county).values_list("pk", *[f.attname for f in required]))
        kept[model] = {row[0] for row in rows}
        links[model] = (required, rows)
    changed = True
    while changed:
        changed = False
        for model, (required, rows) in links.items():
            for pk, *values in rows:
                if pk in kept[model] and any(
                    value not in kept.get(_target(f), ()) for f, value in zip(required, values, strict=True)
                ):
                    kept[model].discard(pk)
                    changed = True
    return kept


class _Naturals:
    """Turns the keys of reference rows into the unique value that names them everywhere."""

    def __init__(self, county: County):
        self.county = county
        self._names: dict[type[models.Model], dict] = {}

    def natural(self, model: type[models.Model], pk) -> dict | None:
        if model is County:
            return {"slug": self.county.slug} if pk == self.county.pk else None
        field = REFERENCE_MODELS[model]
        if model not in self._names:
            self._names[model] = dict(model._default_manager.values_list("pk", field))
        # A history row may name a reference row deleted since: the link is left empty.
        return {field: self._names[model][pk]} if pk in self._names[model] else None


def _export_link(field: models.Field, value, kept, naturals: _Naturals):
    """A link as the archive writes it: a key of a travelling row, a reference's natural
    value, or nothing when it points at a record that does not travel with the county."""
    target = field.related_model
    if field.many_to_many:
        converted = [_export_link_one(target, v, kept, naturals) for v in value]
        return [v for v in converted if v is not None]
    return _export_link_one(target, value, kept, naturals)


def _export_link_one(target, value, kept, naturals: _Naturals):
    if value is None:
        return None
    if target in REFERENCE_MODELS:
        return naturals.natural(target, value)
    return value if value in kept.get(target, ()) else None


def _portable_rows(model, queryset, kept, naturals: _Naturals) -> list[dict]:
    rows = serializers.serialize("python", queryset)
    fields = portable_fields(model)
    for row in rows:
        row.pop("model", None)
        values = row["fields"]
        for name in list(values):
            if name not in fields:
                del values[name]
            elif fields[name].is_relation:
                values[name] = _export_link(fields[name], values[name], kept, naturals)
        if model is County:
            row["pk"] = naturals.natural(County, row["pk"])
        elif is_historical(model) and model.instance_type is County:
            values["id"] = naturals.natural(County, values["id"])
    return rows


@dataclass
class CountyData:
    """A county's rows as portable dicts, by model label, the names of its files, and how many
    rows of each model stayed behind because they need a record outside the county."""

    rows: dict[str, list[dict]]
    files: set[str]
    left_out: dict[str, int]


def county_data(county: County) -> CountyData:
    """Collect the county's rows (and their history) in load order."""
    exported = county_models()
    kept = _kept_rows(exported, county)
    naturals = _Naturals(county)
    data = CountyData(rows={}, files=set(), left_out={})
    for model in exported:
        queryset = county_rows(model, county)
        dropped = set(queryset.values_list("pk", flat=True)) - kept[model]
        if dropped:
            queryset = queryset.exclude(pk__in=dropped)
            data.left_out[model._meta.label_lower] = len(dropped)
        data.rows[model._meta.label_lower] = _portable_rows(model, queryset, kept, naturals)
        data.files |= _file_names(model, queryset)
        if historical := history_model(model):
            past = historical._default_manager.filter(id__in=queryset.values("pk")).order_by("history_id")
            data.rows[historical._meta.label_lower] = _portable_rows(historical, past, kept, naturals)
            data.files |= _file_names(historical, past)
    return data


@dataclass(frozen=True)
class Exported:
    """What `export_county` wrote: rows per model, and rows left behind per model."""

    rows: dict[str, int]
    left_out: dict[str, int]


def export_county(county: County, target) -> Exported:
    """Write the county's archive to `target` (a path or a binary file)."""
    data = county_data(county)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "county": county.slug,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "models": list(data.rows),
        "files": {},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for label, rows in data.rows.items():
            archive.writestr(f"data/{label}.json", json.dumps(rows, cls=_Encoder, ensure_ascii=False))
        for name in sorted(data.files):
            if not default_storage.exists(name):
                continue
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as source, archive.open(f"media/{name}", "w") as member:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    member.write(chunk)
            manifest["files"][name] = digest.hexdigest()
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return Exported(rows={label: len(rows) for label, rows in data.rows.items()}, left_out=data.left_out)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# --- import: reading the zip -------------------------------------------------------------------


class ImportRefused(ValidationError):
    """An archive that import_county does not load; the message says why."""


def _refuse(message, code: str, **params) -> ImportRefused:
    return ImportRefused(message, code=code, params=params)


def _shown(value) -> str:
    """A value of the archive, cut short enough to quote in a message."""
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def _is_safe_path(name: str) -> bool:
    """A relative path in its one normal spelling that stays inside the folder it is put in."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if posixpath.normpath(name) != name or ":" in name.split("/")[0]:
        return False
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation:
        return False
    return True


# What a damaged or hostile zip member raises while it is read.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    OSError,
    ValueError,
)


class _Archive:
    """The zip, read as hostile input.

    The entry count and the sizes the zip declares are checked before any member is read;
    the bytes are counted again while they are read, so a member that expands past what its
    header says, or past the cap, is refused however its header lies.
    """

    def __init__(self, archive: zipfile.ZipFile):
        self.zip = archive
        self.limit = settings.KRAT_ARCHIVE_MAX_BYTES
        self.used = 0
        entries = archive.infolist()
        if len(entries) > settings.KRAT_ARCHIVE_MAX_ENTRIES:
            raise _refuse(
                _("The archive holds %(count)s entries; at most %(limit)s are accepted."),
                "too_many_entries",
                count=len(entries),
                limit=settings.KRAT_ARCHIVE_MAX_ENTRIES,
            )
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in entries:
            self._check_entry(info)
            self.members[info.filename] = info
        if sum(info.file_size for info in entries) > self.limit:
            raise self._too_large()

    def _check_entry(self, info: zipfile.ZipInfo) -> None:
        name = info.filename
        if info.is_dir():
            raise _refuse(
                _("The archive holds an entry that does not belong in it: “%(name)s”."),
                "unexpected_entry",
                name=_shown(name),
            )
        if not _is_safe_path(name):
            raise _refuse(
                _("The archive holds an entry with an unsafe name: “%(name)s”."),
                "unsafe_name",
                name=_shown(name),
            )
        mode = info.external_attr >> 16  # the Unix file type, when the zip was made on Unix
        if stat.S_ISLNK(mode):
            raise _refuse(_("The archive holds a symbolic link: “%(name)s”."), "symlink", name=_shown(name))
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # a device, a pipe: nothing an export writes
            raise _refuse(
                _("The archive holds an entry that does not belong in it: “%(name)s”."),
                "unexpected_entry",
                name=_shown(name),
            )
        if name in self.members:
            raise _refuse(
                _("The archive holds the entry “%(name)s” twice."), "duplicate_entry", name=_shown(name)
            )
        if info.flag_bits & 0x1:  # encrypted: nothing of ours is
            raise self._damaged(name)

    def _too_large(self) -> ImportRefused:
        return _refuse(
            _("The archive unpacks to more than %(limit)s bytes; at most that is accepted."),
            "too_large",
            limit=self.limit,
        )

    @staticmethod
    def _damaged(name: str) -> ImportRefused:
        return _refuse(_("The archive is damaged: “%(name)s” cannot be read."), "damaged", name=_shown(name))

    def require(self, name: str) -> zipfile.ZipInfo:
        if name not in self.members:
            raise _refuse(_("The archive lacks the entry “%(name)s”."), "missing_entry", name=_shown(name))
        return self.members[name]

    def chunks(self, name: str) -> Iterator[bytes]:
        info = self.require(name)
        read = 0
        try:
            with self.zip.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    read += len(chunk)
                    self.used += len(chunk)
                    # CPython's zipfile stops at the declared size itself; counted here all the same.
                    if read > info.file_size:
                        raise _refuse(
                            _(
                                "The entry “%(name)s” holds more than its header says; the archive was refused."
                            ),
                            "size_mismatch",
                            name=_shown(name),
                        )
                    if self.used > self.limit:
                        raise self._too_large()
                    yield chunk
        except _DAMAGED as error:
            raise self._damaged(name) from error

    def json(self, name: str):
        content = b"".join(self.chunks(name))
        try:
            return json.loads(content)
        except (ValueError, RecursionError) as error:
            raise self._damaged(name) from error


# --- import: checking the rows -----------------------------------------------------------------


@dataclass
class _Table:
    model: type[models.Model]
    rows: list[dict]


@dataclass
class _Plan:
    """What an archive would write, checked: tables in load order and files with checksums."""

    county: County
    tables: list[_Table]
    files: dict[str, str]


def _check_manifest(reader: _Archive) -> tuple[County, list[str], dict[str, str]]:
    manifest = reader.json("manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise _refuse(_("Unknown archive format %(format)s."), "format", format=_shown(found))
    slug, labels, files = manifest.get("county"), manifest.get("models"), manifest.get("files")
    if (
        not isinstance(slug, str)
        or not isinstance(labels, list)
        or not all(isinstance(label, str) for label in labels)
        or len(set(labels)) != len(labels)
        or not isinstance(files, dict)
        or not all(isinstance(digest, str) for digest in files.values())
    ):
        raise reader._damaged("manifest.json")
    try:
        county = County.objects.get(slug=slug)
    except County.DoesNotExist as missing:
        raise _refuse(
            _("The county “%(slug)s” does not exist here; run `manage.py load_counties` first."),
            "no_county",
            slug=_shown(slug),
        ) from missing
    allowed = _archive_models()
    for label in labels:
        if label not in allowed:
            raise _refuse(
                _("The archive holds rows of “%(model)s”, which is not part of a county's data."),
                "unknown_model",
                model=_shown(label),
            )
    for name in files:
        if not _is_safe_path(name):
            raise _refuse(
                _("The archive names a file with an unsafe name: “%(name)s”."),
                "unsafe_name",
                name=_shown(name),
            )
    expected = (
        {"manifest.json"} | {f"data/{label}.json" for label in labels} | {f"media/{name}" for name in files}
    )
    for name in reader.members:
        if name not in expected:
            raise _refuse(
                _("The archive holds an entry that does not belong in it: “%(name)s”."),
                "unexpected_entry",
                name=_shown(name),
            )
    for name in expected:
        reader.require(name)
    return county, labels, files


class _RowChecker:
    """Checks every row of an archive against the county it is for, and turns its links into
    this installation's keys. Raises ImportRefused at the first row that does not belong."""

    def __init__(self, county: County, tables: dict[str, Any]):
        self.county = county
        self.allowed = _archive_models()
        self.tables = tables
        self.keys: dict[type[models.Model], set] = {}
        self._references: dict[tuple[type[models.Model], str], Any] = {}

    def _invalid(self, model, pk, name) -> ImportRefused:
        return _refuse(
            _("Row %(pk)s of “%(model)s” has an invalid value in “%(field)s”."),
            "invalid_value",
            pk=_shown(pk),
            model=model._meta.label_lower,
            field=_shown(name),
        )

    def _outside(self, model, pk, name) -> ImportRefused:
        return _refuse(
            _(
                "Row %(pk)s of “%(model)s” links through “%(field)s” to a record that is not part of the county “%(county)s”."
            ),
            "outside_county",
            pk=_shown(pk),
            model=model._meta.label_lower,
            field=name,
            county=self.county.slug,
        )

    def check(self) -> list[_Table]:
        checked: dict[type[models.Model], list[dict]] = {}
        for label, rows in self.tables.items():
            model = self.allowed[label]
            if not isinstance(rows, list) or not all(
                isinstance(row, dict) and set(row) == {"pk", "fields"} and isinstance(row["fields"], dict)
                for row in rows
            ):
                raise _refuse(
                    _("The archive's table “%(model)s” is not in the expected form."),
                    "bad_table",
                    model=label,
                )
            checked[model] = rows
        for model, rows in checked.items():
            if model is not County:
                self.keys[model] = self._keys(model, rows)
        for model, rows in checked.items():
            if model is County:
                self._check_county(rows)
                continue
            for row in rows:
                self._check_row(model, row)
        order = []
        for model in county_models():
            for candidate in (model, history_model(model)):
                if candidate in checked:
                    order.append(_Table(model=candidate, rows=checked[candidate]))
        return order

    def _keys(self, model, rows: list[dict]) -> set:
        keys = set()
        for row in rows:
            try:
                if isinstance(row["pk"], bool | dict | list) or row["pk"] is None:
                    raise ValidationError("")
                row["pk"] = model._meta.pk.to_python(row["pk"])
            except ValidationError as error:
                raise self._invalid(model, row["pk"], "pk") from error
            if row["pk"] in keys:
                raise _refuse(
                    _("Row %(pk)s of “%(model)s” appears twice in the archive."),
                    "duplicate_row",
                    pk=row["pk"],
                    model=model._meta.label_lower,
                )
            keys.add(row["pk"])
        return keys

    def _check_county(self, rows: list[dict]) -> None:
        """The one county row is the archive's own county: other counties are reference data."""
        for row in rows:
            if row["pk"] != {"slug": self.county.slug}:
                other = row["pk"].get("slug", row["pk"]) if isinstance(row["pk"], dict) else row["pk"]
                raise _refuse(
                    _("The archive may hold only the county “%(county)s” itself; it also holds “%(other)s”."),
                    "other_county",
                    county=self.county.slug,
                    other=_shown(other),
                )
            fields = portable_fields(County)
            for name in row["fields"]:
                if name not in fields:
                    raise self._foreign_field(County, row["pk"], name)
        if len(rows) > 1:
            raise _refuse(
                _("Row %(pk)s of “%(model)s” appears twice in the archive."),
                "duplicate_row",
                pk=self.county.slug,
                model="krat.county",
            )

    def _foreign_field(self, model, pk, name) -> ImportRefused:
        return _refuse(
            _("Row %(pk)s of “%(model)s” has the field “%(field)s”, which does not travel in an archive."),
            "unknown_field",
            pk=_shown(pk),
            model=model._meta.label_lower,
            field=_shown(name),
        )

    def _check_row(self, model, row: dict) -> None:
        fields = portable_fields(model)
        values = row["fields"]
        for name, value in values.items():
            field = fields.get(name)
            if field is None:
                raise self._foreign_field(model, row["pk"], name)
            if field.many_to_many:
                if not isinstance(value, list):
                    raise self._invalid(model, row["pk"], name)
                values[name] = [self._link(model, row["pk"], field, item, nullable=False) for item in value]
            elif field.is_relation:
                values[name] = self._link(model, row["pk"], field, value, nullable=field.null)
        if is_historical(model):
            self._check_history_of(model, row)
        else:
            owner = _owner_field(model)
            if values.get(owner) is None:
                raise self._outside(model, row["pk"], owner)
        if model is User:
            self._check_person(row)

    def _link(self, model, pk, field: models.Field, value, *, nullable: bool):
        """The local key a link of the archive stands for, or a refusal."""
        if value is None:
            if nullable:
                return None
            raise self._invalid(model, pk, field.name)
        target = _target(field)
        if target is County:
            if value != {"slug": self.county.slug}:
                raise self._outside(model, pk, field.name)
            return self.county.pk
        if target in REFERENCE_MODELS:
            return self._reference(model, pk, field.name, target, value)
        if isinstance(value, bool | dict | list):
            raise self._invalid(model, pk, field.name)
        try:
            key = target._meta.pk.to_python(value)
        except ValidationError as error:
            raise self._invalid(model, pk, field.name) from error
        if key not in self.keys.get(target, ()):
            raise self._outside(model, pk, field.name)
        return key

    def _reference(self, model, pk, name: str, target, value):
        natural = REFERENCE_MODELS[target]
        if not isinstance(value, dict) or set(value) != {natural} or not isinstance(value[natural], str):
            raise self._invalid(model, pk, name)
        cache_key = (target, value[natural])
        if cache_key not in self._references:
            self._references[cache_key] = (
                target._default_manager.filter(**{natural: value[natural]})
                .values_list("pk", flat=True)
                .first()
            )
        if self._references[cache_key] is None:
            raise _refuse(
                _("Row %(pk)s of “%(model)s” names “%(value)s” in “%(field)s”, which does not exist here."),
                "unknown_reference",
                pk=_shown(pk),
                model=model._meta.label_lower,
                value=_shown(value[natural]),
                field=name,
            )
        return self._references[cache_key]

    def _check_history_of(self, model, row: dict) -> None:
        """A history row must be the history of a record the archive brings."""
        record = row["fields"].get("id")
        if model.instance_type is County:
            belongs = record == {"slug": self.county.slug}
            if belongs:
                row["fields"]["id"] = self.county.pk
        else:
            try:
                if isinstance(record, bool | dict | list):
                    raise ValidationError("")
                row["fields"]["id"] = model.instance_type._meta.pk.to_python(record)
            except ValidationError:
                belongs = False
            else:
                belongs = row["fields"]["id"] in self.keys.get(model.instance_type, ())
        if not belongs:
            raise _refuse(
                _("History row %(pk)s of “%(model)s” belongs to a record that is not in the archive."),
                "foreign_history",
                pk=row["pk"],
                model=model._meta.label_lower,
            )

    def _check_person(self, row: dict) -> None:
        """Only people of the county travel: never a superuser, staff or a national observer."""
        values = row["fields"]
        try:
            superuser = User._meta.get_field("is_superuser").to_python(values.get("is_superuser", False))
            staff = User._meta.get_field("is_staff").to_python(values.get("is_staff", False))
        except ValidationError as error:
            raise self._invalid(User, row["pk"], "is_superuser") from error
        if superuser or staff or values.get("role") not in COUNTY_ROLES:
            raise _refuse(
                _(
                    "The person “%(username)s” in the archive is a superuser, staff, a national observer "
                    "or has no role in the county; such accounts are never imported."
                ),
                "person_not_of_county",
                username=_shown(values.get("username", row["pk"])),
            )


def _check_files(plan: _Plan) -> None:
    """Every file a row names is shipped and new here, and every shipped file is named.

    An old name kept only in the history need not be shipped (the file may be gone), but it
    must not name a file that exists here, which would be somebody else's.
    """
    named: set[str] = set()
    for table in plan.tables:
        file_fields = [f.name for f in table.model._meta.concrete_fields if isinstance(f, models.FileField)]
        for row in table.rows:
            for name in file_fields:
                value = row["fields"].get(name)
                if value in (None, ""):
                    continue
                if not _is_safe_path(value):
                    raise _refuse(
                        _("The archive names a file with an unsafe name: “%(name)s”."),
                        "unsafe_name",
                        name=_shown(value),
                    )
                named.add(value)
                if value in plan.files:
                    continue
                if not is_historical(table.model):
                    raise _refuse(
                        _("The file “%(name)s” named by “%(model)s” is not in the archive."),
                        "file_missing",
                        name=_shown(value),
                        model=table.model._meta.label_lower,
                    )
                if default_storage.exists(value):
                    raise _file_exists(value)
    for name in plan.files:
        if name not in named:
            raise _refuse(
                _("The archive holds an entry that does not belong in it: “%(name)s”."),
                "unexpected_entry",
                name=_shown(f"media/{name}"),
            )
        if default_storage.exists(name):
            raise _file_exists(name)


def _file_exists(name: str) -> ImportRefused:
    return _refuse(
        _("The file “%(name)s” already exists here; an import never replaces a file."),
        "file_exists",
        name=_shown(name),
    )


# --- import: writing ---------------------------------------------------------------------------


def import_county(source) -> County:
    """Load an archive written by `export_county` into this database; refuse anything that is
    not the county's own data, or that would mix with data already here. Everything is one
    transaction and files are only created: a refusal or a failure leaves nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, ValueError) as error:
        raise _refuse(
            _("This is not a county archive (a zip file written by export_county)."), "not_an_archive"
        ) from error
    with archive:
        reader = _Archive(archive)
        county, labels, files = _check_manifest(reader)
        tables = {label: reader.json(f"data/{label}.json") for label in labels}
        plan = _Plan(county=county, tables=_RowChecker(county, tables).check(), files=files)
        _refuse_if_taken(county, plan.tables)
        _check_files(plan)
        written = _Written(files=[], folders=[])
        try:
            with transaction.atomic():
                moved = _replace_defaults(plan)
                _write_rows(plan, moved)
                for name in sorted(plan.files):
                    _write_file(reader, name, plan.files[name], written)
        except DatabaseError as error:  # a deferred constraint, checked at commit
            written.remove()
            raise _refuse(
                _("The archive's rows break a rule of the database: %(error)s"),
                "database",
                error=_shown(error),
            ) from error
        except BaseException:
            written.remove()
            raise
    # Rows moved by `QuerySet.update` send no signal: what was kept of them is read afresh.
    generations.changed_everything()
    return county


def _write_rows(plan: _Plan, moved: list[type[models.Model]]) -> None:
    county = plan.county
    if any(t.model is County.history.model for t in plan.tables):
        # The history read from the archive replaces the one `load_counties` began here.
        County.history.model._default_manager.filter(id=county.pk).delete()
    loaded: list[type[models.Model]] = []
    for table in plan.tables:
        if table.model is County:
            _restore_county(county, table.rows)
            continue
        _insert_rows(table)
        loaded.append(table.model)
    _reset_sequences(loaded + [model for model in moved if model not in loaded])


def _refuse_if_taken(county: County, tables: list[_Table]) -> None:
    for table in tables:
        model, label = table.model, table.model._meta.label_lower
        if model is County or _is_default(model):
            continue  # a county's defaults: `_replace_defaults`
        if not is_historical(model) and county_rows(model, county).exists():
            raise _refuse(
                _("The county “%(county)s” already has data here (%(model)s); import needs an empty county."),
                "county_has_data",
                county=county.slug,
                model=label,
            )
        keys = [row["pk"] for row in table.rows]
        rows = model._default_manager.all()
        if model is County.history.model:  # the county's own history here is replaced
            rows = rows.exclude(id=county.pk)
        for start in range(0, len(keys), 500):
            if rows.filter(pk__in=keys[start : start + 500]).exists():
                raise _refuse(
                    _(
                        "Records of %(model)s with the archive's keys already exist here; import into an empty database."
                    ),
                    "keys_taken",
                    model=label,
                )


def _has_data(county: County) -> bool:
    """Whether the county has any row of a declared model but what it was created with."""
    return any(
        county_rows(model, county).exists()
        for model in county_models()
        if model is not County and not _is_default(model)
    )


def _replace_defaults(plan: _Plan) -> list[type[models.Model]]:
    """Make room for the archive's rows of the county's defaults (`register_defaults`): the
    county's own go (with their history); a row of another county that holds a key the
    archive brings moves to a fresh key if that county has no data yet (a new installation,
    after `load_counties`), and the import is refused otherwise. Returns the models moved."""
    county = plan.county
    tables = {table.model: table for table in plan.tables if _is_default(table.model)}
    for model in [m for m in tables if not is_historical(m) and tables[m].rows]:
        own = county_rows(model, county)
        pks = list(own.values_list("pk", flat=True))
        own.delete()
        if history := history_model(model):  # the "created" and the "deleted" rows
            history._default_manager.filter(id__in=pks).delete()
    moved = []
    with_data: dict[int, bool] = {}
    for model, table in tables.items():
        keys = {row["pk"] for row in table.rows}
        taken = list(model._default_manager.filter(pk__in=keys).order_by("pk"))
        if not taken:
            continue
        record = _record_model(model)
        owner = _owner_field(record)
        for row in taken:
            owner_id = getattr(row, f"{owner}_id") if owner else row.pk
            if owner_id not in with_data:  # (the history of a county gone since holds no data)
                owner_county = County.objects.filter(pk=owner_id).first()
                with_data[owner_id] = owner_county is not None and _has_data(owner_county)
            if with_data[owner_id]:
                raise _refuse(
                    _(
                        "Records of %(model)s with the archive's keys already exist here; import into an empty database."
                    ),
                    "keys_taken",
                    model=model._meta.label_lower,
                )
        _move(model, [row.pk for row in taken], above=max(keys))
        moved.append(model)
    return moved


def _move(model: type[models.Model], pks: list, *, above) -> None:
    """Give the rows `pks` of `model` keys past every key it holds and `above`; a record's
    history follows it."""
    manager = model._default_manager
    name = model._meta.pk.attname
    start = max(above, manager.order_by(f"-{name}").values_list(name, flat=True).first() or 0) + 1
    history = None if is_historical(model) else history_model(model)
    for new, old in enumerate(pks, start=start):
        manager.filter(pk=old).update(**{name: new})
        if history is not None:
            history._default_manager.filter(id=old).update(id=new)


def _restore_county(county: County, rows: list[dict]) -> None:
    """The county's own settings; its name and slug stay as `load_counties` made them."""
    values = {}
    for row in rows:
        for name, value in row["fields"].items():
            if name in COUNTY_IDENTITY:
                continue
            field = model_field(County, name)
            try:
                values[field.attname] = field.to_python(value)
            except ValidationError as error:
                raise _refuse(
                    _("Row %(pk)s of “%(model)s” has an invalid value in “%(field)s”."),
                    "invalid_value",
                    pk=county.slug,
                    model="krat.county",
                    field=name,
                ) from error
    if values:
        County.objects.filter(pk=county.pk).update(**values)


def _insert_rows(table: _Table) -> None:
    label = table.model._meta.label_lower
    payload = [{"model": label, "pk": row["pk"], "fields": row["fields"]} for row in table.rows]
    try:
        for obj in serializers.deserialize("python", payload):
            # Inserted, never updated: a key taken since the check fails instead of overwriting.
            # Raw: no signals write history; the archive's history is loaded as is.
            obj.save(force_insert=True)
    except (DeserializationError, ValidationError) as error:
        raise _refuse(
            _("The archive's rows of “%(model)s” cannot be read: %(error)s"),
            "bad_rows",
            model=label,
            error=_shown(error),
        ) from error
    except DatabaseError as error:
        raise _refuse(
            _("The archive's rows of “%(model)s” break a rule of the database: %(error)s"),
            "database",
            model=label,
            error=_shown(error),
        ) from error


def _reset_sequences(loaded: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@dataclass
class _Written:
    """The files and folders an import created, to remove when it fails."""

    files: list[str]
    folders: list[str]

    def remove(self) -> None:
        for name in self.files:
            default_storage.delete(name)
        for folder in sorted(self.folders, key=len, reverse=True):
            # Not empty (somebody else's file arrived meanwhile) or gone: left alone.
            with contextlib.suppress(OSError):
                os.rmdir(default_storage.path(folder))


def _write_file(reader: _Archive, name: str, digest: str, written: _Written) -> None:
    """Copy one file out of the archive, counting and checking it, into a name that is new."""
    with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as buffer:
        found = hashlib.sha256()
        for chunk in reader.chunks(f"media/{name}"):
            found.update(chunk)
            buffer.write(chunk)
        if found.hexdigest() != digest:
            raise _refuse(
                _("The file %(name)s is damaged in the archive."), "file_damaged", name=_shown(name)
            )
        buffer.seek(0)
        written.folders.extend(_new_folders(name))
        # The storage never replaces a file: a name taken since the check is saved under another.
        saved = default_storage.save(name, File(buffer, name=posixpath.basename(name)))
        written.files.append(saved)
        if saved != name:
            raise _file_exists(name)


def _new_folders(name: str) -> list[str]:
    """The folders that saving `name` will create."""
    folders = []
    parent = posixpath.dirname(name)
    while parent:
        try:
            if os.path.isdir(default_storage.path(parent)):
                break
        except NotImplementedError:  # a storage without folders
            return []
        folders.append(parent)
        parent = posixpath.dirname(parent)
    return folders


def canonical_dump(county: County) -> dict[str, list[dict]]:
    """The county's rows in a form that compares equal across installations (tests, checks).

    Keys of reference rows are natural values; the export time is not part of it.
    """
    return county_data(county).rows


def file_checksums(names) -> dict[str, str]:
    sums = {}
    for name in sorted(names):
        with default_storage.open(name, "rb") as handle:
            sums[name] = hashlib.sha256(handle.read()).hexdigest()
    return sums
