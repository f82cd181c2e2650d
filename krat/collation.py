"""Albanian alphabetical order: a b c ç d dh e ë f g gj … x xh y z zh, as ICU/CLDR's `sq`
collation defines it, case-insensitive first (upper and lower case differ only as the last
tie-break), with "Drejtoria e Kujdesit" before "Drejtoria Vendore".

`order_by(albanian("name"))` (and `ordering = [albanian("name")]`) sorts a query this way
on both databases; `sort_key(text)` sorts the same way in Python.

- PostgreSQL: `COLLATE "sq-x-icu"`, the ICU collation PostgreSQL imports when it is built
  with ICU; migration `krat.0013` creates it where it is missing.
- SQLite: `COLLATE krat_sq`, a collation registered on every new connection by
  `register_sqlite_collation`, comparing with ICU's own `sq` collator (PyICU, from the
  `pyicu-wheels` package, which bundles ICU).

Both break ICU's ties as PostgreSQL's deterministic collations do: by code points.
"""

from __future__ import annotations

import threading
from typing import Any

import icu
from django.db.models import Expression, F, Func, TextField

POSTGRESQL_COLLATION = "sq-x-icu"
SQLITE_COLLATION = "krat_sq"

_local = threading.local()


def _collator() -> icu.Collator:
    """This thread's `sq` collator (an ICU collator is not shared across threads)."""
    collator = getattr(_local, "collator", None)
    if collator is None:
        collator = _local.collator = icu.Collator.createInstance(icu.Locale("sq"))
    return collator


def compare(first: str, second: str) -> int:
    """-1, 0 or 1 as `first` comes before, with or after `second` in Albanian order."""
    found = _collator().compare(first, second)
    if found == 0:
        found = (first > second) - (first < second)
    return found


def sort_key(text: str | None) -> tuple[bytes, str]:
    """`sorted(names, key=sort_key)` gives the same order as `order_by(albanian(…))`."""
    text = text or ""
    return _collator().getSortKey(text), text


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: give SQLite the `krat_sq` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


class albanian(Func):
    """`expression COLLATE <Albanian>`: the column in Albanian alphabetical order.

    Use it in `order_by()` and `Meta.ordering`, with `.desc()` for the reverse.
    """

    output_field = TextField()

    def __init__(self, expression: str | Expression | F, **extra: Any) -> None:
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"%(expressions)s COLLATE {SQLITE_COLLATION}", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=f'%(expressions)s COLLATE "{POSTGRESQL_COLLATION}"',
            **extra_context,
        )
