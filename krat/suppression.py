"""Small numbers stay private: small-cell and complementary suppression of counts.

Whatever leaves the secretariat shows a count from 1 to k−1 as "< k" (k is the county's
`small_number_threshold`, 3 by default); 0 stays 0 (an absence reveals nobody).

Hiding a small cell is not enough when totals are shown: in `girls 2, boys 7, total 9`
anyone can subtract. So the figures are described as *lines*: additive equations
`part + part + … = total`. A row of a table with its row total is a line, a column with
its column total is another, the row totals with the grand total a third; the breakdowns
of the victims grid (by sex, by age, …) are lines that share one total. A cell may sit
in several lines (a total sits in its own line and in the line of totals above it).

The rule, applied until nothing changes:

1. Primary: every cell (totals included) whose value is 1..k−1 is hidden.
2. Complementary: a line with exactly one hidden cell would give it away by
   subtraction, so the smallest non-zero visible *part* of that line is hidden too
   (ties: the first in the line); only when the line has no such part is its total
   hidden. Zeros are never hidden: a line with exactly one hidden cell always has a
   non-zero visible cell (if the hidden cell is a part, the total is ≥ it; if it is the
   total, some part is non-zero), so the loop always progresses and ends.

So totals are shown exactly when they cannot reveal a hidden cell: when the line they
close has no hidden part or at least two. At the end every line has 0 or ≥ 2 hidden
cells, so no hidden cell equals a total minus visible cells of one line.

3. Across lines: subtracting within one line is not the only attack. Combining several
   lines (a two-way table with a "bridge" between two blocks of hidden cells, say) can
   pin a hidden cell exactly. So once rule 2 is stable, the hidden cells are solved as
   a linear system (one equation per line, exact fractions); while some hidden cell is
   determined by it, the smallest non-zero visible part of a line through that cell is
   hidden too (else such a line's total, else any line's part or total), and rules 2–3
   run again.

What this does not promise: non-negativity still bounds a hidden cell between limits
(a hidden "x" beside "< 3" in a line of 10 lies between 8 and 9); CTDC-style
k-anonymity over whole queries is out of scope.

Secondary (complementary) cells are shown as "x", not "< k": they are not small.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

SECONDARY_MARK = "x"
LEGEND = _(
    "“< k”: a number from 1 to k−1, hidden to protect the people counted; "
    "“x”: hidden so that a small number cannot be worked out from the totals."
)


@dataclass(frozen=True)
class Cell:
    """A count as it is shown: `text` is what a page, export or PDF prints."""

    value: int
    hidden: bool = False
    primary: bool = False
    text: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def shown(self) -> int | str:
        """The number itself when visible, else its mark (for spreadsheets)."""
        return self.text if self.hidden else self.value


def exact(value: int) -> Cell:
    return Cell(value=value, text=str(value))


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


def small_mark(k: int) -> str:
    return f"< {k}"


@dataclass(frozen=True)
class Line:
    """An additive equation: the values at `parts` sum to the value at `total`."""

    parts: Sequence[Hashable]
    total: Hashable


def _line_rule(values: Mapping[Hashable, int], lines: list[Line], hidden: set) -> None:
    """Rule 2: until no line has exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = [*line.parts, line.total]
            if sum(1 for key in members if key in hidden) != 1:
                continue
            candidates = [key for key in line.parts if key not in hidden and values[key] > 0]
            choice = min(candidates, key=lambda key: values[key]) if candidates else line.total
            hidden.add(choice)
            changed = True


def determined_cells(lines: Iterable[Line], hidden: set) -> list:
    """The hidden cells that the lines pin exactly, solved together as a linear system.

    Each line is the equation Σ parts − total = 0 over the hidden cells (visible ones are
    known constants). A cell is determined exactly when its unit vector lies in the row
    space, i.e. when the reduced row echelon form has a row that is that unit vector.
    """
    unknowns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for key in line.parts:
            if key in index:
                row[index[key]] += 1
        if line.total in index:
            row[index[line.total]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    for column in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][column] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        pivot = rows[pivot_row][column]
        rows[pivot_row] = [value / pivot for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    determined = []
    for row in rows[:pivot_row]:
        nonzero = [i for i, value in enumerate(row) if value != 0]
        if len(nonzero) == 1:
            determined.append(unknowns[nonzero[0]])
    return determined


def hidden_keys(values: Mapping[Hashable, int], lines: Iterable[Line], k: int) -> tuple[set, set]:
    """Which keys to hide: (primary, secondary). See the module docstring for the rules."""
    lines = list(lines)
    primary = {key for key, value in values.items() if is_small(value, k)}
    hidden = set(primary)
    while True:
        _line_rule(values, lines, hidden)
        determined = determined_cells(lines, hidden) if hidden else []
        if not determined:
            break
        target = determined[0]
        through = [line for line in lines if target in line.parts or target == line.total]
        # Parts before totals (a hidden total hides more), the lines through the pinned
        # cell before any other line.
        choice = None
        for scope in (through, lines):
            for members in (lambda line: line.parts, lambda line: (line.total,)):
                candidates = [
                    key for line in scope for key in members(line) if key not in hidden and values[key] > 0
                ]
                if candidates:
                    choice = min(candidates, key=lambda key: (values[key], repr(key)))
                    break
            if choice is not None:
                break
        if choice is None:
            break
        hidden.add(choice)
    return primary, hidden - primary


def suppress(values: Mapping[Hashable, int], lines: Iterable[Line], k: int) -> dict[Hashable, Cell]:
    """Every value as a `Cell`, small and complementary cells hidden."""
    primary, secondary = hidden_keys(values, lines, k)
    cells = {}
    for key, value in values.items():
        if key in primary:
            cells[key] = Cell(value=value, hidden=True, primary=True, text=small_mark(k))
        elif key in secondary:
            cells[key] = Cell(value=value, hidden=True, text=SECONDARY_MARK)
        else:
            cells[key] = exact(value)
    return cells


def present(values: Mapping[Hashable, int], lines: Iterable[Line], k: int, *, suppressed: bool) -> dict:
    """`suppress` when `suppressed`, else every value exact: the one switch views use."""
    if suppressed:
        return suppress(values, lines, k)
    return {key: exact(value) for key, value in values.items()}


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
        keys = []
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
        return Cell(value=value, hidden=True, primary=True, text=small_mark(k))
    return exact(value)
