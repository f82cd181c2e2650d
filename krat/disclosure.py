"""What a reader with an integer-programming solver learns from published counts.

The attacker model (statistical disclosure control of frequency tables, as in
Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4–5, and the
τ-Argus and sdcTable tools built on it):

- **Figures** are non-negative whole numbers (`Figures.values`) tied by what anyone can
  know about them: additive *lines* (`Line`: parts add up to a total — a breakdown, a row
  or column of a table, a total of totals) and *bounds* (`AtMost`: Σ small ≤ factor × Σ
  large — every street intervention met at least one child and at most 10000; on the
  employment path nobody is interviewed without being received). Some figures are never
  published (`Figures.unpublished`: the interventions behind each place or month) but
  still tie the others; some are known to lie within limits because of what a page
  lists (`Figures.known`: a place is listed only when an intervention happened there).
  A figure nobody entered (`Figures.absent`: no value, which is not zero) is shown as
  such: it is never hidden, and everyone knows it holds nobody.
- **Marks**: a published figure is a number, or hidden. The mark of a hidden figure
  follows its value alone, so it promises exactly this and no more: “< k” means
  0..k−1 (a small count, or a zero hidden beside one), “x” means k or more.
- **A reader** (`Reader`) may also know figures exactly: a representative sees their own
  institution's figures, so every county figure is their own part (`Reader.own`) plus
  the other institutions' part, which is non-negative and ties the same lines and
  bounds. An observer's own part is zero.
- **The attacker's range** of a hidden figure is its minimum and its maximum over every
  whole-number solution of all of the above (`Attacker.range`), found exactly with
  HiGHS (`highspy`, the solver behind `scipy.optimize.milp`, called directly: scipy's
  wrapper cost 2 ms a call against 0.4 ms; the linear relaxation first, branch and bound
  only when its optimal vertex is not whole) — the "attacker problem" of
  Fischetti & Salazar-González, *Solving the cell suppression problem on tabular data
  with linear constraints*, Management Science 47 (2001), which τ-Argus's protection
  levels are checked against.

**The criterion** (`Check`): the published figures may reveal nothing about a hidden
figure beyond its mark. A hidden count from 1 to k−1 keeps the whole of 1..k−1 in its
range (a representative's own part of it counts as known: the range must reach from
their own part, or 1, up to k−1); a hidden "x" keeps at least k values. A hidden zero
counts nobody, so what a reader learns of it is allowed (zeros are hidden only so that
"< k" never promises "at least one"). Where the marks alone, with the reader's own
figures and the lines, already say more than that (three "< 3" parts under a total
marked "x" cannot add up to more than 6), the criterion asks for what they allow: the
range is compared with the *baseline* range in which every visible number is replaced
by an unknown. So the publication of numbers never narrows a hidden figure beyond what
its marks (and the page's layout, `Figures.known`) say, and hiding every figure always meets the criterion — which is what makes
`krat.suppression.protect` always end.

Out of scope, as in the literature: an attacker who reverse-engineers which pattern the
protection would have chosen for other values (the "minimality attack"), and readers who
pool what each of them knows exactly (two representatives together).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import highspy
import numpy as np

#: A published figure's mark: its number when visible, else one of these.
SMALL = "small"  # shown "< k": 0..k−1
LARGE = "large"  # shown "x": k or more


@dataclass(frozen=True)
class Line:
    """An additive equation: the values at `parts` sum to the value at `total`."""

    parts: Sequence[Hashable]
    total: Hashable


@dataclass(frozen=True)
class AtMost:
    """Σ values at `small` ≤ `factor` × Σ values at `large`, for every institution's figures
    (and so for their sums): a bound the nature of the figures gives."""

    small: Sequence[Hashable]
    large: Sequence[Hashable]
    factor: int = 1


@dataclass(frozen=True)
class Figures:
    """One set of figures published together and what ties them (see the module docstring).

    `contributions` holds each institution's part of every figure (a representative's
    exact knowledge); `known` holds (low, high) limits on county figures that the
    publication's own rules reveal (high None: none). `absent` holds the figures with no
    value (nobody entered one): their value is 0 in the lines, they are never published
    as a number, never hidden, and every reader knows they hold nobody.
    """

    name: tuple
    values: Mapping[Hashable, int]
    lines: Sequence[Line] = ()
    bounds: Sequence[AtMost] = ()
    k: int = 3
    unpublished: frozenset = frozenset()
    contributions: Mapping[Hashable, Mapping[Hashable, int]] = field(default_factory=dict)
    known: Mapping[Hashable, tuple[int, int | None]] = field(default_factory=dict)
    absent: frozenset = frozenset()

    @property
    def published(self) -> list:
        return [key for key in self.values if key not in self.unpublished and key not in self.absent]

    def mark(self, key: Hashable, hidden: bool) -> int | str:
        """What a reader sees of `key`: its number, or the mark its value gives."""
        value = self.values[key]
        if not hidden:
            return value
        return SMALL if value < self.k else LARGE

    def __getstate__(self) -> dict:
        # What the cache keeps of these figures (`cases.selectors.figures.published_sets`)
        # leaves out the structure: it is rebuilt from the rest on first use.
        return {name: value for name, value in self.__dict__.items() if name != "structure"}

    @cached_property
    def structure(self) -> _Structure:
        """What every attacker of these figures shares, whatever the marks and the reader
        (built once: a national page builds a thousand attackers of a few figures)."""
        relations = tuple((*((key, 1) for key in line.parts), (line.total, -1)) for line in self.lines)
        bounds = tuple(
            (*((key, bound.factor) for key in bound.large), *((key, -1) for key in bound.small))
            for bound in self.bounds
        )
        touching: dict[Hashable, list[int]] = {key: [] for key in self.values}
        for r, terms in enumerate(relations + bounds):
            for key in dict.fromkeys(key for key, _c in terms):
                touching[key].append(r)
        return _Structure(
            relations=relations + bounds,
            equal=(True,) * len(relations) + (False,) * len(bounds),
            cap=_cap(self),
            rank={key: i for i, key in enumerate(sorted(self.values, key=repr))},
            touching={key: tuple(rs) for key, rs in touching.items()},
        )


@dataclass(frozen=True)
class _Structure:
    """`Figures.structure`: the relations as (key, coefficient) terms, whether each is an
    equation (else Σ ≥ 0), the cap on unknown figures, each key's rank in `repr` order
    (the order groups and their members are kept in, so every process builds the same
    problems and memo keys), and the relations each key is a term of (their indexes in
    `relations`, ascending)."""

    relations: tuple[tuple[tuple[Hashable, int], ...], ...]
    equal: tuple[bool, ...]
    cap: int
    rank: Mapping[Hashable, int]
    touching: Mapping[Hashable, tuple[int, ...]]


@dataclass(frozen=True)
class Reader:
    """Who reads the figures: `own` is the part of each figure they know exactly (empty
    for an observer); `others` whether anybody else's figures are in the county's."""

    name: str
    own: Mapping[Hashable, int] = field(default_factory=dict)
    others: bool = True


OBSERVER = Reader("observer")


def readers_of(figures: Figures) -> list[Reader]:
    """The observer and each institution's representative that can learn something new:
    one whose institution holds part of a published figure while another institution
    reported too (a representative of the only reporting institution reads their own)."""
    readers = [OBSERVER]
    reporting = sorted(figures.contributions, key=repr)
    for institution in reporting:  # an institution's own figures obey the lines too
        own = figures.contributions[institution]
        for line in figures.lines:
            if sum(own.get(key, 0) for key in line.parts) != own.get(line.total, 0):
                raise ValueError(f"{institution}'s figures do not add up along {line}")
    for institution in reporting:
        own = {key: n for key, n in figures.contributions[institution].items() if n}
        if own and len(reporting) > 1:
            readers.append(Reader(f"representative:{institution}", own=own))
    return readers


# --- The attacker's problem -----------------------------------------------------------------


def _cap(figures: Figures) -> int:
    """An upper limit for figures marked "x" or unpublished, far above every true figure and
    every target of the criterion: a maximum beyond half of it is shown as "no limit"."""
    return 4 * (sum(figures.values.values()) + len(figures.values) * figures.k) + 1000


class Attacker:
    """One reader facing one publication (`marks`: key → number, SMALL or LARGE; keys
    missing are unpublished). Ranges are found per connected group of unknown figures
    and remembered in `memo`, which callers share between readers and patterns of the
    same figures (the key holds everything a result depends on).

    Everything is worked out on demand, for the figures asked about: a figure's limits
    (`limits`) when it or its group is needed, a group (`group`) when a range needs the
    solver. Most attackers a protection builds are asked about one figure, and answered
    by the true figures or an earlier solution without ever forming a group; building
    every limit and group up front was half of a cold national page."""

    def __init__(
        self,
        figures: Figures,
        marks: Mapping[Hashable, int | str],
        reader: Reader,
        memo: dict | None = None,
        witnesses: Sequence[dict] = (),
    ):
        self.figures = figures
        self.marks = marks
        self.reader = reader
        self.memo = {} if memo is None else memo
        self.witnesses = witnesses
        self.found: list[dict] = []  # the solutions this attacker found (witnesses for later)
        self._limits: dict[Hashable, tuple[int, int]] = {}
        self._group_of: dict[Hashable, Hashable] = {}
        self._members: dict[Hashable, list] = {}
        self._group_relations: dict[Hashable, list] = {}
        self._problems: dict = {}
        structure = figures.structure
        self.cap = structure.cap
        self.relations, self.equal = structure.relations, structure.equal

    def limits(self, key: Hashable) -> tuple[int, int]:
        """The (low, high) limits of the others' part at `key` (the county figure less the
        reader's own) that its mark, the page's layout and the reader's knowledge give."""
        found = self._limits.get(key)
        if found is not None:
            return found
        figures, reader = self.figures, self.reader
        value, own, mark = figures.values[key], reader.own.get(key, 0), self.marks.get(key)
        if key in figures.absent:
            low, high = 0, 0  # shown "no value": nobody is in it
        elif key in figures.unpublished or mark is None:
            low, high = 0, self.cap
        elif mark == SMALL:
            low, high = 0, figures.k - 1
        elif mark == LARGE:
            low, high = figures.k, self.cap
        else:
            assert isinstance(mark, int)  # a number shown: the only marks are SMALL and LARGE
            low, high = mark, mark
        known_low, known_high = figures.known.get(key, (0, None))
        low = max(low, known_low)
        high = high if known_high is None else min(high, known_high)
        if not reader.others:
            low = high = own
        found = self._limits[key] = (max(0, low - own), high - own)
        assert found[0] <= value - own <= found[1], (key, value, own, low, high)
        return found

    def _free(self, key: Hashable) -> bool:
        """Whether the others' part at `key` is unknown (its limits hold more than one value)."""
        low, high = self.limits(key)
        return low < high

    def group(self, key: Hashable) -> list:
        """The unknown figures tied to `key` through relations of unknown figures, in rank
        order (`Figures.structure`); [key] alone when `key` is known. The group's first
        member is its root: the memo and the problems are keyed by it."""
        if not self._free(key):
            return [key]
        root = self._group_of.get(key)
        if root is not None:
            return self._members[root]
        # A breadth-first walk over the relations that touch an unknown figure: the same
        # groups as joining every two unknown figures of a relation, without visiting the
        # figures of other groups.
        structure = self.figures.structure
        members, seen, touched = [key], {key}, set()
        for member in members:
            for r in structure.touching[member]:
                if r in touched:
                    continue
                touched.add(r)
                for other, _c in self.relations[r]:
                    if other not in seen and self._free(other):
                        seen.add(other)
                        members.append(other)
        members.sort(key=structure.rank.__getitem__)
        root = members[0]
        self._members[root] = members
        self._group_relations[root] = [(self.relations[r], self.equal[r]) for r in sorted(touched)]
        for member in members:
            self._group_of[member] = root
        return members

    def range(self, key: Hashable) -> tuple[int, int | None]:
        """The attacker's (minimum, maximum) of the county figure at `key`; None: no maximum."""
        own = self.reader.own.get(key, 0)
        if not self._free(key):
            low = self.limits(key)[0]
            return low + own, low + own
        low = self._extreme(key, minimise=True)
        high = self._extreme(key, minimise=False)
        return low + own, None if high >= self.cap // 2 else high + own

    def reaches(self, key: Hashable, target: int, *, up: bool) -> bool:
        """Whether some solution puts the county figure at `key` at `target` or beyond
        (above when `up`, else below). The true figures and the solutions found before
        (`witnesses`: each feasible for this publication too, as it only hides more) answer
        first; the solver only when they do not."""
        own = self.reader.own.get(key, 0)
        goal = target - own

        def beyond(value: int) -> bool:
            return value >= goal if up else value <= goal

        if not self._free(key):
            return beyond(self.limits(key)[0])
        if beyond(self.figures.values[key] - own):
            return True
        if any(beyond(witness[key]) for witness in self.witnesses if key in witness):
            return True
        return beyond(self._extreme(key, minimise=not up))

    def _problem(self, root) -> tuple:
        """The group's problem as plain tuples (its memo key and what `_solve` needs)."""
        keys = self._members[root]
        index = {key: i for i, key in enumerate(keys)}
        rows = []
        for terms, equal in self._group_relations[root]:
            coefficients: dict[int, int] = {}
            constant = 0
            for key, c in terms:
                if key in index:
                    coefficients[index[key]] = coefficients.get(index[key], 0) + c
                else:
                    constant += c * self.limits(key)[0]
            row = tuple(sorted((i, c) for i, c in coefficients.items() if c))
            if row:
                rows.append((row, -constant, equal))
        bounds = tuple(self.limits(key) for key in keys)
        return keys, index, (tuple(sorted(set(rows))), bounds)

    def _extreme(self, key: Hashable, *, minimise: bool) -> int:
        """The others' part's minimum or maximum at `key`; the solution is kept as a witness."""
        root = self.group(key)[0]
        if root not in self._problems:
            self._problems[root] = self._problem(root)
        keys, index, problem = self._problems[root]
        memo_key = (problem, index[key], minimise)
        if memo_key not in self.memo:
            self.memo[memo_key] = _solve(problem, index[key], minimise)
        value, solution = self.memo[memo_key]
        self.found.append(dict(zip(keys, solution, strict=True)))
        return value


SOLVES = {"count": 0}
_local = threading.local()


def _highs() -> highspy.Highs:
    """One solver per thread, emptied before each problem (building one costs more than a
    small problem's solve).

    Presolve is off. HiGHS's presolve has declared feasible problems infeasible again and
    again (ERGO-Code/HiGHS issues 1164, 1958, 2388, 2432, 3090); highspy 1.15.1 did so
    for a street summary of four interventions in one place and month
    (`test_four_interventions_of_one_institution_in_one_place_and_month_are_protected`).
    A presolve that wrongly cuts off solutions would also narrow an attacker's range
    unseen, and the baseline's narrower range loosens the criterion. These problems
    have a few dozen unknowns: without presolve the suppression, disclosure and national
    bench tests took 73 s of processor time against 69 s with it (one hypothesis seed)."""
    solver = getattr(_local, "solver", None)
    if solver is None:
        solver = _local.solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("random_seed", 0)
        solver.setOptionValue("presolve", "off")
    return solver


def _satisfies(problem: tuple, solution: Sequence[int]) -> bool:
    """Whether whole numbers `solution` meet every bound and row of `problem` exactly: a
    range is only ever widened by a solution checked here, never by the solver's word."""
    rows, bounds = problem
    if any(not low <= x <= high for x, (low, high) in zip(solution, bounds, strict=True)):
        return False
    for row, rhs, equal in rows:
        value = sum(c * solution[i] for i, c in row)
        if value < rhs or (equal and value != rhs):
            return False
    return True


def _solve(problem: tuple, target: int, minimise: bool) -> tuple[int, tuple[int, ...]]:
    """min or max of variable `target` over the whole-number solutions of `problem`, and a
    solution that attains it (HiGHS's branch and bound, exact for whole numbers)."""
    rows, bounds = problem
    n = len(bounds)
    SOLVES["count"] += 1
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    cost = np.zeros(n)
    cost[target] = 1.0 if minimise else -1.0
    lp.col_cost_ = cost
    lp.col_lower_ = np.array([b[0] for b in bounds], dtype=float)
    lp.col_upper_ = np.array([b[1] for b in bounds], dtype=float)
    lp.row_lower_ = np.array([rhs for _row, rhs, _equal in rows], dtype=float)
    lp.row_upper_ = np.array([rhs if equal else highspy.kHighsInf for _row, rhs, equal in rows], dtype=float)
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    starts, index, value = [0], [], []
    for row, _rhs, _equal in rows:
        for i, c in row:
            index.append(i)
            value.append(float(c))
        starts.append(len(index))
    matrix.start_, matrix.index_, matrix.value_ = starts, index, value
    matrix.num_col_, matrix.num_row_ = n, len(rows)
    solver = _highs()
    # The linear relaxation first: the lines of a table make a totally unimodular system
    # more often than not, and then its optimal vertex is whole and is the answer.
    for integral in (False, True):
        if integral:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        solver.clearModel()
        solver.passModel(lp)
        solver.run()
        status = solver.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:  # the true figures are a solution
            raise RuntimeError(f"attacker problem not solved: {solver.modelStatusToString(status)}")
        values = solver.getSolution().col_value
        solution = tuple(round(x) for x in values)
        if integral or all(abs(x - r) < 1e-9 for x, r in zip(values, solution, strict=True)):
            if not _satisfies(problem, solution):
                raise RuntimeError(f"attacker problem: the solver's solution breaks it: {solution}")
            return solution[target], solution
    raise AssertionError("unreachable")


# --- The criterion --------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One hidden figure as one reader can bound it, and whether that is allowed.

    `required` is the interval its range must cover (small counts) and `width` the
    number of values it must hold (other hidden figures); see the module docstring.
    """

    reader: str
    key: Hashable
    value: int
    mark: str
    low: int
    high: int | None
    required: tuple[int, int] | None
    width: int | None
    ok: bool

    @property
    def shown_range(self) -> str:
        return f"{self.low}..{'∞' if self.high is None else self.high}"


def _width(low: int, high: int | None) -> float:
    return float("inf") if high is None else high - low + 1


def _covers(low: int, high: int | None, need: tuple[int, int]) -> bool:
    return low <= need[0] and (high is None or high >= need[1])


class Judge:
    """The criterion for one reader and one publication (see the module docstring).

    The baseline attacker (the marks alone) is built only when the plain rule fails."""

    def __init__(
        self,
        figures: Figures,
        marks: Mapping,
        reader: Reader,
        memo: dict | None = None,
        witnesses: Sequence[dict] = (),
    ):
        self.figures, self.marks, self.reader = figures, marks, reader
        self.memo = {} if memo is None else memo
        self.attacker = Attacker(figures, marks, reader, self.memo, witnesses)
        self._baseline: Attacker | None = None

    def baseline(self) -> Attacker:
        """The same reader facing the marks alone: every visible number unknown (what the
        page's layout says, `Figures.known`, stays: hiding cannot take it back, and the
        layouts are chosen so that it never narrows a small count)."""
        if self._baseline is None:
            alone = {key: mark for key, mark in self.marks.items() if isinstance(mark, str)}
            self._baseline = Attacker(self.figures, alone, self.reader, self.memo)
        return self._baseline

    def check(self, key: Hashable) -> Check:
        figures, k = self.figures, self.figures.k
        value = figures.values[key]
        low, high = self.attacker.range(key)
        mark = self.marks[key]
        if value == 0:  # a hidden zero counts nobody: whatever the reader learns of it is allowed
            return Check(self.reader.name, key, value, mark, low, high, None, None, True)
        if 1 <= value <= k - 1:
            need = (max(1, self.reader.own.get(key, 0)), k - 1)
            ok = _covers(low, high, need)
            if not ok:
                base_low, base_high = self.baseline().range(key)
                need = (max(need[0], base_low), need[1] if base_high is None else min(need[1], base_high))
                ok = _covers(low, high, need)
            return Check(self.reader.name, key, value, mark, low, high, need, None, ok)
        width = k
        ok = _width(low, high) >= width
        if not ok:
            width = int(min(k, _width(*self.baseline().range(key))))
            ok = _width(low, high) >= width
        return Check(self.reader.name, key, value, mark, low, high, None, width, ok)

    def passes(self, key: Hashable, *, relative: bool = True) -> bool:
        """`check(key).ok`, asking the solver only what the answer needs: one side at a
        time, the baseline only for a side the plain rule fails (never when not
        `relative`: then the plain rule alone)."""
        k, value = self.figures.k, self.figures.values[key]
        attacker = self.attacker
        if value == 0:
            return True
        if 1 <= value <= k - 1:
            need_low, need_high = max(1, self.reader.own.get(key, 0)), k - 1
            if not attacker.reaches(key, need_high, up=True):
                if not relative:
                    return False
                base_high = self.baseline().range(key)[1]
                if base_high is None or not attacker.reaches(key, min(need_high, base_high), up=True):
                    return False
            if not attacker.reaches(key, need_low, up=False):
                if not relative:
                    return False
                base_low = self.baseline().range(key)[0]
                return attacker.reaches(key, max(need_low, base_low), up=False)
            return True
        if attacker.reaches(key, value + k - 1, up=True):
            return True  # the true value and one k−1 above it are both possible
        if not relative:
            return _width(*attacker.range(key)) >= k
        return self.check(key).ok


def hidden_keys(marks: Mapping) -> list:
    return sorted((key for key, mark in marks.items() if isinstance(mark, str)), key=repr)


def audit(figures: Figures, marks: Mapping, readers: Iterable[Reader] | None = None) -> list[Check]:
    """Every hidden published figure, as each reader can bound it (the attacker's ranges).
    A reader who knows every figure already (`others` false) learns nothing and is skipped."""
    memo: dict = {}
    checks = []
    for reader in readers_of(figures) if readers is None else readers:
        if not reader.others:
            continue
        judge = Judge(figures, marks, reader, memo)
        checks += [judge.check(key) for key in hidden_keys(marks)]
    return checks
