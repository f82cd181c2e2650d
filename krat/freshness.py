"""Pages built from many tables are kept, once built, until the data changes.

The period report reads every app's tables; nothing in it changes between two views
unless somebody wrote something. `fresh(parts, build)` returns what `build()` gave for
the same `parts` while no write has happened since, and builds again otherwise.

How a write is noticed: every SQL statement Django sends goes through
`notice_writes` (installed on each database connection). An `INSERT`, `UPDATE`,
`DELETE` or `TRUNCATE` on any table but the bookkeeping ones (`IGNORED_TABLES`:
sessions, login throttling, second factors, the download log, API token use) counts
as a change, however it was made: a form, an import, a bulk update or raw SQL. When
the transaction that made it commits (at once in autocommit), the *data stamp* — a
random token in the `stamps` cache, which every worker process of the server shares
(files on disk by default) — is replaced, so every process builds afresh.

Why this never keeps old figures: what is kept lives in each process's `default`
cache under the stamp read before building. A page built while another transaction
was still writing is kept under the old stamp, which that transaction replaces on
commit. A transaction that has written and not yet committed keeps nothing (its rows
may still be rolled back); it builds every time. The only window is the instant
between another process's commit and its replacing the stamp, during which the
figures just before that commit may still be served.

The key holds the stamp, the active language, today's date (overdue states change at
midnight) and the caller's `parts`, which must name everything else the result
depends on (the period, whether small numbers are hidden, ...). Writes made outside
Django (psql by hand) are not noticed until the next write through it or a restart.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import secrets
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.dispatch import receiver
from django.utils import timezone, translation

T = TypeVar("T")

STAMP_KEY = "krat.data-stamp"
KEEP_SECONDS = 6 * 60 * 60
#: Tables whose writes are bookkeeping, not data any kept page shows.
IGNORED_TABLES = (
    "django_session",
    "axes_",
    "otp_",
    "krat_downloadlog",
    "krat_apitoken",
    "krat_recoverycode",  # and krat_recoverycodedevice: second factors
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?([\w.]+)', re.IGNORECASE
)


def is_data_write(sql: str) -> bool:
    """Whether `sql` writes a table whose rows a kept page may show."""
    found = _WRITE.match(sql)
    return bool(found) and not found.group(1).lower().startswith(IGNORED_TABLES)


def data_stamp() -> str:
    """The shared token that changes after every committed write (created on first use)."""
    stamp = caches["stamps"].get(STAMP_KEY)
    return stamp if stamp is not None else _new_stamp()


def _new_stamp() -> str:
    stamp = secrets.token_hex(8)
    caches["stamps"].set(STAMP_KEY, stamp, timeout=None)
    return stamp


def _has_uncommitted_writes(connection) -> bool:
    return connection.in_atomic_block and any(func is _new_stamp for _s, func, _r in connection.run_on_commit)


def notice_writes(execute, sql, params, many, context):
    """A Django execute wrapper: runs the statement; a data write replaces the stamp on commit."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    if is_data_write(sql) and not _has_uncommitted_writes(connection):
        # robust: a stamp store that fails is logged and never turns a committed save into an
        # error page (the system check krat.E001 fails `check` and `migrate` on such a store).
        transaction.on_commit(_new_stamp, using=connection.alias, robust=True)
    return result


@receiver(connection_created)
def _install(sender, connection, **kwargs) -> None:
    if notice_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(notice_writes)


def install() -> None:
    """Watch the connections already open (new ones are watched as they open)."""
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def kept(name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a read whose result depends only on its arguments and the data: it is
    kept until the next write. A model instance argument counts by its primary key
    (its other fields are data too, so a change to them replaces the stamp)."""

    def decorate(read: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(read)
        def keeping(*args, **kwargs) -> T:
            parts = [name, *map(key_part, args)]
            parts += [f"{key}={key_part(value)}" for key, value in sorted(kwargs.items())]
            return fresh(parts, lambda: read(*args, **kwargs))

        keeping.uncached = read
        return keeping

    return decorate


def key_part(value) -> str:
    """How a value names what a kept result depends on."""
    if isinstance(value, Model):
        return f"{value._meta.label}#{value.pk}"
    if value is None or isinstance(value, bool | int | str | datetime.date):
        return repr(value)
    raise TypeError(f"{type(value).__name__} cannot be part of a kept read's key")


def fresh(parts: Iterable[Hashable], build: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """What `build()` returned for `parts`, kept until the next committed write."""
    if _has_uncommitted_writes(connections[using]):
        return build()
    named = "\x1f".join(
        str(part) for part in (data_stamp(), translation.get_language(), timezone.localdate(), *parts)
    )
    # Parts may carry a query string: the key is its digest, short and safe for any cache.
    key = "krat.fresh:" + hashlib.sha256(named.encode()).hexdigest()
    kept = caches["default"]
    value = kept.get(key)
    if value is None:
        value = build()
        kept.set(key, value, timeout=KEEP_SECONDS)
    return value
