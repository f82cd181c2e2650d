"""The readable change history of domain records (django-simple-history underneath).

Each app registers the models whose history people may read, with the way to find a
record's county; `/history/<label>/<pk>/` then shows who changed what and when to the
secretariat and the chair of that county.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

from krat.models import County
from krat.models.base import model_field

M = TypeVar("M", bound=models.Model)
#: Each model's county reader takes a record of that model (None: a record of no county).
CountyOf = Callable[[Any], County | None]

_registry: dict[str, tuple[type[models.Model], CountyOf]] = {}


def register(model: type[M], *, county_of: Callable[[M], County | None]) -> None:
    _registry[model._meta.label_lower] = (model, county_of)


def registered(label: str) -> tuple[type[models.Model], CountyOf] | None:
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


#: Fields no reader needs to see change: the optimistic-locking counter.
NOT_SHOWN = frozenset({"version"})


def record_history(record: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The record's changes, newest first (at most `limit`), each with the fields it changed.

    Each change is simple-history's own `diff_against` of a version with the one before
    (raw primary keys for relations, so no query per change); the related records' names
    are then fetched once per related model. The first version ("created") lists every
    field it was created with.
    """
    # simple-history gives each registered model its `history` manager; it ships no types.
    history = record.history  # type: ignore[attr-defined]
    historical = list(history.select_related("history_user").order_by("-history_date")[:limit])
    model = type(record)
    order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
    # The fields history keeps (a model may exclude some, such as a password hash).
    tracked = (
        [f for f in historical[0].tracked_fields if f.editable and f.name not in NOT_SHOWN]
        if historical
        else []
    )

    deltas: list[list[tuple[models.Field, object, object]]] = []
    for newer, older in zip(historical, [*historical[1:], None], strict=True):
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=NOT_SHOWN)
            changed = [(model_field(model, c.field), c.old, c.new) for c in delta.changes]
            changed.sort(key=lambda change: order.get(change[0].name, len(order)))
        elif newer.history_type == "+":
            changed = [(f, None, getattr(newer, f.attname)) for f in tracked]
        else:  # the oldest version kept is not the creation (history cut at `limit`)
            changed = []
        deltas.append(changed)

    related_ids: dict[models.Field, set[object]] = defaultdict(set)
    for changed in deltas:
        for field, old, new in changed:
            if field.is_relation:
                related_ids[field].update({old, new} - {None})
    related_names = {}
    for field, ids in related_ids.items():
        related_model = field.related_model
        assert related_model is not None and not isinstance(related_model, str)  # resolved at start-up
        for obj in related_model._default_manager.filter(pk__in=ids):
            related_names[(field.name, obj.pk)] = str(obj)

    return [
        HistoryEntry(
            when=newer.history_date,
            who=str(newer.history_user) if newer.history_user else "—",
            kind=newer.get_history_type_display(),
            changes=[
                FieldChange(
                    field=str(field.verbose_name),
                    old=_display(field, old, related_names) if older is not None else "",
                    new=_display(field, new, related_names),
                )
                for field, old, new in changed
            ],
            reason=newer.history_change_reason or "",
        )
        for newer, older, changed in zip(historical, [*historical[1:], None], deltas, strict=True)
    ]
