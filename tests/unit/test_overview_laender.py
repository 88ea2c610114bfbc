"""Länder comparison and growth per Land: small cells hidden for leitung, none drawn as a number."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from services.overview.laender import growth_frame, laender_frame


def test_hidden_land_figures_read_none_and_hide_their_rate():
    # For leitung the counts come protected from the Karte's run (None = hidden); the rate goes with them.
    df = laender_frame({"14": 100, "01": None, "02": 50}, {"14": 40, "01": None, "02": None}).set_index("Land")
    assert df.loc["Schleswig-Holstein", "Linksaktive"] is None
    assert pd.isna(df.loc["Schleswig-Holstein", "je 10.000 Einw."])
    assert df.loc["Sachsen", "ohne Büro in Reichweite"] == 40 and df.loc["Hamburg", "ohne Büro in Reichweite"] is None
    assert df.loc["Sachsen", "Linksaktive"] == 100 and not isinstance(df.loc["Sachsen", "Linksaktive"], float)


def test_staff_see_true_counts_and_rates():
    df = laender_frame({"14": 100, "01": 3}, {"14": 30, "01": 3}).set_index("Land")
    assert df.loc["Schleswig-Holstein", "Linksaktive"] == 3
    assert df.loc["Schleswig-Holstein", "ohne Büro in Reichweite"] == 3
    assert df.loc["Sachsen", "je 10.000 Einw."] > 0


def test_growth_hides_small_months_for_leitung():
    start = datetime(2026, 6, 1)
    # Counts per Land and day, as the rollup gives them: 7 in Sachsen over two days, 2 in Schleswig-Holstein.
    created = pd.DataFrame(
        {
            "land_code": ["14", "14", "01"],
            "day": [date(2026, 7, 3), date(2026, 7, 30), date(2026, 7, 3)],
            "n": [4, 3, 2],
        }
    )
    g = growth_frame(created, suppressed=True, start=start)
    row = lambda land: g[(g["Land"] == land) & (g["Monat"] == datetime(2026, 7, 1).date())]["Neue"].iloc[0]  # noqa: E731
    assert row("Sachsen") == 7 and row("Schleswig-Holstein") is None
    assert growth_frame(created, suppressed=False, start=start).query("Land == 'Schleswig-Holstein'")["Neue"].sum() == 2
