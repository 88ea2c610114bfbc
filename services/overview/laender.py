"""Länder comparison (per 10,000 inhabitants) and growth per Land and month; suppressed for leitung."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import overview as q
from db.types import utcnow
from services.core.scope import Scope
from services.geo.files import kreise_table, laender_table
from services.privacy.suppression import hide_small_cells, suppress_breakdown

MONTHS = 6


def laender_frame(counts: dict[str, int], total: int, suppressed: bool) -> pd.DataFrame:
    """Land, Linksaktive, Einwohner:innen, je 10.000 Einw.; hidden counts (and their rate) are None."""
    pop = kreise_table().groupby("land_code")["population"].sum()
    names = laender_table().set_index("code")["name"]
    parts = {code: counts.get(code, 0) for code in names.index}
    if suppressed:
        parts, _ = suppress_breakdown(parts, total)
    rows = []
    for code, name in names.items():
        n = parts.get(code)
        rate = None if n is None or not pop.get(code) else round(n / pop[code] * 10_000, 2)
        rows.append({"Land": name, "Linksaktive": n, "je 10.000 Einw.": rate})
    df = pd.DataFrame(rows)
    # Integer counts and None for hidden ones (a plain frame would turn them into 7.0 and NaN).
    df["Linksaktive"] = pd.Series([r["Linksaktive"] for r in rows], dtype=object)
    df["je 10.000 Einw."] = df["je 10.000 Einw."].astype(float)
    return df


def growth_frame(created: pd.DataFrame, suppressed: bool, start: datetime) -> pd.DataFrame:
    """New Linksaktive per Land and month (long form: Land, Monat, Neue); small cells hidden for leitung."""
    names = laender_table().set_index("code")["name"]
    months = pd.period_range(pd.Timestamp(start).to_period("M"), periods=MONTHS + 1, freq="M")
    df = created.assign(Monat=pd.to_datetime(created["created_at"]).dt.to_period("M"))
    counts = df.groupby(["land_code", "Monat"]).size()
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


def build_laender(session: Session, scope: Scope, now: datetime | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Länder comparison and the growth per Land for the scope's area."""
    now = now or utcnow()
    start = (now - timedelta(days=31 * MONTHS)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    counts = q.counts_by_land(session, scope)
    suppressed = not scope.sees_persons
    comparison = laender_frame(counts, sum(counts.values()), suppressed)
    growth = growth_frame(q.created_by_land(session, scope, start), suppressed, start)
    return comparison, growth
