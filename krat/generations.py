"""Generations: what KRAT keeps of live figures in Django's cache, keyed so that no write
can leave it stale.

Every model of KRAT's own apps has a *generation* per county (and one for records of no
county of their own): a random token in Django's cache that is replaced whenever a
record of that model is saved or deleted, or its many-to-many links change. A value kept
with `kept()` is stored under the generations of the models it was computed from
(`models`) for the counties it covers: any write to one of those models in one of those
counties gives the next reader a new key, so the old value is never read again (it
expires on its own). Nothing is invalidated by reading SQL, and nothing needs to be.

- **Who bumps.** Django's `post_save`, `post_delete` and `m2m_changed` signals, connected
  for every model of every app in the project's own folder (`connect`), so a service, a
  form, the admin and the shell all bump alike. A record with a `county_id` bumps its
  county's generation, and the county it was read in when a save moves it (`_loaded`);
  others (a victim count, whose county is its report's) and the records other counties'
  pages read (`READ_ACROSS_COUNTIES`: a child's municipality of origin) bump the model's
  generation for every county. Writes that send no signal (`QuerySet.update`,
  `bulk_create`) call `changed()` themselves; `tests/krat/test_generations.py` lists
  every such call in the code and fails on a new one until it is reviewed.
- **When.** At once, and again when the transaction commits: the first makes a reader
  in the same transaction see its own write; the second keeps a reader that read the
  old rows between the two from keeping them under the new generation.
- **Where it is on.** Only where every process shares the cache (`REDIS_URL`), or where
  one process serves and writes (the tests): a generation replaced in one process's
  memory is not seen by another (gunicorn's workers, a command beside `runserver`). `settings.KRAT_GENERATIONS` says which (`enabled()`); when it
  is off, `kept()` computes every time.
- **A cache that is down** (`krat.caching`) costs the computing: a generation that cannot
  be read is a new random one, which no value is kept under.

Values are kept `TIMEOUT` seconds at most, which bounds what a lost bump (a process that
died between its commit and its bump) could leave behind.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from krat import caching

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds a kept value lives at most (see the module docstring).
TIMEOUT = 60 * 60
#: The generation of a model's records that have no county of their own: every county's.
ALL = "*"
#: Replaced by every write of a model, whatever its county: what reads every county reads.
ANY = "any"
_PREFIX = "krat:generation"


@functools.cache
def code() -> str:
    """A digest of the project's own source (every module of its apps): part of every
    key, so that a deployment that changes the code never reads what the old one kept."""
    return caching.source_digest(
        *sorted(
            path
            for config in _own_configs()
            for path in Path(config.path).rglob("*.py")
            if "migrations" not in path.parts
        )
    )


def enabled() -> bool:
    return bool(getattr(settings, "KRAT_GENERATIONS", False))


def _key(model: type[models.Model], county: int | str) -> str:
    return f"{_PREFIX}:{model._meta.label_lower}:{county}"


def _new() -> str:
    return secrets.token_hex(8)


def changed(model: type[models.Model], county: int | None = None) -> None:
    """Record that `model`'s records of `county` (None: of every county) changed: now, and
    again when the current transaction commits (see the module docstring)."""
    _bump((_key(model, ALL if county is None else county), _key(model, ANY)))


def changed_everything() -> None:
    """Record that any record of the project may have changed (a county's archive loaded,
    the demo data): every model's generations are replaced, now and on commit."""
    _bump(tuple(_key(model, scope) for model in own_models() for scope in (ALL, ANY)))


@dataclass(frozen=True)
class _Replace:
    """Replacing the generations under `keys` when a transaction commits: equal for equal
    keys, so that a transaction that saves a thousand rows of one model replaces its
    generations once at its commit (`_bump`)."""

    keys: tuple[str, ...]

    def __call__(self) -> None:
        _replace(self.keys)


def _bump(keys: tuple[str, ...]) -> None:
    if not enabled():  # nothing is kept under them: no write to the cache for each save
        return
    # Now, for every write: a reader later in the same transaction reads its own writes.
    _replace(keys)
    replace = _Replace(keys)
    connection = transaction.get_connection()
    # Once per transaction at its commit: a callback of a rolled-back savepoint is dropped
    # with it, so a later write registers its own.
    if not any(pending == replace for _savepoints, pending, _robust in connection.run_on_commit):
        transaction.on_commit(replace)


def _replace(keys: Sequence[str]) -> None:
    caching.set_many({key: _new() for key in keys}, timeout=None)


def _tokens(keys: list[str]) -> list[str]:
    """The generations under `keys`, each made (atomically: `cache.add`) when missing."""
    found = caching.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        try:
            cache.add(key, _new(), timeout=None)
        except Exception:  # a cache that is down: computed again, see krat.caching
            logger.warning("the cache could not be written", exc_info=True)
    if missing:
        found |= caching.get_many(missing)
    # A generation the cache could not give (down, or the dummy cache) is a new one: no
    # value is kept under it.
    return [found.get(key) or _new() for key in keys]


@dataclass(frozen=True)
class Kept:
    """One value `kept_many` keeps: `compute()`, under `name`, the `repr` of `inputs`
    (everything else it depends on: the periods' ids, versions and dates, the day, the
    language), the project's code (`code()`) and the generations of `models` for
    `counties` and for records of no county (`counties` None: of every county)."""

    name: str
    inputs: Any
    models: Iterable[type[models.Model]]
    counties: Iterable[int] | None
    compute: Callable[[], Any]

    def generations(self) -> list[str]:
        scopes: list[int | str] = [ANY] if self.counties is None else [ALL, *sorted(set(self.counties))]
        return sorted({_key(model, scope) for model in self.models for scope in scopes})


def kept_many(wanted: Sequence[Kept]) -> list[Any]:
    """Each `Kept`'s value, in order: found in Django's cache, or computed and kept for
    `TIMEOUT` seconds. Two reads of the cache for all of them (their generations, then
    their values) and one write for those computed; computed every time when generations
    are off (`enabled()`)."""
    if not enabled():
        return [one.compute() for one in wanted]
    names = [one.generations() for one in wanted]
    tokens = dict(
        zip(all_names := sorted({n for group in names for n in group}), _tokens(all_names), strict=True)
    )
    keys = [
        f"krat:kept:{one.name}:"
        + hashlib.sha256(
            repr((one.name, one.inputs, code(), [tokens[n] for n in group])).encode()
        ).hexdigest()
        for one, group in zip(wanted, names, strict=True)
    ]
    found = caching.get_many(keys)
    computed = {key: one.compute() for one, key in zip(wanted, keys, strict=True) if key not in found}
    if computed:
        caching.set_many(computed, timeout=TIMEOUT)
    return [found[key] if key in found else computed[key] for key in keys]


def kept(
    name: str,
    inputs: Any,
    *,
    models: Iterable[type[models.Model]],
    counties: Iterable[int] | None,
    compute: Callable[[], T],
) -> T:
    """One `Kept`'s value (`kept_many`)."""
    value: T = kept_many([Kept(name, inputs, tuple(models), counties, compute)])[0]
    return value


# --- The signals ---------------------------------------------------------------------------------


#: Models whose records other counties' pages read (a child's municipality of origin is
#: any municipality of the country): a write to one replaces every county's generation.
READ_ACROSS_COUNTIES = frozenset({"krat.municipality", "krat.institution"})
#: Where a record's county was when it was read (`_loaded`): a save that moves it to
#: another county is a change in both.
_LOADED = "_generation_county"
#: A county not read with the record (a deferred field): every county's, then.
_UNKNOWN = object()


def _county(instance: models.Model) -> int | None:
    """The record's county (None: of every county)."""
    if instance._meta.label_lower in READ_ACROSS_COUNTIES:
        return None
    if instance._meta.label_lower == "krat.county":
        return instance.pk if isinstance(instance.pk, int) else None
    county = instance.__dict__.get("county_id", _UNKNOWN)  # a deferred field is not loaded for this
    return county if isinstance(county, int) else None


@functools.cache  # asked on every save: the fields of a model do not change
def _has_county(model: type[models.Model]) -> bool:
    return any(field.attname == "county_id" for field in model._meta.concrete_fields)


def _loaded(sender: type[models.Model], instance: models.Model, **_kwargs: Any) -> None:
    instance.__dict__[_LOADED] = instance.__dict__.get("county_id", _UNKNOWN)


def _saved(sender: type[models.Model], instance: models.Model, **_kwargs: Any) -> None:
    county = _county(instance)
    changed(sender, county)
    was = instance.__dict__.get(_LOADED, county)
    if was is _UNKNOWN or (was != county and county is not None):
        changed(sender, was if isinstance(was, int) else None)  # moved from another county
    if _has_county(sender):
        instance.__dict__[_LOADED] = instance.__dict__.get("county_id", _UNKNOWN)


def _linked(
    sender: type[models.Model], instance: models.Model, action: str, model: type[models.Model], **_kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    changed(type(instance), _county(instance))
    changed(sender)  # the links themselves
    changed(model)  # the records on the other side, for every county


def _own_configs() -> list[AppConfig]:
    """The apps whose package is in the project's own folder (not Django's nor the
    libraries')."""
    root = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).resolve().parent == root]


def own_models() -> list[type[models.Model]]:
    """Every model of the apps whose package is in the project's own folder, their
    many-to-many links included (not Django's nor the libraries'). Not simple-history's
    tables: they change with their records, and nothing kept is computed from them."""
    return [
        model
        for config in _own_configs()
        for model in config.get_models(include_auto_created=True)
        if not hasattr(model, "instance_type")  # simple-history's historical models
    ]


def connect() -> None:
    """Bump generations on every save, delete and link of the project's own models."""
    for model in own_models():
        uid = f"krat_generation_{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}_save", weak=False)
        post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}_delete", weak=False)
        if _has_county(model):  # where its county was when read: a move changes both
            post_init.connect(_loaded, sender=model, dispatch_uid=f"{uid}_init", weak=False)
        # Sent with the link table as sender, auto-created or not (its rows are bulk-created).
        m2m_changed.connect(_linked, sender=model, dispatch_uid=f"{uid}_links", weak=False)
