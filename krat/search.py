"""Matching text the way people type it: case- and diacritic-insensitive (ë = e, ç = c).

Many keyboards in Albania have no ë or ç, so "femijet" must find "fëmijët", and
"FËMIJËT" must find it too. `field__folded__contains=fold(term)` compares both sides
folded: lower-cased, with their diacritics removed.

- PostgreSQL folds with `unaccent(lower(…))` (the `unaccent` extension, created by
  migration `krat.0008`; trusted since PostgreSQL 13, so the database owner may create it).
- SQLite, whose `LOWER()` and `LIKE` fold ASCII only, gets the same function written in
  Python (`krat_fold`), registered on every new connection by `register_sqlite_functions`.

Both remove the combining marks Unicode's canonical decomposition (NFKD) separates from a
letter, which covers ë, ç and the accents of foreign names alike.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, TextField, Transform


def fold(text: str) -> str:
    """`text` lower-cased, without diacritics: "FËMIJËT Ç" → "femijet c"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _sqlite_fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: give SQLite the `krat_fold` SQL function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("krat_fold", 1, _sqlite_fold, deterministic=True)


class Folded(Transform):
    """`field__folded`: the column lower-cased and without diacritics (see the module)."""

    lookup_name = "folded"

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"krat_fold({lhs})", params

    def as_postgresql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"unaccent(lower({lhs}))", params


CharField.register_lookup(Folded)
TextField.register_lookup(Folded)
