"""Plain matching outcomes for staff and the gap per Kreis, largest first."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from services.matching.views import gap_by_kreis, plain_outcome


def test_plain_outcome_counts_placed_open_and_mean_distance():
    sol = SimpleNamespace(
        proposals=[SimpleNamespace(distance_km=2.0), SimpleNamespace(distance_km=6.0)], placed=2, needs_left_open=3
    )
    assert plain_outcome(sol) == {"placed": 2, "open": 3, "mean_km": 4.0}
    empty = SimpleNamespace(proposals=[], placed=0, needs_left_open=1)
    assert plain_outcome(empty)["mean_km"] is None


def test_gap_by_kreis_sorted_by_gap():
    df = pd.DataFrame({"name": ["A", "B", "C"], "offene_bedarfe": [3, 10, 5], "offene_angebote": [4, 1, 0]})
    assert list(gap_by_kreis(df)["name"]) == ["B", "C", "A"]
    assert list(gap_by_kreis(df)["luecke"]) == [9, 5, -1]
