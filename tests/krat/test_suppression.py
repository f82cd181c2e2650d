"""Small-number suppression: primary, complementary, and what totals may show."""

from hypothesis import given, settings
from hypothesis import strategies as st

from krat import suppression as sup


def texts(cells):
    return [str(c) for c in cells]


def test_counts_below_k_show_as_less_than_k_and_zero_stays_zero():
    table = sup.suppress_table([[0, 1, 2, 3, 10]], 3)
    assert texts(table.cells[0])[:3] == ["0", "< 3", "< 3"]
    assert table.cells[0][0].hidden is False


def test_exact_mode_hides_nothing():
    table = sup.suppress_table([[1, 2], [3, 4]], 3, suppressed=False)
    assert texts(table.cells[0]) == ["1", "2"]
    assert str(table.total) == "10"


def test_a_lone_small_cell_in_a_row_takes_the_next_smallest_with_it():
    # girls 2, boys 7, unknown 12: total 21 would give the 2 away once 7 and 12 are shown.
    total, parts = sup.suppress_breakdowns(21, {"sex": {"f": 2, "m": 7, "u": 12}}, 3)
    assert texts(parts["sex"].values()) == ["< 3", "x", "12"]
    assert str(total) == "21"


def test_zeros_are_never_used_as_complementary_cells():
    _total, parts = sup.suppress_breakdowns(9, {"sex": {"f": 2, "m": 0, "u": 7}}, 3)
    assert texts(parts["sex"].values()) == ["< 3", "0", "x"]
    assert parts["sex"]["m"].hidden is False


def test_a_total_that_would_reveal_the_only_hidden_part_is_hidden():
    # Only one non-zero part: hiding it leaves the total equal to it.
    total, parts = sup.suppress_breakdowns(2, {"sex": {"f": 2, "m": 0}}, 3)
    assert total.hidden and parts["sex"]["f"].hidden
    # A large lone part: the total (12) would reveal it if the part alone were hidden? no —
    # 12 is not small, so nothing is hidden at all.
    total, parts = sup.suppress_breakdowns(12, {"sex": {"f": 12, "m": 0}}, 3)
    assert not total.hidden


def test_a_hidden_total_spreads_to_the_other_breakdowns_of_the_same_total():
    total, parts = sup.suppress_breakdowns(
        2, {"sex": {"f": 2, "m": 0}, "age": {"child": 1, "adult": 1, "unknown": 0}}, 3
    )
    assert total.hidden
    assert all(c.hidden for c in (parts["age"]["child"], parts["age"]["adult"]))


def test_a_table_total_that_would_reveal_a_hidden_cell_is_hidden_or_a_partner_is():
    table = sup.suppress_table([[1, 5], [4, 6]], 3)
    # Row 0 has a small cell → its partner (5) is hidden too; column 0 likewise (4).
    assert table.cells[0][0].primary
    assert table.cells[0][1].hidden and table.cells[1][0].hidden
    # Column 1 and row 1 now have one hidden cell each → 6 is hidden as well.
    assert table.cells[1][1].hidden
    assert str(table.total) == "16"


def test_nested_breakdown_protects_foreign_victims_by_country():
    _total, parts = sup.suppress_breakdowns(
        20,
        {"citizenship": {"al": 15, "foreign": 5, "unknown": 0}},
        3,
        nested={("citizenship", "foreign"): {"XK": 1, "GR": 4}},
    )
    by_country = parts[("citizenship", "foreign")]
    assert by_country["XK"].primary and by_country["GR"].hidden
    assert str(parts["citizenship"]["al"]) == "15"


def test_a_total_is_shown_when_its_line_has_two_hidden_parts():
    total, parts = sup.suppress_breakdowns(10, {"sex": {"f": 1, "m": 2, "u": 7}}, 3)
    assert str(total) == "10" and str(parts["sex"]["u"]) == "7"


def test_suppress_one_and_threshold():
    assert str(sup.suppress_one(4, 5)) == "< 5"
    assert str(sup.suppress_one(5, 5)) == "5"
    assert str(sup.suppress_one(0, 5)) == "0"
    assert sup.suppress_one(1, 3, suppressed=False).text == "1"


def _recoverable(values, lines, hidden):
    """A hidden cell that a line gives away: the only hidden cell of one line."""
    found = []
    for line in lines:
        members = [*line.parts, line.total]
        hidden_members = [key for key in members if key in hidden]
        if len(hidden_members) == 1:
            found.append(hidden_members[0])
    return found


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=cols, max_size=cols), min_size=1, max_size=5
    )
)


@settings(max_examples=300, deadline=None)
@given(rows=tables, k=st.integers(min_value=2, max_value=5))
def test_no_hidden_cell_of_a_table_is_recoverable_by_subtraction(rows, k):
    values = sup.table_values(rows)
    lines = sup.table_lines(len(rows), len(rows[0]))
    cells = sup.suppress(values, lines, k)
    hidden = {key for key, cell in cells.items() if cell.hidden}
    assert _recoverable(values, lines, hidden) == []
    for key, cell in cells.items():
        if sup.is_small(values[key], k):
            assert cell.primary and cell.text == f"< {k}"
        if values[key] == 0:
            assert not cell.hidden
        if not cell.hidden:
            assert cell.text == str(values[key])
    # Every line still adds up for whoever sees exact figures.
    for line in lines:
        assert sum(values[p] for p in line.parts) == values[line.total]


breakdowns = st.dictionaries(
    st.sampled_from(["sex", "age", "form", "citizenship"]),
    st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=6),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(parts=breakdowns, k=st.integers(min_value=2, max_value=5))
def test_no_hidden_cell_of_linked_breakdowns_is_recoverable(parts, k):
    # Make every breakdown add up to the same total by putting the difference in "unknown".
    total = max(sum(v) for v in parts.values())
    shaped = {}
    for dimension, counts in parts.items():
        shaped[dimension] = {str(i): c for i, c in enumerate(counts)}
        shaped[dimension]["unknown"] = total - sum(counts)
    values = {"total": total}
    lines = []
    for dimension, counts in shaped.items():
        for part, count in counts.items():
            values[(dimension, part)] = count
        lines.append(sup.Line([(dimension, part) for part in counts], "total"))
    total_cell, result = sup.suppress_breakdowns(total, shaped, k)
    hidden = {(d, p) for d, cells in result.items() for p, c in cells.items() if c.hidden}
    if total_cell.hidden:
        hidden.add("total")
    assert _recoverable(values, lines, hidden) == []
    assert _pinned(lines, hidden) == []


def _rank(rows):
    """Rank over the rationals, by plain elimination (independent of the module's solver)."""
    from fractions import Fraction

    matrix = [[Fraction(v) for v in row] for row in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _pinned(lines, hidden):
    """Hidden cells whose value follows exactly from all lines taken together."""
    unknowns = sorted(hidden, key=repr)
    rows = []
    for line in lines:
        row = [0] * len(unknowns)
        for i, key in enumerate(unknowns):
            row[i] = (1 if key in line.parts else 0) - (1 if key == line.total else 0)
        rows.append(row)
    base = _rank(rows) if rows else 0
    pinned = []
    for i, key in enumerate(unknowns):
        unit = [1 if j == i else 0 for j in range(len(unknowns))]
        if _rank([*rows, unit]) == base:
            pinned.append(key)
    return pinned


def test_a_bridge_between_two_blocks_of_hidden_cells_is_broken():
    # Two 2×2 blocks of small cells joined by one cell: row and column rules alone leave
    # the joining cell pinned by combining lines; the solver hides one more cell.
    rows = [
        [1, 1, 1, 0, 9],
        [1, 1, 0, 0, 9],
        [0, 0, 1, 1, 9],
        [0, 0, 1, 1, 9],
        [9, 9, 9, 9, 9],
    ]
    values = sup.table_values(rows)
    lines = sup.table_lines(5, 5)
    by_lines_only = {key for key, value in values.items() if sup.is_small(value, 2)}
    sup._line_rule(values, lines, by_lines_only)
    assert _pinned(lines, by_lines_only) == [("c", 0, 2)]  # the bridge
    cells = sup.suppress(values, lines, 2)
    hidden = {key for key, cell in cells.items() if cell.hidden}
    assert _pinned(lines, hidden) == []


@settings(max_examples=200, deadline=None)
@given(rows=tables, k=st.integers(min_value=2, max_value=5))
def test_no_hidden_cell_of_a_table_is_pinned_by_any_combination_of_lines(rows, k):
    values = sup.table_values(rows)
    lines = sup.table_lines(len(rows), len(rows[0]))
    cells = sup.suppress(values, lines, k)
    hidden = {key for key, cell in cells.items() if cell.hidden}
    assert _pinned(lines, hidden) == []
