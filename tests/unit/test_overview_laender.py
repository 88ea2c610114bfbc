"""Länder comparison and growth per Land: small cells hidden for leitung, none drawn as a number."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from services.overview.laender import growth_frame, laender_frame


def test_small_land_and_a_complement_are_hidden():
    counts = {"14": 100, "01": 3, "02": 50}
    df = laender_frame(counts, 153, suppressed=True).set_index("Land")
    assert pd.isna(df.loc["Schleswig-Holstein", "Linksaktive"])
    assert pd.isna(df.loc["Schleswig-Holstein", "je 10.000 Einw."])
    hidden = df["Linksaktive"].isna()
    assert hidden.sum() >= 2  # the total is shown, so one hidden Land alone could be recomputed


def test_staff_see_true_counts_and_rates():
    df = laender_frame({"14": 100, "01": 3}, 103, suppressed=False).set_index("Land")
    assert df.loc["Schleswig-Holstein", "Linksaktive"] == 3
    assert df.loc["Sachsen", "je 10.000 Einw."] > 0


def test_growth_hides_small_months_for_leitung():
    start = datetime(2026, 6, 1)
    created = pd.DataFrame({"land_code": ["14"] * 7 + ["01"] * 2, "created_at": [datetime(2026, 7, 3)] * 9})
    g = growth_frame(created, suppressed=True, start=start)
    row = lambda land: g[(g["Land"] == land) & (g["Monat"] == datetime(2026, 7, 1).date())]["Neue"].iloc[0]  # noqa: E731
    assert row("Sachsen") == 7 and row("Schleswig-Holstein") is None
    assert growth_frame(created, suppressed=False, start=start).query("Land == 'Schleswig-Holstein'")["Neue"].sum() == 2
