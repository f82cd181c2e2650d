"""Small-number suppression against an attacker with a solver (issue 15).

Each example of the issue is here with its numbers (the period pages' own tests are in
tests/cases/test_disclosure.py); the property tests draw random tables, thresholds and
institutions and ask the audit (krat.disclosure) for every reader; a brute-force
enumeration checks that the solver's ranges are the attacker's true ranges.
"""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from krat import disclosure
from krat import suppression as sup


def texts(cells):
    return [str(c) for c in cells]


def audit_failures(figures, hidden, readers=None):
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    return [check for check in disclosure.audit(figures, marks, readers) if not check.ok]


def breakdown_figures(total, breakdowns, k, contributions=None):
    values = {"total": total}
    lines = []
    for dimension, parts in breakdowns.items():
        values.update({(dimension, part): n for part, n in parts.items()})
        lines.append(sup.Line([(dimension, part) for part in parts], "total"))
    return sup.figures_of(values, lines, k, contributions=contributions)


# --- The marks -----------------------------------------------------------------------------------


def test_counts_below_k_show_as_less_than_k_and_a_lone_zero_stays_zero():
    table = sup.suppress_table([[0, 5, 7], [4, 3, 10]], 3)
    assert texts(table.cells[0]) == ["0", "5", "7"]
    table = sup.suppress_table([[0, 1, 2, 3, 10]], 3)
    # The zero beside the small counts is hidden with them: "< 3" never promises "at least one".
    assert texts(table.cells[0])[:3] == ["< 3", "< 3", "< 3"]
    assert not table.cells[0][0].primary and table.cells[0][1].primary


def test_the_mark_follows_the_value_alone():
    assert sup.hidden_cell(0, 3).text == "< 3"
    assert sup.hidden_cell(2, 3).text == "< 3"
    assert sup.hidden_cell(3, 3).text == "x"
    assert sup.hidden_cell(40, 5).text == "x" and sup.hidden_cell(4, 5).text == "< 5"


def test_exact_mode_hides_nothing():
    table = sup.suppress_table([[1, 2], [3, 4]], 3, suppressed=False)
    assert texts(table.cells[0]) == ["1", "2"]
    assert str(table.total) == "10"


def test_suppress_one_and_threshold():
    assert str(sup.suppress_one(4, 5)) == "< 5"
    assert str(sup.suppress_one(5, 5)) == "5"
    assert str(sup.suppress_one(0, 5)) == "0"
    assert sup.suppress_one(1, 3, suppressed=False).text == "1"


def test_cells_name_their_figure_for_the_audit():
    cells = sup.present(
        {"a": 1, "b": 4, "t": 5}, [sup.Line(["a", "b"], "t")], 3, suppressed=True, name=("v", 7)
    )
    assert cells["a"].key == (("v", 7), "a")
    assert sup.present({"a": 1}, [], 3, suppressed=False, name=("v", 7))["a"].key == (("v", 7), "a")


# --- The issue's examples, with their numbers ---------------------------------------------------


def test_issue_total_4_women_small_men_x_does_not_give_women_away():
    # Today: total 4, women "< 3", men "x" (3), unknown 0 → women = 1.
    today = breakdown_figures(4, {"sex": {"f": 1, "m": 3, "u": 0}}, 3)
    assert ("sex", "f") in {c.key for c in audit_failures(today, {("sex", "f"), ("sex", "m")})}
    hidden = sup.protect(today)
    assert audit_failures(today, hidden) == []
    _total, parts = sup.suppress_breakdowns(4, {"sex": {"f": 1, "m": 3, "u": 0}}, 3)
    assert str(parts["sex"]["f"]) == "< 3"


def test_issue_two_small_cells_in_a_line_of_two_are_not_both_one():
    figures = breakdown_figures(2, {"sex": {"f": 1, "m": 1, "u": 0}}, 3)
    # Today's pattern hides the two 1s and the total 2 ("< 3") and shows the zero: with the
    # marks' bounds the two add up to at most 2 and at least... each 1..2 → both 1. Now the
    # zero is hidden with them, and "< 3" means 0..2.
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []
    checks = disclosure.audit(figures, {key: figures.mark(key, key in hidden) for key in figures.published})
    f = next(c for c in checks if c.key == ("sex", "f"))
    assert f.low <= 1 and f.high == 2


def test_issue_identified_by_16_with_8_3_3_0_visible():
    parts = {"police": 8, "social": 3, "mobile": 3, "ngo": 0, "self": 1, "unknown": 1}
    figures = breakdown_figures(16, {"identified_by": parts}, 3)
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []
    # The zero beside the two small counts is hidden too: three "< 3" add up to 2.
    assert ("identified_by", "ngo") in hidden


def test_issue_a_representative_cannot_subtract_their_own_figures():
    # County women 7: institution A 2, institution B 5. B's representative knows their 5.
    contributions = {
        "A": {"total": 10, ("sex", "f"): 2, ("sex", "m"): 8, ("sex", "u"): 0},
        "B": {"total": 20, ("sex", "f"): 5, ("sex", "m"): 15, ("sex", "u"): 0},
    }
    figures = breakdown_figures(30, {"sex": {"f": 7, "m": 23, "u": 0}}, 3, contributions)
    # Nothing is small in the county table, but B subtracts: 7 − 5 = 2 is A's, exact.
    # The county's own figures are not A's: the audit protects county cells, and the
    # per-institution grids are not published to readers who do not see them exact.
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []
    # A small county cell with a representative's own part in it stays covered.
    contributions = {
        "A": {"total": 4, ("sex", "f"): 1, ("sex", "m"): 3, ("sex", "u"): 0},
        "B": {"total": 5, ("sex", "f"): 1, ("sex", "m"): 4, ("sex", "u"): 0},
    }
    figures = breakdown_figures(9, {"sex": {"f": 2, "m": 7, "u": 0}}, 3, contributions)
    hidden = sup.protect(figures)
    assert ("sex", "f") in hidden
    assert audit_failures(figures, hidden) == []
    readers = disclosure.readers_of(figures)
    assert [r.name for r in readers] == ["observer", "representative:A", "representative:B"]


def test_issue_employment_ready_67_with_63_visible():
    # Ready for work by group: 67 in all, 63 visible, two "< 3" → both 2.
    parts = {"aid": 30, "survivor": 2, "roma": 33, "disabled": 2, "other": 0}
    figures = breakdown_figures(67, {"group": parts}, 3)
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []
    # Completed training 23, 21 visible: 1 and 1.
    parts = {"aid": 10, "survivor": 1, "roma": 11, "disabled": 1, "other": 0}
    figures = breakdown_figures(23, {"group": parts}, 3)
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []


def test_issue_companion_counts_interventions_with_children():
    # 2 interventions, children "< 3": every intervention met a child, so children = 2.
    values = {"children": 2, "interventions": 2}
    bounds = [sup.AtMost(["interventions"], ["children"]), sup.AtMost(["children"], ["interventions"], 10000)]
    figures = sup.figures_of(values, [], 3, bounds=bounds)
    assert audit_failures(figures, {"children"})  # today's pattern gives the 2 away
    hidden = sup.protect(figures)
    assert hidden == {"children", "interventions"}
    assert audit_failures(figures, hidden) == []


# --- The method ---------------------------------------------------------------------------------


def test_a_lone_small_cell_in_a_row_takes_a_complement_with_room_to_move():
    # girls 2, boys 7, unknown 12: total 21 would give the 2 away once 7 and 12 are shown.
    total, parts = sup.suppress_breakdowns(21, {"sex": {"f": 2, "m": 7, "u": 12}}, 3)
    assert texts(parts["sex"].values()) == ["< 3", "x", "12"]
    assert str(total) == "21"


def test_a_total_is_shown_when_its_line_has_room():
    total, parts = sup.suppress_breakdowns(10, {"sex": {"f": 1, "m": 2, "u": 7}}, 3)
    assert str(total) == "10" and str(parts["sex"]["u"]) == "7"


def test_a_two_way_table_hides_a_rectangle_and_keeps_its_margins():
    table = sup.suppress_table([[1, 5], [4, 6]], 3)
    assert texts(table.cells[0]) == ["< 3", "x"] and texts(table.cells[1]) == ["x", "x"]
    assert texts(table.row_totals) == ["6", "10"] and texts(table.column_totals) == ["5", "11"]


def test_the_same_figures_give_the_same_pattern():
    rows = [[1, 0, 4, 9], [2, 2, 0, 12], [0, 7, 1, 3]]
    first = sup.suppress_table(rows, 3)
    for _ in range(3):
        assert sup.suppress_table(rows, 3) == first


def test_the_attacker_range_is_exact_and_open_above():
    figures = breakdown_figures(10, {"sex": {"f": 1, "m": 9, "u": 0}}, 3)
    marks = {
        key: figures.mark(key, key in {("sex", "f"), ("sex", "m"), "total"}) for key in figures.published
    }
    attacker = disclosure.Attacker(figures, marks, disclosure.OBSERVER)
    assert attacker.range(("sex", "f")) == (0, 2)
    assert attacker.range("total") == (3, None)  # "x" with an "x" below it: no upper limit


def test_attackers_of_the_same_figures_share_one_structure_which_no_pickle_carries():
    """`Figures.structure` is built once per figures: every attacker (a thousand on a national
    page) reads the same relations; what the cache keeps of figures leaves it out."""
    import pickle

    figures = breakdown_figures(10, {"sex": {"f": 1, "m": 9, "u": 0}}, 3)
    marks = {key: figures.mark(key, key == ("sex", "f")) for key in figures.published}
    first = disclosure.Attacker(figures, marks, disclosure.OBSERVER)
    second = disclosure.Attacker(figures, {**marks, ("sex", "m"): disclosure.LARGE}, disclosure.OBSERVER)
    assert first.relations is second.relations is figures.structure.relations
    kept = pickle.loads(pickle.dumps(figures))  # noqa: S301 - our own bytes, as the cache does
    assert "structure" not in kept.__dict__
    assert kept == figures and kept.structure == figures.structure


def test_a_solution_is_trusted_only_when_it_meets_every_row_and_bound():
    """`_solve` checks what HiGHS returns in whole numbers before a range is widened by it."""
    # x0 + x1 = 4 (equal), x0 − x1 ≥ 0; 0 ≤ x0, x1 ≤ 3
    problem = ((((0, 1), (1, 1)), 4, True), (((0, 1), (1, -1)), 0, False)), ((0, 3), (0, 3))
    assert disclosure._satisfies(problem, (2, 2))
    assert disclosure._satisfies(problem, (3, 1))
    assert not disclosure._satisfies(problem, (1, 3))  # breaks x0 − x1 ≥ 0
    assert not disclosure._satisfies(problem, (3, 2))  # breaks the equation
    assert not disclosure._satisfies(problem, (4, 0))  # breaks x0's bound
    assert disclosure._solve(problem, 0, True) == (2, (2, 2))
    assert disclosure._solve(problem, 0, False) == (3, (3, 1))


# --- The solver is the attacker: brute force agrees on small problems ----------------------------


def _brute_range(figures, marks, key, limit):
    """Every whole-number filling of the one line's parts within their marks (an "x" up to
    `limit`, standing for no limit), the total their sum: the range of `key`."""
    k = figures.k

    def allowed(other):
        mark = marks.get(other)
        if mark == disclosure.SMALL:
            return range(0, k)
        if mark == disclosure.LARGE:
            return range(k, limit + 1)
        return [mark]

    (line,) = figures.lines
    found = []
    for combo in itertools.product(*(allowed(part) for part in line.parts)):
        value = dict(zip(line.parts, combo, strict=True))
        value[line.total] = sum(combo)
        total, mark = value[line.total], marks[line.total]
        if (mark == disclosure.LARGE and total >= k) or total in allowed(line.total):
            found.append(value[key])
    return min(found), max(found)


@settings(max_examples=40, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=5), min_size=2, max_size=3),
    hide=st.lists(st.booleans(), min_size=4, max_size=4),
    k=st.integers(min_value=2, max_value=4),
)
def test_the_solver_finds_the_attackers_exact_range(parts, hide, k):
    figures = breakdown_figures(sum(parts), {"d": dict(enumerate(parts))}, k)
    keys = list(figures.values)
    hidden = {key for key, h in zip(keys, hide, strict=False) if h}
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    attacker = disclosure.Attacker(figures, marks, disclosure.OBSERVER)
    limit = 60  # the brute force's stand-in for "no limit": far above any bounded maximum here
    for key in hidden:
        low, high = attacker.range(key)
        brute_low, brute_high = _brute_range(figures, marks, key, limit)
        assert low == brute_low
        assert high == brute_high or (high is None and brute_high >= limit)


# --- Properties: random tables, thresholds and institutions; every reader --------------------------

tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=cols, max_size=cols), min_size=1, max_size=4
    )
)


def _split(rows, institutions, draw):
    """Each cell of `rows` split among `institutions`, and each one's table of parts."""
    parts = {i: [[0] * len(rows[0]) for _ in rows] for i in range(institutions)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            for _ in range(value):
                parts[draw(st.integers(0, institutions - 1))][r][c] += 1
    return {f"inst{i}": sup.table_values(table) for i, table in parts.items()}


@settings(max_examples=60, deadline=None)
@given(rows=tables, k=st.integers(min_value=2, max_value=5), institutions=st.integers(1, 3), data=st.data())
def test_no_reader_bounds_a_hidden_cell_of_a_table_beyond_its_mark(rows, k, institutions, data):
    values = sup.table_values(rows)
    contributions = _split(rows, institutions, data.draw)
    figures = sup.figures_of(values, sup.table_lines(len(rows), len(rows[0])), k, contributions=contributions)
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []
    for key in figures.published:
        value = figures.values[key]
        if sup.is_small(value, k):
            assert key in hidden
        if key not in hidden:
            assert value == 0 or value >= k


breakdowns = st.dictionaries(
    st.sampled_from(["sex", "age", "form", "citizenship"]),
    st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=5),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(
    parts=breakdowns, k=st.integers(min_value=2, max_value=5), institutions=st.integers(1, 3), data=st.data()
)
def test_no_reader_bounds_a_hidden_cell_of_linked_breakdowns_beyond_its_mark(parts, k, institutions, data):
    # Every breakdown adds up to the same total, the difference in "unknown"; the people are
    # spread over the institutions one by one, each keeping its breakdowns consistent.
    total = max(sum(v) for v in parts.values())
    shaped = {}
    for dimension, counts in parts.items():
        shaped[dimension] = {str(i): c for i, c in enumerate(counts)}
        shaped[dimension]["unknown"] = total - sum(counts)
    people = {
        dimension: [p for p, n in counts.items() for _ in range(n)] for dimension, counts in shaped.items()
    }
    contributions: dict = {}
    for person in range(total):
        owner = f"inst{data.draw(st.integers(0, institutions - 1))}"
        own = contributions.setdefault(owner, {"total": 0})
        own["total"] += 1
        for dimension, order in people.items():
            key = (dimension, order[person])
            own[key] = own.get(key, 0) + 1
    figures = breakdown_figures(total, shaped, k, contributions)
    hidden = sup.protect(figures)
    assert audit_failures(figures, hidden) == []


def _union_groups(figures, attacker):
    """The groups by definition: join every two unknown figures of a relation (union-find)."""
    parent = {key: key for key in figures.values if attacker.limits(key)[0] < attacker.limits(key)[1]}

    def find(key):
        while parent[key] != key:
            key = parent[key]
        return key

    for terms in figures.structure.relations:
        keys = [key for key, _c in terms if key in parent]
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    groups: dict = {}
    for key in parent:
        groups.setdefault(find(key), set()).add(key)
    return {key: groups[find(key)] for key in parent}


@settings(max_examples=60, deadline=None)
@given(
    rows=tables,
    k=st.integers(min_value=2, max_value=5),
    hide=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_an_attackers_groups_are_the_unknown_figures_its_relations_join(rows, k, hide):
    """`Attacker.group` walks the relations from one figure; it finds what joining every two
    unknown figures of a relation finds, with its members in rank order, the first the root."""
    values = sup.table_values(rows)
    figures = sup.figures_of(values, sup.table_lines(len(rows), len(rows[0])), k)
    hidden = {key for key, h in zip(figures.published, hide, strict=False) if h}
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    attacker = disclosure.Attacker(figures, marks, disclosure.OBSERVER)
    expected = _union_groups(figures, attacker)
    rank = figures.structure.rank
    for key in figures.values:
        group = attacker.group(key)
        assert set(group) == expected.get(key, {key})
        assert group == sorted(group, key=rank.__getitem__)


def test_an_attacker_works_out_only_the_figures_it_is_asked_about():
    """Two breakdowns that share no figure: a range of one never reads the other's marks
    (a cold national page builds a thousand attackers and asks most of them one thing)."""
    values = {"a": 6, ("a", 1): 2, ("a", 2): 4, "b": 9, ("b", 1): 1, ("b", 2): 8}
    lines = [sup.Line([("a", 1), ("a", 2)], "a"), sup.Line([("b", 1), ("b", 2)], "b")]
    figures = sup.figures_of(values, lines, 3)
    marks = {
        key: figures.mark(key, key in {("a", 1), ("a", 2), ("b", 1), ("b", 2)}) for key in figures.published
    }
    attacker = disclosure.Attacker(figures, marks, disclosure.OBSERVER)
    assert attacker.range(("a", 1)) == (0, 2)
    assert set(attacker._limits) == {"a", ("a", 1), ("a", 2)}
    assert attacker.reaches(("b", 2), 8, up=True)  # the true figure answers: no group formed
    assert set(attacker._group_of) == {("a", 1), ("a", 2)}
