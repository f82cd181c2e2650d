"""Move one county's complete data between installations: `export_county` / `import_county`.

A county's data is every row of every model that reaches `County` through a chain of
foreign keys (found from `apps.get_models()`, so a new model is never forgotten), the
change history of those rows, and the files their file fields name. The archive is a
zip of JSON (Django's "python" serialisation, one file per model) and the media files.

Shared reference rows are not copied but matched by a natural field on import: the
county itself and the municipalities by name/slug (they come from `load_counties`), content
types, permissions and groups by their natural keys, target groups by their code.

People are exported with their password hashes and two-factor devices: they are needed for
the people to sign in after a restore. Treat the archive like the database itself.

Primary keys are kept, so links, the history and the download log keep pointing at the
same records; import therefore needs a database where the county has no data yet and none
of the archive's keys is taken (after `migrate` and `load_counties`), and it refuses otherwise.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from collections import deque
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from simple_history.models import HistoricalChanges

from krat.models import County, Municipality

FORMAT = 1
# Rows that `load_counties` creates in every installation: matched, never inserted.
REFERENCE_MODELS: dict[type[models.Model], str] = {County: "slug", Municipality: "name"}
# Models that reach a county but are deliberately left out, with the reason.
NOT_EXPORTED: dict[str, str] = {
    "admin.logentry": "The Django admin's own log names records by their text; the history keeps the changes.",
}


def is_historical(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges)


def _forward_fks(model: type[models.Model]) -> list[models.ForeignKey]:
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
                target = field.related_model
                lookup = f"{path}__{field.name}" if path else field.name
                if target is County:
                    return lookup
                if target in seen or is_historical(target):
                    continue
                seen.add(target)
                queue.append((target, lookup))
    return None


def county_models() -> list[type[models.Model]]:
    """Every non-historical model whose rows belong to a county, in dependency order."""
    found = [
        m
        for m in apps.get_models()
        if not is_historical(m)
        and not m._meta.proxy
        and m._meta.label_lower not in NOT_EXPORTED
        and county_path(m) is not None
    ]
    return _dependency_order(found)


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
    lookup = "pk" if path == "" else path
    return model._default_manager.filter(**{lookup: county.pk}).order_by("pk")


# --- turning rows into portable dicts ----------------------------------------------------------


class _References:
    """Translates keys of shared reference rows into natural values and back."""

    def __init__(self, exported: set[type[models.Model]]):
        self.exported = exported
        self._cache: dict[tuple[type[models.Model], object], object] = {}

    @staticmethod
    def _unique_field(model: type[models.Model]) -> str | None:
        if model in REFERENCE_MODELS:
            return REFERENCE_MODELS[model]
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                return field.name
        return None

    def is_reference(self, model: type[models.Model]) -> bool:
        return model in REFERENCE_MODELS or model not in self.exported

    def to_natural(self, model: type[models.Model], pk):
        if pk is None or not self.is_reference(model):
            return pk
        key = (model, pk)
        if key not in self._cache:
            obj = model._default_manager.get(pk=pk)
            if hasattr(obj, "natural_key") and hasattr(model._default_manager, "get_by_natural_key"):
                self._cache[key] = {"natural": list(obj.natural_key())}
            elif name := self._unique_field(model):
                self._cache[key] = {name: getattr(obj, name)}
            else:
                self._cache[key] = {"pk": pk}
        return self._cache[key]

    def to_pk(self, model: type[models.Model], value):
        if value is None or not isinstance(value, dict):
            return value
        if "natural" in value:
            return model._default_manager.get_by_natural_key(*value["natural"]).pk
        return model._default_manager.get(**value).pk


def _relation_targets(model: type[models.Model]) -> dict[str, tuple[type[models.Model], bool]]:
    """Field name → (related model, is many-to-many) for the serialised relations."""
    targets = {f.name: (f.related_model, False) for f in _forward_fks(model)}
    for f in model._meta.many_to_many:
        if f.remote_field.through._meta.auto_created:
            targets[f.name] = (f.related_model, True)
    return targets


def _portable(model: type[models.Model], queryset, refs: _References) -> list[dict]:
    rows = serializers.serialize("python", queryset)
    targets = _relation_targets(model)
    for row in rows:
        for name, (target, many) in targets.items():
            if name not in row["fields"]:
                continue
            value = row["fields"][name]
            row["fields"][name] = (
                [refs.to_natural(target, v) for v in value] if many else refs.to_natural(target, value)
            )
        if model in REFERENCE_MODELS:
            row["pk"] = refs.to_natural(model, row["pk"])
        elif is_historical(model) and model.instance_type in REFERENCE_MODELS:
            row["fields"]["id"] = refs.to_natural(model.instance_type, row["fields"]["id"])
        row.pop("model", None)
    return rows


def _drop_outside_links(model, rows: list[dict], kept: dict[type[models.Model], set]) -> None:
    """An optional link to a record outside the county (a superuser who approved minutes)
    is left empty: that record does not travel with the county."""
    for field in _forward_fks(model):
        target = field.related_model
        if not field.null or target not in kept or target is model:
            continue
        for row in rows:
            value = row["fields"].get(field.name)
            if value is not None and value not in kept[target]:
                row["fields"][field.name] = None


def _file_names(model: type[models.Model], queryset) -> set[str]:
    names: set[str] = set()
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    for field in fields:
        names.update(n for n in queryset.values_list(field, flat=True) if n)
    return names


@dataclass
class CountyData:
    """A county's rows as portable dicts, by model label, and the names of its files."""

    rows: dict[str, list[dict]]
    files: set[str]


def county_data(county: County) -> CountyData:
    """Collect the county's rows (and their history) in load order."""
    exported = county_models()
    refs = _References(set(exported))
    rows: dict[str, list[dict]] = {}
    files: set[str] = set()
    kept: dict[type[models.Model], set] = {}
    for model in exported:
        queryset = county_rows(model, county)
        rows[model._meta.label_lower] = _portable(model, queryset, refs)
        if model not in REFERENCE_MODELS:
            kept[model] = {row["pk"] for row in rows[model._meta.label_lower]}
            _drop_outside_links(model, rows[model._meta.label_lower], kept)
        files |= _file_names(model, queryset)
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            historical = getattr(model, manager).model
            past = historical._default_manager.filter(id__in=queryset.values("pk")).order_by("history_id")
            rows[historical._meta.label_lower] = _portable(historical, past, refs)
            files |= _file_names(historical, past)
    return CountyData(rows=rows, files=files)


# --- the archive -------------------------------------------------------------------------------


def export_county(county: County, target) -> dict[str, int]:
    """Write the county's archive to `target` (a path or a binary file); return row counts."""
    data = county_data(county)
    manifest = {
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
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            manifest["files"][name] = hashlib.sha256(content).hexdigest()
            archive.writestr(f"media/{name}", content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return {label: len(rows) for label, rows in data.rows.items()}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ImportRefused(ValidationError):
    pass


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def import_county(source) -> County:
    """Load an archive written by `export_county` into this database; refuse if that would
    mix with existing data. Everything is one transaction: a failure leaves nothing."""
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ImportRefused(
                "Unknown archive format %(format)s.", params={"format": manifest.get("format")}
            )
        try:
            county = County.objects.get(slug=manifest["county"])
        except County.DoesNotExist as missing:
            raise ImportRefused(
                "The county “%(slug)s” does not exist here; run `manage.py load_counties` first.",
                params={"slug": manifest["county"]},
            ) from missing
        tables = {label: json.loads(archive.read(f"data/{label}.json")) for label in manifest["models"]}
        files = {name: archive.read(f"media/{name}") for name in manifest["files"]}
    for name, content in files.items():
        if hashlib.sha256(content).hexdigest() != manifest["files"][name]:
            raise ImportRefused("The file %(name)s is damaged in the archive.", params={"name": name})

    exported = {_model(label) for label in tables if not is_historical(_model(label))}
    refs = _References(exported)
    with transaction.atomic():
        _refuse_if_taken(county, tables)
        loaded: list[type[models.Model]] = []
        for label, rows in tables.items():
            model = _model(label)
            if model in REFERENCE_MODELS:
                _update_reference(model, rows, refs)
                continue
            if is_historical(model) and model.instance_type in REFERENCE_MODELS:
                # The history read from the archive replaces the one `load_counties` began.
                model._default_manager.filter(id=county.pk).delete()
            _load_rows(model, rows, refs)
            loaded.append(model)
        _reset_sequences(loaded)
        for name, content in files.items():
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(content))
    return county


def _refuse_if_taken(county: County, tables: dict[str, list[dict]]) -> None:
    for label, rows in tables.items():
        model = _model(label)
        if model in REFERENCE_MODELS or is_historical(model):
            continue
        if county_rows(model, county).exists():
            raise ImportRefused(
                "The county “%(county)s” already has data here (%(model)s); import needs an empty county.",
                params={"county": county.slug, "model": label},
            )
        taken = model._default_manager.filter(pk__in=[row["pk"] for row in rows])
        if taken.exists():
            raise ImportRefused(
                "Records of %(model)s with the archive's keys already exist here; import into an empty database.",
                params={"model": label},
            )


def _natural_fields(model, row: dict, refs: _References) -> dict:
    fields = dict(row["fields"])
    for name, (target, many) in _relation_targets(model).items():
        if name in fields:
            value = fields[name]
            fields[name] = [refs.to_pk(target, v) for v in value] if many else refs.to_pk(target, value)
    if is_historical(model) and model.instance_type in REFERENCE_MODELS:
        fields["id"] = refs.to_pk(model.instance_type, fields["id"])
    return fields


def _update_reference(model, rows: list[dict], refs: _References) -> None:
    for row in rows:
        pk = refs.to_pk(model, row["pk"])
        fields = _natural_fields(model, row, refs)
        obj = model._default_manager.get(pk=pk)
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if not field.many_to_many:
                setattr(obj, field.attname, field.to_python(value))
        obj.save()


def _load_rows(model, rows: list[dict], refs: _References) -> None:
    label = model._meta.label_lower
    payload = [{"model": label, "pk": row["pk"], "fields": _natural_fields(model, row, refs)} for row in rows]
    for obj in serializers.deserialize("python", payload):
        obj.save()  # raw: no signals write history; the archive's history is loaded as is


def _reset_sequences(loaded: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


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
