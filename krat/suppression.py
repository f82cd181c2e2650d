"""Small numbers stay private: which counts to hide, and how a hidden count is shown.

Whatever leaves the secretariat hides a count from 1 to k−1 (k is the county's
`small_number_threshold`, 3 by default). Hiding a small count is not enough when totals
are shown — in `girls 2, boys 7, total 9` anyone can subtract — nor when a reader has a
solver: "two '< 3' in a line of 2" are both 1, and a representative subtracts their own
figures from the county's. So the figures are described with what ties them
(`krat.disclosure`: additive lines, bounds such as "every intervention met at least one
child", the part each institution holds) and protected as statistical disclosure
control protects frequency tables (Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, ch. 4–5; the τ-Argus and sdcTable tools; de Wolf, "HiTaS: a heuristic
approach to cell suppression in hierarchical tables", 2002):

1. **Primary suppression**: every count from 1 to k−1 is hidden.
2. **Secondary (complementary) suppression**, checked by the attacker's own method: the
   audit (`krat.disclosure.Judge`) computes, for every hidden count and every reader
   (the observer, and each institution's representative with their own figures), the
   smallest and largest whole number consistent with everything published — an integer
   linear program solved exactly by HiGHS (`highspy`, as `scipy.optimize.milp` does), the attacker's
   problem as Fischetti & Salazar-González state it (Management Science 47, 2001).
   While a hidden count's range is narrower than the criterion allows, `protect` hides
   one more count beside it, chosen with the solver (each hidden count an interval, as
   τ-Argus's protection levels treat it). It always ends, with a pattern that passes.

**The marks** follow the value alone, so they promise what they say and no more: a
hidden count below k prints "< k", a hidden count of k or more prints "x". The zeros of
a line that holds a small count are hidden with it, so "< k" never promises "at least
one" (it means 0 to k−1); every other zero stays 0 (an absence reveals nobody). Totals stay shown
unless hiding them is the cheapest way to protect (`_costs` tries parts first).

`present` is the one switch the reads use: exact figures for those who see them, the
protected pattern for everyone else.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from krat import caching, disclosure
from krat.disclosure import LARGE, SMALL, AtMost, Check, Figures, Judge, Line, Reader, hidden_keys, readers_of
from krat.numbers import format_number

__all__ = ["AtMost", "Cell", "Figures", "Line", "no_value", "present", "protect", "suppress"]

SECONDARY_MARK = "x"
#: What a page, a PDF or a CSV prints for a figure with no value (a spreadsheet leaves it empty).
NO_VALUE_MARK = "—"
#: What a reader is told instead of a period's figures not yet published to them
#: (`krat.access.figures_published`).
UNPUBLISHED_NOTE = _("The figures of this period are published when the period is closed.")
LEGEND = _(
    "“< k”: fewer than k (a number from 0 to k−1), hidden to protect the people counted; "
    "“x”: k or more, hidden so that a small number cannot be worked out from the others."
)


@dataclass(frozen=True)
class Cell:
    """A count as it is shown: `text` is what a page, export or PDF prints; `key` names the
    figure in its set (`Figures.name`, key), for the audit of what a reader can obtain.
    `value` None: no value was entered (printed "—", never 0)."""

    value: int | None
    hidden: bool = False
    primary: bool = False
    text: str = ""
    key: Hashable = None

    def __str__(self) -> str:
        """What a page, PDF or e-mail prints: the mark, or the number grouped as the reader's
        language writes it (1.680)."""
        return self.text if self.hidden or self.value is None else format_number(self.value)

    @property
    def shown(self) -> int | str | None:
        """The number itself when visible, else its mark (for spreadsheets); None (an
        empty cell) when there is no value."""
        return self.text if self.hidden else self.value

    @property
    def drawn(self) -> int:
        """The height a chart gives it: its number, or 0 when hidden or without a value
        (as the table shows nothing more, the chart shows nothing more)."""
        return 0 if self.hidden or self.value is None else self.value

    @property
    def is_empty(self) -> bool:
        """No value entered (not a zero, not a hidden count)."""
        return self.value is None


def exact(value: int | None, key: Hashable = None) -> Cell:
    """A count shown as it is (`no_value` when None)."""
    if value is None:
        return no_value(key)
    return Cell(value=value, text=str(value), key=key)


def unpublished(key: Hashable = None) -> Cell:
    """A figure of a period not yet published to this reader (`krat.access.figures_published`):
    printed "not yet published" — never 0 (a count), never "not reported" (nothing came)."""
    return Cell(value=None, hidden=True, text=gettext("not yet published"), key=key)


def no_value(key: Hashable = None) -> Cell:
    """A figure nobody entered: printed "—", an empty spreadsheet cell, never 0 or "< k"."""
    return Cell(value=None, text=NO_VALUE_MARK, key=key)


def withheld(value: int | None, key: Hashable = None) -> Cell:
    """A count not published to this reader at all (another institution's own figures).
    No value stays no value: withholding it would say there is a number."""
    if value is None:
        return no_value(key)
    return Cell(value=value, hidden=True, text=SECONDARY_MARK, key=key)


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


def small_mark(k: int) -> str:
    return f"< {k}"


def hidden_cell(value: int, k: int, key: Hashable = None) -> Cell:
    """A hidden count: "< k" below k (a small count, or a zero hidden beside one), else "x"."""
    if value < k:
        return Cell(value=value, hidden=True, primary=value > 0, text=small_mark(k), key=key)
    return Cell(value=value, hidden=True, text=SECONDARY_MARK, key=key)


# --- Patterns remembered in Django's cache --------------------------------------------------------

#: The code that chooses a pattern is part of every key (a digest of this module and of
#: `krat.disclosure`), so a changed rule never reads a pattern the old rule chose.
_RULES = caching.source_digest(__file__, disclosure.__file__)
#: How long a pattern is kept (seconds). A key names everything the pattern depends on, so
#: a kept pattern is never stale; the limit only returns the space of figures no longer read.
PATTERN_TIMEOUT = 7 * 24 * 3600

_T = TypeVar("_T")


def _stable(value: Any) -> Any:
    """`value` with the sets of its figures sorted: a set's order follows its elements'
    hashes, which Python salts per process, and processes share one cache (Redis). Mappings
    and sequences are walked down to the figures; everything else is taken as it is."""
    if isinstance(value, Figures):
        return (
            "Figures",
            value.name,
            value.values,
            value.lines,
            value.bounds,
            value.k,
            sorted(value.unpublished, key=repr),
            value.contributions,
            value.known,
            sorted(value.absent, key=repr),
        )
    if isinstance(value, Mapping):
        return {key: _stable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_stable(item) for item in value)
    return value


def _digest(inputs: object) -> str:
    """A digest of what `inputs` hold, equal for equal inputs in every process: their
    `repr` (values, not identities: a pickle would also record which objects are shared)."""
    return hashlib.sha256(repr(_stable(inputs)).encode()).hexdigest()


def remembered(kind: str, inputs: object, compute: Callable[[], _T]) -> _T:
    """`compute()`, a pure function of `inputs`, kept in Django's cache under a key made of
    `kind`, the rules' digest and the digest of `inputs` (everything it depends on: the
    figures, their threshold, the readers, the labels as given), so that every page, PDF and
    export showing the same figures shows the same pattern without solving it again, and
    no reader can be given another's: different figures are a different key.

    The protection is the expensive part of a page of figures (the attacker's integer
    programs, `krat.disclosure`), while the figures themselves change only with a write;
    keying by content needs no invalidation, and a cache that is down or empty only costs
    the solving. Redis in production (`REDIS_URL`), else each process's own memory."""
    key = f"krat:{kind}:{_RULES}:{_digest(inputs)}"
    kept = caching.get_many([key])
    if key in kept:
        return kept[key]
    found = compute()
    caching.set_many({key: found}, PATTERN_TIMEOUT)
    return found


# --- The protection ----------------------------------------------------------------------------


def _costs(figures: Figures) -> dict:
    """What hiding each figure costs, lowest first: a part before a total (a hidden total
    ties every line it closes), a non-zero count before a zero (a hidden zero can only
    grow, so it rarely protects alone), then the smaller number (less information lost)."""
    totals: dict = defaultdict(int)
    for line in figures.lines:
        totals[line.total] += 1
    return {key: (totals[key], value == 0, value, repr(key)) for key, value in figures.values.items()}


def _neighbours(figures: Figures) -> dict:
    """The figures each figure shares a line or a bound with."""
    found: dict = defaultdict(set)
    groups = [[*line.parts, line.total] for line in figures.lines]
    groups += [[*bound.small, *bound.large] for bound in figures.bounds]
    for members in groups:
        for key in members:
            found[key].update(members)
    return found


#: Complementary candidates tried with the solver at each step (the cheapest first).
CANDIDATES = 8


def protect(figures: Figures, readers: Sequence[Reader] | None = None) -> set:
    """The figures to hide so that no reader learns more than the marks say (`_protect`),
    remembered for the same figures and readers (`remembered`)."""
    given = None if readers is None else tuple(readers)
    return remembered("protect", (figures, given), lambda: _protect(figures, given))


def _protect(figures: Figures, readers: Sequence[Reader] | None = None) -> set:
    """The figures to hide so that no reader learns more than the marks say.

    Primary: every count from 1 to k−1, and the zeros of every line that holds one. Then, while the audit finds a hidden figure some
    reader can bound too narrowly (the readers in a fixed order, the figures by key), one
    more figure is hidden: among the visible figures that share a line or a bound with it
    or with any unknown figure tied to it, the cheapest (`_costs`) whose hiding makes
    that figure pass and passes itself, else the one that narrows the shortfall most,
    else the cheapest. Each step hides one more figure, and hiding every figure passes
    (krat.disclosure's baseline), so the loop ends after at most as many steps as there
    are figures; the same figures give the same pattern. A figure that has passed stays
    passed: hiding more only widens the attacker's ranges and narrows the baseline.
    """
    k = figures.k
    published = figures.published
    hidden = {key for key in published if is_small(figures.values[key], k)}
    # Zeros beside a small count are hidden with it, so "< k" never promises "at least one"
    # (else two "< 3" in a line of 2 are both 1).
    public = set(published)
    for line in figures.lines:
        if any(key in hidden for key in line.parts):
            hidden.update(key for key in line.parts if figures.values[key] == 0 and key in public)
    readers = [r for r in (readers_of(figures) if readers is None else readers) if r.others]
    costs, neighbours = _costs(figures), _neighbours(figures)
    _lines_first(figures, hidden, costs)
    memo: dict = {}
    witnesses: dict[str, list[dict]] = {reader.name: [] for reader in readers}
    passed: set = set()
    while True:
        marks = {key: figures.mark(key, key in hidden) for key in published}
        failure = None
        for reader in readers:
            judge = Judge(figures, marks, reader, memo, witnesses[reader.name])
            for key in hidden_keys(marks):
                if (reader.name, key) in passed:
                    continue
                ok = judge.passes(key)
                witnesses[reader.name] += judge.attacker.found
                judge.attacker.found = []
                if not ok:
                    failure = (reader, key)
                    break
                passed.add((reader.name, key))
            if failure is not None:
                break
        if failure is None or len(hidden) == len(published):
            return hidden  # (the second only if `known` breaks the proof: the audit says so)
        hidden.add(_complement(figures, hidden, failure, costs, neighbours, memo, witnesses, marks))


def _lines_first(figures: Figures, hidden: set, costs: dict) -> None:
    """The step every pattern needs, without the solver: a line whose only hidden figure is
    a count gives it away by subtraction, so one more of its figures is hidden — the
    cheapest part with room to move the count over 1..k−1 (down by k−1−v, up by v−1),
    else the cheapest non-zero part, else the total. Each step hides one more figure."""
    k, values = figures.k, figures.values
    published = set(figures.published)
    # A figure with no value is known to hold nobody: subtraction reads through it.
    readable = published | set(figures.absent)

    def room(key: Hashable) -> tuple[int, float]:  # (down, up) a hidden figure can move
        value = values[key]
        return (value, k - 1 - value) if value < k else (value - k, float("inf"))

    changed = True
    while changed:
        changed = False
        for line in figures.lines:
            members = [key for key in (*line.parts, line.total) if key in readable]
            alone = [key for key in members if key in hidden]
            if len(alone) != 1 or values[alone[0]] == 0 or len(members) < len(line.parts) + 1:
                continue
            value = values[alone[0]]
            parts = sorted(
                (key for key in line.parts if key not in hidden and values[key] > 0), key=costs.__getitem__
            )
            roomy = [key for key in parts if room(key)[0] >= k - 1 - value and room(key)[1] >= value - 1]
            choice = (roomy or parts or [line.total])[0]
            if choice in hidden:
                continue
            hidden.add(choice)
            changed = True


def _complement(figures, hidden: set, failure, costs, neighbours, memo, witnesses, marks):
    """The figure to hide next for `failure` (reader, key): see `protect`."""
    reader, key = failure
    attacker = Judge(figures, marks, reader, memo).attacker
    group = set(attacker.group(key))
    near = [other for other in figures.published if other not in hidden and neighbours[other] & group]
    if not near:  # cannot happen (see protect); hide the cheapest visible figure rather than loop
        near = [other for other in figures.published if other not in hidden]
    near.sort(key=costs.__getitem__)
    fallback = None
    for candidate in near[:CANDIDATES]:
        trial = hidden | {candidate}
        trial_marks = {other: figures.mark(other, other in trial) for other in figures.published}
        judge = Judge(figures, trial_marks, reader, memo, witnesses[reader.name])
        # The plain rule first: a complement that needs the baseline's leniency is a last resort.
        if judge.passes(key, relative=False):
            if judge.passes(candidate, relative=False):
                return candidate
            fallback = fallback or candidate
    return fallback or near[0]


def suppress(
    values: Mapping[Hashable, int],
    lines: Iterable[Line],
    k: int,
    *,
    bounds: Iterable[AtMost] = (),
    name: tuple = (),
    unpublished: Iterable[Hashable] = (),
    contributions: Mapping[Hashable, Mapping[Hashable, int]] | None = None,
    known: Mapping[Hashable, tuple[int, int | None]] | None = None,
) -> dict[Hashable, Cell]:
    """Every published value as a `Cell`, small and complementary cells hidden (`protect`)."""
    figures = figures_of(
        values,
        lines,
        k,
        bounds=bounds,
        name=name,
        unpublished=unpublished,
        contributions=contributions,
        known=known,
    )
    hidden = protect(figures)
    return cells_of(figures, hidden)


def figures_of(
    values: Mapping[Hashable, int],
    lines: Iterable[Line],
    k: int,
    *,
    bounds: Iterable[AtMost] = (),
    name: tuple = (),
    unpublished: Iterable[Hashable] = (),
    contributions: Mapping[Hashable, Mapping[Hashable, int]] | None = None,
    known: Mapping[Hashable, tuple[int, int | None]] | None = None,
) -> Figures:
    return Figures(
        name=tuple(name),
        values=dict(values),
        lines=tuple(lines),
        bounds=tuple(bounds),
        k=k,
        unpublished=frozenset(unpublished),
        contributions=dict(contributions or {}),
        known=dict(known or {}),
    )


def cells_of(figures: Figures, hidden: set) -> dict[Hashable, Cell]:
    """The published figures as cells, `hidden` ones marked, and the figures with no
    value (`Figures.absent`) as `no_value`."""
    cells = {}
    for key in figures.published:
        value = figures.values[key]
        full_key = (figures.name, key) if figures.name else None
        cells[key] = hidden_cell(value, figures.k, full_key) if key in hidden else exact(value, full_key)
    for key in figures.absent - figures.unpublished:
        cells[key] = no_value((figures.name, key) if figures.name else None)
    return cells


def present(
    values: Mapping[Hashable, int], lines: Iterable[Line], k: int, *, suppressed: bool, **known
) -> dict:
    """`suppress` when `suppressed`, else every value exact: the one switch views use.
    `known` passes `suppress`'s keyword arguments (bounds, name, contributions, ...)."""
    if suppressed:
        return suppress(values, lines, k, **known)
    unpublished = set(known.get("unpublished", ()))
    name = tuple(known.get("name", ()))
    return {
        key: exact(value, (name, key) if name else None)
        for key, value in values.items()
        if key not in unpublished
    }


# --- Convenient shapes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A two-way table shown with row totals, column totals and the grand total."""

    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell


def table_lines(n_rows: int, n_cols: int) -> list[Line]:
    """The lines of a table keyed ("c", r, c), ("r", r), ("k", c) and "t"."""
    lines = [Line([("c", r, c) for c in range(n_cols)], ("r", r)) for r in range(n_rows)]
    lines += [Line([("c", r, c) for r in range(n_rows)], ("k", c)) for c in range(n_cols)]
    lines.append(Line([("r", r) for r in range(n_rows)], "t"))
    lines.append(Line([("k", c) for c in range(n_cols)], "t"))
    return lines


def table_values(rows: Sequence[Sequence[int]]) -> dict:
    n_cols = len(rows[0]) if rows else 0
    values: dict = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            values[("c", r, c)] = value
        values[("r", r)] = sum(row)
    for c in range(n_cols):
        values[("k", c)] = sum(row[c] for row in rows)
    values["t"] = sum(sum(row) for row in rows)
    return values


def suppress_table(rows: Sequence[Sequence[int]], k: int, *, suppressed: bool = True) -> Table:
    """A table of counts with its totals, small and complementary cells hidden."""
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    cells = present(table_values(rows), table_lines(n_rows, n_cols), k, suppressed=suppressed)
    return Table(
        cells=[[cells[("c", r, c)] for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[cells[("r", r)] for r in range(n_rows)],
        column_totals=[cells[("k", c)] for c in range(n_cols)],
        total=cells["t"],
    )


def suppress_breakdowns(
    total: int,
    breakdowns: Mapping[Hashable, Mapping[Hashable, int]],
    k: int,
    *,
    suppressed: bool = True,
    nested: Mapping[tuple[Hashable, Hashable], Mapping[Hashable, int]] | None = None,
) -> tuple[Cell, dict[Hashable, dict[Hashable, Cell]]]:
    """Several one-way breakdowns of one total (by sex, by age, …), each a line.

    `nested` adds finer lines under one part: {(dimension, part): {sub_part: count}}
    (foreign victims by country under citizenship "foreign"); they come back in the
    result under the key (dimension, part).
    Returns (total cell, {dimension: {part: cell}}).
    """
    values: dict = {"total": total}
    lines = []
    for dimension, parts in breakdowns.items():
        keys: list[Hashable] = []
        for part, value in parts.items():
            values[(dimension, part)] = value
            keys.append((dimension, part))
        lines.append(Line(keys, "total"))
    for parent, parts in (nested or {}).items():
        keys = []
        for part, value in parts.items():
            values[("nested", parent, part)] = value
            keys.append(("nested", parent, part))
        lines.append(Line(keys, parent))
    cells = present(values, lines, k, suppressed=suppressed)
    result: dict = {
        dimension: {part: cells[(dimension, part)] for part in parts}
        for dimension, parts in breakdowns.items()
    }
    for parent, parts in (nested or {}).items():
        result[parent] = {part: cells[("nested", parent, part)] for part in parts}
    return cells["total"], result


def suppress_one(value: int, k: int, *, suppressed: bool = True) -> Cell:
    """A count that stands alone (no total beside it)."""
    if suppressed and is_small(value, k):
        return hidden_cell(value, k)
    return exact(value)


# --- Margins over several sets: the national tables ---------------------------------------------


@dataclass(frozen=True)
class Margin:
    """A total over several sets (the national total of a figure): `parts` names, for each
    set, the key it sums there (a set that lacks the figure is left out)."""

    key: Hashable
    parts: Mapping[Hashable, Hashable]


@dataclass(frozen=True)
class _Joined:
    """The sets and their margins as one set of figures (`protect_margins`)."""

    figures: Figures
    marks: dict
    column: dict  # each margin's key → the sets' keys it sums
    empty: set  # the margins none of whose parts has a value
    uniform: bool  # every set has the same threshold


def _joined(
    sets: Mapping[Hashable, tuple[Figures, Mapping[Hashable, Cell]]],
    margins: Sequence[Margin],
    lines: Sequence[Line],
) -> _Joined:
    values: dict = {}
    tied: list[Line] = []
    bounds: list[AtMost] = []
    unpublished: set = set()
    absent: set = set()
    known: dict = {}
    marks: dict = {}
    thresholds = {figures.k for figures, _cells in sets.values()}
    for name, (figures, cells) in sets.items():
        values.update({(name, key): value for key, value in figures.values.items()})
        tied += [Line([(name, p) for p in line.parts], (name, line.total)) for line in figures.lines]
        bounds += [
            AtMost([(name, p) for p in b.small], [(name, p) for p in b.large], b.factor)
            for b in figures.bounds
        ]
        unpublished.update((name, key) for key in figures.unpublished)
        absent.update((name, key) for key in figures.absent)
        known.update({(name, key): limits for key, limits in figures.known.items()})
        for key, cell in cells.items():
            if cell.value is None:
                continue
            marks[(name, key)] = (SMALL if cell.value < figures.k else LARGE) if cell.hidden else cell.value
    for margin in margins:
        parts = [(name, key) for name, key in margin.parts.items() if name in sets]
        values[("margin", margin.key)] = sum(values[part] for part in parts)
        tied.append(Line(parts, ("margin", margin.key)))
    tied += [Line([("margin", p) for p in line.parts], ("margin", line.total)) for line in lines]
    column = {("margin", m.key): {(n, key) for n, key in m.parts.items() if n in sets} for m in margins}
    # A margin none of whose parts has a value has none either ("—", never 0).
    empty = {key for key, parts in column.items() if all(p in absent for p in parts)}
    figures = Figures(
        name=("national",),
        values=values,
        lines=tuple(tied),
        bounds=tuple(bounds),
        k=max(thresholds, default=3),
        unpublished=frozenset(unpublished),
        known=known,
        absent=frozenset(absent | empty),
    )
    return _Joined(figures=figures, marks=marks, column=column, empty=empty, uniform=len(thresholds) <= 1)


def protect_margins(
    sets: Mapping[Hashable, tuple[Figures, Mapping[Hashable, Cell]]],
    margins: Sequence[Margin],
    lines: Sequence[Line] = (),
) -> dict[Hashable, Cell]:
    """Each margin as a cell, hidden where showing it would tell a reader more about a
    hidden count of a set than its mark says.

    `sets` are published already, each with its own pattern (`cells`, as its pages show
    them): their visible numbers stay visible, so the margins are the only cells left to
    hide. The sets and what ties them (their lines and bounds, keys prefixed by the set's
    name) and the margins with their own lines (`lines`, among margin keys: the parts of a
    breakdown add up to its total) make one set of figures, audited for the observer with
    `krat.disclosure`'s criterion; while a hidden count fails, one more margin is hidden
    (the cheapest of those tied to it: a part before a total, the smaller first; never one
    whose parts are all shown, which anyone can add up). Sets of
    different thresholds cannot share one criterion: every margin tied to a hidden count
    is then hidden. Remembered for the same sets, margins and lines (`remembered`)."""
    return remembered(
        "margins", (sets, tuple(margins), tuple(lines)), lambda: _protect_margins(sets, margins, lines)
    )


def _protect_margins(
    sets: Mapping[Hashable, tuple[Figures, Mapping[Hashable, Cell]]],
    margins: Sequence[Margin],
    lines: Sequence[Line] = (),
) -> dict[Hashable, Cell]:
    joined = _joined(sets, margins, lines)
    figures, marks, column, empty = joined.figures, joined.marks, joined.column, joined.empty
    values, k = figures.values, figures.k
    hidden: set = set()
    if not joined.uniform:
        hidden = {m for m, parts in column.items() if any(isinstance(marks.get(p), str) for p in parts)}
        hidden |= {("margin", line.total) for line in lines if hidden & {("margin", p) for p in line.parts}}
        return _margin_cells(values, margins, hidden, k, empty)
    neighbours: dict = defaultdict(set)  # each figure → the margins of the lines it is in
    for line in figures.lines:
        members = [*line.parts, line.total]
        margin_members = [m for m in members if m in column]
        for member in members:
            neighbours[member].update(margin_members)
    memo: dict = {}
    reader = Reader("observer")
    totals = {line.total for line in lines}
    # A margin whose parts are all shown (or hold nobody) is public already: hiding it
    # protects nothing, and as anyone can add it up it would fail the criterion itself.
    absent = figures.absent
    public = {
        m for m, parts in column.items() if all(isinstance(marks.get(p), int) or p in absent for p in parts)
    }
    while True:
        shown = {**marks}
        for key in column:
            shown[key] = figures.mark(key, key in hidden)
        judge = Judge(figures, shown, reader, memo)
        failed = next((key for key in hidden_keys(shown) if not judge.passes(key)), None)
        if failed is None:
            return _margin_cells(values, margins, hidden, k, empty)
        open_ = [m for m in column if m not in hidden and m not in public]
        near = [m for m in neighbours[failed] if m in open_] or open_
        if not near:  # every margin hidden: nothing more to give
            return _margin_cells(values, margins, hidden, k, empty)
        near.sort(key=lambda m: (m[1] in totals, values[m], repr(m)))
        hidden.add(near[0])


def audit_margins(
    sets: Mapping[Hashable, tuple[Figures, Mapping[Hashable, Cell]]],
    margins: Sequence[Margin],
    lines: Sequence[Line],
    cells: Mapping[Hashable, Cell],
) -> list[Check]:
    """The audit of a publication of margins (`cells`, by margin key) beside the sets: every
    hidden count, of a set or a margin, as the observer can bound it (`krat.disclosure`)."""
    joined = _joined(sets, margins, lines)
    figures = joined.figures
    shown = dict(joined.marks)
    for margin in margins:
        cell = cells[margin.key]
        if cell.value is None:
            continue
        key = ("margin", margin.key)
        shown[key] = (SMALL if cell.value < figures.k else LARGE) if cell.hidden else cell.value
    judge = Judge(figures, shown, Reader("observer"))
    return [judge.check(key) for key in hidden_keys(shown)]


def _margin_cells(
    values: Mapping, margins: Sequence[Margin], hidden: set, k: int, empty: set
) -> dict[Hashable, Cell]:
    cells: dict[Hashable, Cell] = {}
    for margin in margins:
        key = ("margin", margin.key)
        value = values[key]
        if key in empty:
            cells[margin.key] = no_value()
        else:
            cells[margin.key] = hidden_cell(value, k) if key in hidden else exact(value)
    return cells
