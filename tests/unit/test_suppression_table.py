"""Secondary suppression of a rows × columns table with totals: nothing hidden follows by one subtraction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.privacy.suppression import MIN_COUNT, suppress_table
from tests.support.derivation import leaks, table_lines

# Small areas: many counts of 0–4, some larger ones.
count = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(5, 40))


@st.composite
def small_area_tables(draw):
    n_rows, n_cols = draw(st.integers(1, 7)), draw(st.integers(1, 5))
    cells = {(f"r{r}", f"c{c}"): draw(count) for r in range(n_rows) for c in range(n_cols)}
    return cells, draw(st.booleans()), draw(st.booleans())


def _audit(cells, view, row_totals, col_totals):
    rows = {r: (sum(v for (rr, _), v in cells.items() if rr == r), view.rows.get(r)) for r, _ in cells}
    cols = {c: (sum(v for (_, cc), v in cells.items() if cc == c), view.cols.get(c)) for _, c in cells}
    grand = (sum(cells.values()), view.total)
    return table_lines(
        {k: (v, view.cells[k]) for k, v in cells.items()},
        rows if row_totals else None,
        cols if col_totals else None,
        grand if row_totals and col_totals else None,
    )


@settings(max_examples=600, deadline=None)
@given(small_area_tables())
def test_no_hidden_value_follows_from_the_shown_ones_by_one_subtraction(table):
    cells, row_totals, col_totals = table
    view = suppress_table(cells, row_totals=row_totals, col_totals=col_totals)
    assert leaks(_audit(cells, view, row_totals, col_totals)) == []
    assert all(view.cells[k] is None for k, v in cells.items() if v < MIN_COUNT)


def test_a_table_without_small_cells_is_shown_whole():
    cells = {("a", "x"): 5, ("a", "y"): 12, ("b", "x"): 7, ("b", "y"): 30}
    view = suppress_table(cells)
    assert view.cells == cells and view.rows == {"a": 17, "b": 37} and view.cols == {"x": 12, "y": 42}
    assert view.total == 54


def test_one_small_cell_takes_a_partner_in_its_row_and_its_column_and_a_fourth_cell():
    cells = {("a", "x"): 2, ("a", "y"): 12, ("b", "x"): 7, ("b", "y"): 30}
    view = suppress_table(cells)
    # The classic rectangle: hiding a, x needs a partner in row a and in column x, and those a fourth.
    assert [k for k, v in view.cells.items() if v is None] == [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]
    assert view.rows == {"a": 14, "b": 37} and view.cols == {"x": 9, "y": 42} and view.total == 51
    assert leaks(_audit(cells, view, True, True)) == []


def test_a_small_row_total_is_not_the_grand_total_minus_the_others():
    # Row c (a Land with 3) would be the national total minus the other rows.
    cells = {("a", "x"): 20, ("a", "y"): 30, ("b", "x"): 9, ("b", "y"): 11, ("c", "x"): 2, ("c", "y"): 1}
    view = suppress_table(cells)
    assert view.rows["c"] is None and view.total == 73
    assert sum(v is None for v in view.rows.values()) >= 2
    assert leaks(_audit(cells, view, True, True)) == []
