"""Suppression of the Helfer:innen-Karte's Kreis frame for leitung, and the map's features."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from components.needs_map import HIDDEN_FILL, circle_features, gap_color, kreis_gap_features, popup_html
from services.matching.needs_map import GAP, NEEDS, OFFERS, NeedsMap, ranked, suppress_needs
from tests.support.derivation import line_leaks


def frame(needs, offers) -> pd.DataFrame:
    n = len(needs)
    df = pd.DataFrame(
        {
            "ags": [f"{i:05d}" for i in range(n)],
            "name": [f"Kreis {i}" for i in range(n)],
            "land_code": ["14"] * n,
            "lat": [51.0] * n,
            "lon": [12.0] * n,
            NEEDS: needs,
            OFFERS: offers,
        }
    )
    df[GAP] = df[NEEDS] - df[OFFERS]
    return df


def test_small_counts_and_their_gaps_are_hidden():
    out, total_needs, total_offers = suppress_needs(frame([12, 3, 0, 40], [7, 9, 0, 2]))
    # Needs: exactly one hidden non-zero part (3) beside the total, so the smallest visible (12) goes too.
    assert list(out[NEEDS]) == [None, None, None, 40] and total_needs == 55
    # Offers: one hidden non-zero part (2), so 7 goes too.
    assert list(out[OFFERS]) == [None, 9, None, None] and total_offers == 18
    # A gap is shown only where both counts are.
    assert list(out[GAP]) == [None, None, None, None]


def test_gap_shown_where_both_counts_are():
    out, total_needs, total_offers = suppress_needs(frame([12, 3, 2, 40], [7, 9, 3, 2]))
    assert list(out[NEEDS]) == [12, None, None, 40] and list(out[OFFERS]) == [7, 9, None, None]
    assert list(out[GAP]) == [5, None, None, None]


def test_one_hidden_part_beside_a_total_hides_one_more():
    out, total_needs, _ = suppress_needs(frame([20, 2, 30], [5, 5, 5]))
    assert total_needs == 52
    hidden = [v is None for v in out[NEEDS]]
    assert hidden[1] and sum(hidden) == 2  # 20 (the smallest visible) is hidden as well
    assert out[GAP][0] is None  # its gap would give it away


def test_hidden_cells_beside_a_total_never_add_up_to_a_small_group():
    # Offers 7, 9, 1, 1 with the total 18 shown: 18 - 7 - 9 would say the last two Kreise have 2.
    out, _, total_offers = suppress_needs(frame([12, 3, 2, 40], [7, 9, 1, 1]))
    assert total_offers == 18 and list(out[OFFERS]) == [None, 9, None, None]
    assert line_leaks("offers", (18, total_offers), list(zip([7, 9, 1, 1], out[OFFERS]))) == []


def test_small_total_hides_everything():
    out, total_needs, total_offers = suppress_needs(frame([2, 1], [6, 0]))
    assert total_needs is None and list(out[NEEDS]) == [None, None]
    assert total_offers == 6


def test_the_raw_frame_is_not_changed():
    raw = frame([3, 8], [1, 9])
    suppress_needs(raw)
    assert list(raw[NEEDS]) == [3, 8] and list(raw[OFFERS]) == [1, 9]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=12))
def test_no_visible_count_below_five_and_no_recomputable_cell(rows):
    raw = frame([r[0] for r in rows], [r[1] for r in rows])
    out, total_needs, total_offers = suppress_needs(raw)
    for col, total in ((NEEDS, total_needs), (OFFERS, total_offers)):
        shown = [v for v in out[col] if v is not None]
        assert all(v >= 5 for v in shown)
        assert total is None or total >= 5
        hidden_nonzero = [r for r, v in zip(raw[col], out[col]) if v is None and r > 0]
        if total is not None:
            # total − visible parts = the sum of the hidden ones: never a single hidden count.
            assert len(hidden_nonzero) != 1
        assert line_leaks(col, (int(raw[col].sum()), total), list(zip(raw[col], out[col]))) == []
    for gap, n, o in zip(out[GAP], out[NEEDS], out[OFFERS]):
        assert (gap is None) == (n is None or o is None)


def test_ranking_puts_hidden_gaps_last_and_drops_rows_without_anything():
    out, tn, to = suppress_needs(frame([50, 3, 9, 2, 0], [5, 40, 9, 3, 3]))
    data = NeedsMap(True, out, tn, to, ((50, 10), (52, 13)))
    table = ranked(data)
    assert list(table["name"]) == ["Kreis 0", "Kreis 2", "Kreis 1"]
    plain = NeedsMap(False, frame([1, 0, 7], [4, 0, 2]), 8, 6, ((50, 10), (52, 13)))
    assert list(ranked(plain)["name"]) == ["Kreis 2", "Kreis 0"]


def test_popup_escapes_and_hides():
    row = {"ags": "14713", "name": "<script>x</script>", NEEDS: None, OFFERS: 7, GAP: None, "lat": 51.3, "lon": 12.4}
    html = popup_html(row)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Offene Bedarfe: &lt; 5" in html and "Offene Angebote: 7" in html and "ausgeblendet" in html
    assert gap_color(None) == HIDDEN_FILL and gap_color(12) != gap_color(-12)
    # A hidden count gets no circle (its size would tell), nor does zero.
    assert circle_features([row], NEEDS) == []
    assert len(circle_features([row], OFFERS)) == 1
    geo = [
        {
            "type": "Feature",
            "properties": {"ags": "14713"},
            "geometry": {"type": "Point", "coordinates": [12.123456, 51.654321]},
        }
    ]
    (feat,) = kreis_gap_features(geo, [row])
    assert feat["geometry"]["coordinates"] == [12.123, 51.654]
    assert feat["properties"]["s"]["fillColor"] == HIDDEN_FILL
