"""Länder comparison (per 10,000 inhabitants) and growth per Land and month; suppressed for leitung."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import overview as q
from db.types import utcnow
from services.core.scope import Scope
from services.geo.files import kreise_table, laender_table
from services.map.data import national_figures
from services.privacy.suppression import hide_small_cells

MONTHS = 6


FAR_COL = "ohne Büro in Reichweite"


def laender_frame(counts: dict[str, int | None], far: dict[str, int | None] | None = None) -> pd.DataFrame:
    """Land, Linksaktive, ohne Büro in Reichweite, je 10.000 Einw.; a hidden count (None) hides its rate too.

    counts and far come already protected for leitung (one run with the Karte: national_figures).
    """
    pop = kreise_table().groupby("land_code")["population"].sum()
    names = laender_table().set_index("code")["name"]
    far = far or {}
    rows = []
    for code, name in names.items():
        n, f = counts.get(code, 0), far.get(code, 0)
        rate = None if n is None or not pop.get(code) else round(n / pop[code] * 10_000, 2)
        rows.append({"Land": name, "Linksaktive": n, FAR_COL: f, "je 10.000 Einw.": rate})
    df = pd.DataFrame(rows, columns=["Land", "Linksaktive", FAR_COL, "je 10.000 Einw."])
    # Integer counts and None for hidden ones (a plain frame would turn them into 7.0 and NaN).
    for col in ("Linksaktive", FAR_COL):
        df[col] = pd.Series([r[col] for r in rows], dtype=object)
    df["je 10.000 Einw."] = df["je 10.000 Einw."].astype(float)
    return df


def growth_frame(created: pd.DataFrame, suppressed: bool, start: datetime) -> pd.DataFrame:
    """New Linksaktive per Land and month (long form: Land, Monat, Neue) from counts per Land and day
    (land_code, day, n); small cells hidden for leitung."""
    names = laender_table().set_index("code")["name"]
    # Months in UTC without a zone (to_period would warn that it drops it).
    first = pd.Timestamp(start)
    first = first.tz_convert("UTC").tz_localize(None) if first.tzinfo else first
    months = pd.period_range(first.to_period("M"), periods=MONTHS + 1, freq="M")
    df = created.assign(Monat=pd.to_datetime(created["day"]).dt.to_period("M"))
    counts = df.groupby(["land_code", "Monat"])["n"].sum()
    grid = pd.MultiIndex.from_product([names.index, months], names=["land_code", "Monat"])
    out = counts.reindex(grid, fill_value=0).rename("Neue").reset_index()
    out["Land"] = out["land_code"].map(names)
    out["Monat"] = out["Monat"].dt.to_timestamp().dt.date
    out = out[["Land", "Monat", "Neue"]]
    out["Neue"] = out["Neue"].astype(int)
    if not suppressed:
        return out
    hidden = hide_small_cells(out, ("Neue",))
    # None, never NaN: a hidden cell reads '< 5' and is left out of the chart.
    hidden["Neue"] = hidden["Neue"].astype(object).where(hidden["Neue"].notna(), None)
    return hidden


def build_laender(
    session: Session, scope: Scope, reach_km: float | None = None, now: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Länder comparison (also without an office in reach) and the growth per Land, for a national scope.

    leitung's Land figures are those of the Karte's protection run (national_figures), so that a Land
    here and the Kreise there cannot be subtracted from each other.
    """
    now = now or utcnow()
    start = (now - timedelta(days=31 * MONTHS)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    figures = national_figures(session, scope, reach_km)
    comparison = laender_frame(figures.land, figures.land_far)
    growth = growth_frame(q.created_by_land(session, scope, start), not scope.sees_persons, start)
    return comparison, growth
