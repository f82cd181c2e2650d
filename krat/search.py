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

On that match stand:

- `site_search(user, text)`, the navigation's search box: every kind of record an app
  declares (`register_kind`, from its `AppConfig.ready`; the core imports no app), among
  the records the reader may open, ranked, grouped by kind. The rank is the same SQL on both
  databases, so both return the same hits in the same order: each word typed must occur in
  one of the kind's fields; a word found in a field adds that field's weight, the whole
  text typed found in one adds it again, a title that starts with it adds it once more.
  PostgreSQL's full-text search is not used: it has no Albanian dictionary, and its
  `simple` one would only give what this does, on one database of the two.
- `NameMatcher`, for the names an import looks up: as typed (any case) first, else folded
  ("Durres" for "Durrës") when exactly one name folds to the same.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Case, CharField, IntegerField, Q, TextField, Transform, Value, When

from krat.collation import sort_key

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from krat.models import User

T = TypeVar("T")
M = TypeVar("M", bound="Model")

MAX_QUERY_LENGTH = 100
MAX_WORDS = 6
MIN_WORD_LENGTH = 2
EXCERPT_CONTEXT = 70


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


# --- Looking up a name people typed ------------------------------------------------------------


class NameMatcher(Generic[T]):
    """The record a typed name stands for, among `named` (name, record) pairs.

    A name typed as stored (in any case) is that record; else the one record whose names
    fold to the same ("Durres" → "Durrës"). When names of several records fold to the same
    and none was typed as stored, the name stands for none: `get` gives None and
    `ambiguous` lists them, for the message that asks for the name as it is spelt.
    """

    def __init__(self, named: Iterable[tuple[str, T]]):
        self._typed: dict[str, T] = {}
        self._folded: dict[str, list[tuple[str, T]]] = defaultdict(list)
        for name, record in named:
            name = str(name).strip()
            self._typed.setdefault(name.casefold(), record)
            self._folded[fold(name)].append((name, record))

    def matches(self, typed: str) -> list[tuple[str, T]]:
        """(name, record) of each record `typed` may stand for: the one whose name it is (in
        any case), else one per record whose names fold as it does. One is a match, several
        an ambiguity, none a name not known."""
        typed = str(typed).strip()
        if typed.casefold() in self._typed:
            return [(typed, self._typed[typed.casefold()])]
        found: list[tuple[str, T]] = []
        for name, record in self._folded.get(fold(typed), []):
            if not any(record == other for _name, other in found):
                found.append((name, record))
        return found

    def get(self, typed: str, default: T | None = None) -> T | None:
        found = self.matches(typed)
        return found[0][1] if len(found) == 1 else default

    def ambiguous(self, typed: str) -> list[str]:
        """The names `typed` could stand for, when it stands for none of them alone."""
        found = self.matches(typed)
        return sorted((name for name, _record in found), key=sort_key) if len(found) > 1 else []


# --- The navigation's search box -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SearchField:
    """A text field of a kind (`path` may cross a foreign key: "meeting__title")."""

    path: str
    weight: int = 1


@dataclasses.dataclass(frozen=True)
class SearchHit:
    """One record found, as the results page shows it."""

    title: str
    url: str
    context: str = ""  # where it belongs: "Takimi i 25.04.2018", the plan's title…
    date: datetime.date | None = None
    county: str = ""
    excerpt: tuple[str, str, str] | None = None  # before, the match, after


@dataclasses.dataclass(frozen=True)
class SearchKind(Generic[M]):
    """A kind of record the navigation's search finds, declared by its app.

    `readable(user)` gives the records the reader may open (the app's access rule);
    `fields` are searched, the first is the title; `hit(record)` says how to show one
    (its `excerpt` is filled in here); `order` breaks ties of rank, newest first.
    """

    key: str
    title: Any  # a lazy plural: "Meetings"
    readable: Callable[[User], QuerySet[M]]
    fields: tuple[SearchField, ...]
    hit: Callable[[M], SearchHit]
    order: tuple[str, ...] = ("-pk",)
    select_related: tuple[str, ...] = ()
    excerpt_from_title: bool = False  # when the title shown is cut short (a decision's text)


@dataclasses.dataclass(frozen=True)
class SearchGroup:
    kind: SearchKind[Any]
    hits: list[SearchHit]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


@dataclasses.dataclass(frozen=True)
class SearchResults:
    text: str
    words: tuple[str, ...]
    groups: list[SearchGroup]
    too_short: bool = False

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


_kinds: dict[str, SearchKind[Any]] = {}


def register_kind(kind: SearchKind[M]) -> SearchKind[M]:
    """Add (or replace, by key) a kind the navigation's search finds."""
    _kinds[kind.key] = kind
    return kind


def registered_kinds() -> list[SearchKind[Any]]:
    return list(_kinds.values())


def search_words(text: str) -> tuple[str, ...]:
    """The folded words of `text` that a search looks for: at most six, of two letters or more."""
    words = [word for word in fold(text[:MAX_QUERY_LENGTH]).split() if len(word) >= MIN_WORD_LENGTH]
    return tuple(dict.fromkeys(words))[:MAX_WORDS]


def ranked(queryset: QuerySet, fields: Iterable[SearchField], text: str) -> QuerySet:
    """`queryset` narrowed to the records where each word of `text` occurs in one of
    `fields`, with their `search_rank` (see the module); the same SQL on both databases."""
    fields = tuple(fields)
    words = search_words(text)
    if not words:
        return queryset.none()
    phrase = " ".join(words)
    scores = []
    for word in words:
        queryset = queryset.filter(
            functools.reduce(operator.or_, (Q(**{f"{f.path}__folded__contains": word}) for f in fields))
        )
        scores += [_score(Q(**{f"{f.path}__folded__contains": word}), f.weight) for f in fields]
    if len(words) > 1:
        scores += [_score(Q(**{f"{f.path}__folded__contains": phrase}), f.weight) for f in fields]
    title = fields[0]
    scores.append(_score(Q(**{f"{title.path}__folded__startswith": phrase}), title.weight))
    return queryset.annotate(search_rank=functools.reduce(operator.add, scores))


def _score(condition: Q, weight: int) -> Case:
    return Case(When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField())


def excerpt(text: str, words: Iterable[str]) -> tuple[str, str, str] | None:
    """`text` around the first of `words` it holds (folded alike), cut at word boundaries."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for part in fold(char):
            folded.append(part)
            origin.append(index)
    folded_text = "".join(folded)
    found = [(folded_text.find(word), word) for word in words]
    found = [(at, word) for at, word in found if at >= 0]
    if not found:
        return None
    at, word = min(found)
    start, end = origin[at], origin[at + len(word) - 1] + 1
    before, after = text[:start], text[end:]
    if len(before) > EXCERPT_CONTEXT:
        before = before[-EXCERPT_CONTEXT:]
        before = "…" + (before.split(" ", 1)[1] if " " in before else before)
    if len(after) > EXCERPT_CONTEXT:
        after = after[:EXCERPT_CONTEXT]
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return before, text[start:end], after


def _value(record: Model, path: str) -> str:
    value: Any = record
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def search_kind(kind: SearchKind[Any], user: User, text: str, *, limit: int) -> SearchGroup:
    """The records of `kind` that `user` may open matching `text`, best first (two queries)."""
    found = ranked(kind.readable(user), kind.fields, text)
    total = found.count()
    hits = []
    if total:
        words = search_words(text)
        records = found.select_related(*kind.select_related).order_by("-search_rank", *kind.order)[:limit]
        for record in records:
            # Where a word occurs outside the title, the text around it.
            texts = (_value(record, f.path) for f in kind.fields[0 if kind.excerpt_from_title else 1 :])
            shown = next((e for e in (excerpt(t, words) for t in texts if t) if e is not None), None)
            hits.append(dataclasses.replace(kind.hit(record), excerpt=shown))
    return SearchGroup(kind=kind, hits=hits, total=total)


def site_search(user: User, text: str, *, only: str = "", limit: int = 10) -> SearchResults:
    """What the navigation's search box finds for `user`: each registered kind (or the
    one `only` names) with its hits, kinds with none left out."""
    text = " ".join(text[:MAX_QUERY_LENGTH].split())
    words = search_words(text)
    if not words:
        return SearchResults(text=text, words=words, groups=[], too_short=bool(text))
    kinds = [kind for kind in registered_kinds() if not only or kind.key == only]
    groups = [search_kind(kind, user, text, limit=limit) for kind in kinds]
    return SearchResults(text=text, words=words, groups=[g for g in groups if g.total])
