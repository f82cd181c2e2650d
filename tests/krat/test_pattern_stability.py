"""The suppression patterns do not change with the code unless someone decides they should.

KRAT stores no pattern of its own. A report finalised for sharing keeps its PDF
(`FinalReport`), which prints the pattern of its day; every page, live PDF, export and
national report computes it again from the figures (`krat.suppression.protect`, kept in
Django's cache under a key of the rules' own source). Two patterns for the same published
figures undo each other: a cell hidden in the old one and shown in the new one is simply
read, and the complementary cells that protected its neighbours with it go too. So a
change to `krat/suppression.py` or `krat/disclosure.py` that is meant to be faster (the
shared structure, the lazy attacker, the window query) must give every pattern exactly as
before. This test makes that check permanent, instead of a digest compared by hand.

The corpus is drawn once from a fixed seed. It holds two-way tables, linked breakdowns
(every breakdown adds up to the same total), institutions' own contributions (a reader
who knows their own share), thresholds 2 to 5, and national margins over two published
sets. `PATTERNS` is the SHA-256 of every hidden set, each listed by the `repr` of its keys
in order. If this test fails, the change alters what readers see of figures that may
already be published. Either take the change back, or make it a decision: store the
patterns already published before it lands, then pin the new digest.
"""

from __future__ import annotations

import hashlib
import random

from krat import suppression as sup
from krat.disclosure import Figures, Line

#: Drawn once: the corpus is the same in every process and on every machine.
SEED = 20261130
#: The digest of every pattern of the corpus (see the module docstring before changing it).
PATTERNS = "b68b842b166ae19efa4996e83a8650d01fe9a28c149fb13dc95a5c03ee3d81a7"


def _contributions(rng: random.Random, rows: list[list[int]], institutions: int) -> dict:
    """Each person of each cell goes to one institution: every institution's own table."""
    parts = {i: [[0] * len(rows[0]) for _ in rows] for i in range(institutions)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            for _ in range(value):
                parts[rng.randrange(institutions)][r][c] += 1
    return {f"inst{i}": sup.table_values(table) for i, table in parts.items()}


def _table(rng: random.Random) -> Figures:
    n_rows, n_cols = rng.randint(2, 5), rng.randint(2, 5)
    rows = [[rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12]) for _ in range(n_cols)] for _ in range(n_rows)]
    k = rng.randint(2, 5)
    institutions = rng.randint(1, 3)
    contributions = _contributions(rng, rows, institutions) if institutions > 1 else None
    return sup.figures_of(
        sup.table_values(rows), sup.table_lines(n_rows, n_cols), k, contributions=contributions
    )


def _breakdowns(rng: random.Random) -> Figures:
    """A total with one to three breakdowns of it, each with its "unknown" part."""
    counts = {
        dimension: [rng.choice([0, 1, 2, 3, 5, 8]) for _ in range(rng.randint(1, 4))]
        for dimension in rng.sample(["sex", "age", "form", "citizenship"], rng.randint(1, 3))
    }
    total = max(sum(parts) for parts in counts.values())
    values: dict = {"total": total}
    lines = []
    for dimension, parts in counts.items():
        keys = [(dimension, str(i)) for i in range(len(parts))] + [(dimension, "unknown")]
        values.update(dict(zip(keys, [*parts, total - sum(parts)], strict=True)))
        lines.append(Line(keys, "total"))
    return sup.figures_of(values, lines, rng.randint(2, 5))


def _margins(rng: random.Random) -> dict:
    """National margins over two counties' published sets (a + b = t in each)."""

    def county(name: str) -> tuple[Figures, dict]:
        a, b = rng.randint(0, 9), rng.randint(0, 9)
        figures = Figures(
            name=(name,), values={"a": a, "b": b, "t": a + b}, lines=(Line(["a", "b"], "t"),), k=3
        )
        return figures, sup.cells_of(figures, sup.protect(figures))

    margins = [sup.Margin(key=key, parts={"one": key, "two": key}) for key in ("a", "b", "t")]
    return sup.protect_margins({"one": county("one"), "two": county("two")}, margins, [Line(["a", "b"], "t")])


def patterns() -> list[list[str]]:
    """Every hidden set of the corpus, each as the sorted `repr` of its keys."""
    rng = random.Random(SEED)
    found = []
    for _ in range(40):
        found.append(sorted(map(repr, sup.protect(_table(rng)))))
    for _ in range(40):
        found.append(sorted(map(repr, sup.protect(_breakdowns(rng)))))
    for _ in range(10):
        found.append(sorted(repr(key) for key, cell in _margins(rng).items() if cell.hidden))
    return found


def test_the_corpus_hides_something_and_not_everything():
    """The pinned digest means something only if the corpus exercises the protection:
    primary cells, complementary ones, and sets that hide nothing."""
    found = patterns()
    sizes = [len(hidden) for hidden in found]
    assert sum(1 for size in sizes if size == 0) >= 5
    assert sum(1 for size in sizes if size >= 3) >= 20
    assert any(found[80:]), "a national margin is hidden somewhere in the corpus"


def test_the_patterns_are_those_pinned():
    digest = hashlib.sha256(repr(patterns()).encode()).hexdigest()
    assert digest == PATTERNS, (
        "the suppression patterns changed: readers would see figures already published with "
        "another pattern (see this module's docstring)"
    )
