"""Small-group protection (DESIGN §3.2)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from services.privacy.suppression import hide_small_cells, suppress_breakdown, suppress_frame, suppress_value
from tests.support.derivation import line_leaks


def test_suppress_value():
    assert [suppress_value(v) for v in (None, 0, 1, 4, 5, 120)] == [None, None, None, None, 5, 120]


def test_single_hidden_part_beside_total_hides_another():
    shown, total = suppress_breakdown({"a": 3, "b": 10, "c": 20}, 33)
    assert total == 33 and shown["a"] is None
    assert sum(v is None for v in shown.values()) >= 2
    assert shown["b"] is None  # the smallest visible part goes too


def test_small_total_hides_everything():
    assert suppress_breakdown({"a": 2, "b": 2}, 4) == ({"a": None, "b": None}, None)


def test_zero_parts_stay_visible_and_do_not_count_as_hidden():
    shown, total = suppress_breakdown({"a": 0, "b": 10, "c": 20}, 30)
    assert shown == {"a": None, "b": 10, "c": 20} and total == 30


def test_hidden_parts_beside_a_total_never_add_up_to_a_small_group():
    # A PLZ with 23: 20 contacts shown, so "aktiv" and "Mitglied" together would be 23 - 20 = 3.
    parts = {"contact": 20, "active": 2, "member": 1}
    shown, total = suppress_breakdown(parts, 23)
    assert total == 23 and shown == {"contact": None, "active": None, "member": None}
    assert line_leaks("PLZ", (23, total), [(parts[k], shown[k]) for k in parts]) == []


@given(st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.integers(0, 4), st.integers(0, 40)), min_size=1))
def test_no_hidden_count_can_be_recomputed(parts):
    total = sum(parts.values())
    shown, total_shown = suppress_breakdown(parts, total)
    values = [v for v in shown.values() if v is not None] + ([total_shown] if total_shown is not None else [])
    assert all(v >= 5 for v in values)
    hidden = [k for k, v in shown.items() if v is None and parts[k] > 0]
    if total_shown is not None:
        assert len(hidden) != 1
    assert line_leaks("breakdown", (total, total_shown), [(parts[k], shown[k]) for k in parts]) == []


def test_frame_hides_dependent_rates():
    df = pd.DataFrame({"kreis": ["a", "b"], "n": [3, 50], "rate": [0.33, 0.5]})
    out = suppress_frame(df, "n", ("rate",))
    assert out.loc[0, "n"] is None and out.loc[0, "rate"] is None
    assert out.loc[1, "n"] == 50 and out.loc[1, "rate"] == 0.5


def test_hide_small_cells():
    out = hide_small_cells(pd.DataFrame({"x": [1, 5, 0], "y": [9, 4, 7]}), ("x", "y"))
    assert list(out["x"]) == [None, 5, None] and list(out["y"]) == [9, None, 7]


@given(
    st.dictionaries(st.sampled_from("abcd"), st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=1),
    st.integers(0, 3),
)
def test_the_shortcut_decides_as_the_full_protection(parts, rest):
    # suppress_breakdown skips protect() for lines without a small part; it must hide exactly the same.
    from services.privacy.suppression import _protected_breakdown

    total = sum(parts.values()) + rest
    assert suppress_breakdown(parts, total) == _protected_breakdown(parts, total)
