"""The readable change history of domain records (django-simple-history underneath).

Each app registers the models whose history people may read, with the way to find a
record's county; `/history/<label>/<pk>/` then shows who changed what and when to the
secretariat and the chair of that county.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from krat.models import County

_registry: dict[str, tuple[type[models.Model], Callable[[models.Model], County]]] = {}


def register(model: type[models.Model], *, county_of: Callable[[models.Model], County]) -> None:
    _registry[model._meta.label_lower] = (model, county_of)


def registered(label: str) -> tuple[type[models.Model], Callable[[models.Model], County]] | None:
    return _registry.get(label)


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    changes: list[FieldChange]
    reason: str


def _display(field: models.Field, value, related_names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return related_names.get((field.name, value), str(value))
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("yes") if value else _("no")
    return str(value)


def record_history(record: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The record's changes, newest first, each with the fields it changed.

    Related names are fetched once per related model, not once per change.
    """
    historical = list(record.history.select_related("history_user").order_by("-history_date")[:limit])
    model = type(record)
    tracked = [f for f in model._meta.concrete_fields if f.name not in {"version"}]
    tracked = [f for f in tracked if hasattr(historical[0], f.attname)] if historical else tracked

    related_ids: dict[models.Field, set] = {}
    for f in tracked:
        if f.is_relation:
            related_ids[f] = {getattr(h, f.attname) for h in historical} - {None}
    related_names = {}
    for f, ids in related_ids.items():
        for obj in f.related_model._default_manager.filter(pk__in=ids):
            related_names[(f.name, obj.pk)] = str(obj)

    entries = []
    for newer, older in zip(historical, [*historical[1:], None], strict=True):
        changes = []
        for f in tracked:
            new = getattr(newer, f.attname)
            old = getattr(older, f.attname) if older is not None else None
            if older is None or new != old:
                if older is None and newer.history_type != "+":
                    continue
                changes.append(
                    FieldChange(
                        field=str(f.verbose_name),
                        old=_display(f, old, related_names) if older is not None else "",
                        new=_display(f, new, related_names),
                    )
                )
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=str(newer.history_user) if newer.history_user else "—",
                kind=newer.get_history_type_display(),
                changes=changes,
                reason=newer.history_change_reason or "",
            )
        )
    return entries
