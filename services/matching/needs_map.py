"""Open needs and open offers per Kreis for the Helfer:innen-Karte; small counts hidden for leitung.

Counts only, never persons: a need is a helper a campaign lead still lacks (LeadNeed.needed
minus active assignments), an offer is one still looking for a place (not withdrawn, period not
over, volunteering consent, no active assignment) — the same definitions the matching uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.queries.matching import assignments as q
from services.core.scope import Scope
from services.privacy.suppression import suppress_table

NEEDS, OFFERS, GAP = "offene_bedarfe", "offene_angebote", "luecke"


@dataclass
class NeedsMap:
    """Every Kreis of the area with its counts (None = hidden, < 5) and the area's totals."""

    suppressed: bool
    kreise: pd.DataFrame
    total_needs: int | None
    total_offers: int | None
    bounds: tuple[tuple[float, float], tuple[float, float]]

    @property
    def total_gap(self) -> int | None:
        """Needs minus offers in the whole area (None when either total is hidden)."""
        if self.total_needs is None or self.total_offers is None:
            return None
        return self.total_needs - self.total_offers


def suppress_needs(df: pd.DataFrame) -> tuple[pd.DataFrame, int | None, int | None]:
    """Counts below 5 hidden, the gap hidden wherever a count is, totals only when safe (leitung).

    The Kreise × (needs, offers) table with its two column totals passes the one suppression
    (suppress_table): no hidden count follows from a total minus the shown Kreise.
    """
    cells = {(a, col): int(n) for col in (NEEDS, OFFERS) for a, n in zip(df["ags"], df[col])}
    view = suppress_table(cells, row_totals=False)
    out = df.copy()
    for col in (NEEDS, OFFERS):
        out[col] = pd.Series([view.cells[a, col] for a in out["ags"]], index=out.index, dtype="object")
    hidden = out[NEEDS].isna() | out[OFFERS].isna()
    # The gap of a Kreis with one hidden count would give that count away.
    out[GAP] = out[GAP].astype("object").where(~hidden, None)
    return out, view.cols.get(NEEDS), view.cols.get(OFFERS)


def _bounds(df: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    if df.empty:
        return (47.2, 5.8), (55.1, 15.1)  # Germany
    pad = 0.25
    return (
        (float(df.lat.min()) - pad, float(df.lon.min()) - pad),
        (float(df.lat.max()) + pad, float(df.lon.max()) + pad),
    )


def needs_map(session: Session, scope: Scope, today: date | None = None) -> NeedsMap:
    """Open needs, open offers and their gap for every Kreis of the scope's area (kreis: KV, land: LV)."""
    df = q.open_by_kreis(session, scope, today or date.today(), keep_empty=True)
    df[GAP] = df[NEEDS] - df[OFFERS]
    if scope.sees_persons:
        return NeedsMap(False, df, int(df[NEEDS].sum()), int(df[OFFERS].sum()), _bounds(df))
    shown, total_needs, total_offers = suppress_needs(df)
    return NeedsMap(True, shown, total_needs, total_offers, _bounds(df))


def ranked(data: NeedsMap) -> pd.DataFrame:
    """Kreise with anything to show, largest gap first (hidden gaps last, so order leaks nothing)."""
    df = data.kreise
    if data.suppressed:
        df = df[df[NEEDS].notna() | df[OFFERS].notna()]
        key = df[GAP].map(lambda v: float("-inf") if v is None or pd.isna(v) else float(v))
    else:
        df = df[(df[NEEDS] > 0) | (df[OFFERS] > 0)]
        key = df[GAP].astype(float)
    order = pd.DataFrame({"k": key, "n": df["name"]}).sort_values(["k", "n"], ascending=[False, True]).index
    return df.loc[order].reset_index(drop=True)
