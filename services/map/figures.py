"""The Karte's figures per PLZ and Kreis, the heat layer and the Weiße-Flecken tables; leitung protected."""

from __future__ import annotations

import pandas as pd

from domain.enums import STATUSES
from services.privacy.suppression import (
    MIN_COUNT,
    quantile_classes,
    suppress_breakdown,
    suppress_hierarchy,
    suppress_value,
)

TOP_TOPICS = 3


def protect_kreise(kreis_rows: list[dict], spots: list[dict], land: str | None) -> tuple[list[dict], int | None, int]:
    """leitung's Kreis figures: far = sum of the visible circles; totals protected (suppress_hierarchy).

    Germany's total, every Land's total (the Land view) and every Kreis are protected together: the
    national total is the sum of the Länder, so a small Land must not follow from the other fifteen.
    """
    far_by = {}
    for sp in spots:
        far_by[sp["kreis_ags"]] = far_by.get(sp["kreis_ags"], 0) + sp["count"]
    cells, groups = {}, {"": []}
    for k in kreis_rows:
        far = far_by.get(k["ags"], 0)
        cells[k["ags"]] = (k["count"], k["count"] - far)
        k["far_count"] = far or None  # 0 is below 5 as well: shown as hidden, like every small count
        groups[""].append(k["ags"])
        groups.setdefault(k["land_code"], []).append(k["ags"])
    shown, group_totals = suppress_hierarchy(cells, groups, {"": [g for g in groups if g]})
    out = []
    for k in kreis_rows:
        k["count"] = shown[k["ags"]]
        if k["count"] is None:
            k["per_10k"] = None
        k["far_share"] = far_share(k["far_count"], k["count"])
        if not land or k["land_code"] == land:
            out.append(k)
    return out, group_totals[land or ""], sum(k["far_count"] or 0 for k in out) or None


def far_share(far: int | None, count: int | None) -> float | None:
    """Per cent of a Kreis's Linksaktive without an office in reach; None when a part is hidden (or no one)."""
    if far is None or count is None or count <= 0:
        return None
    return round(100.0 * far / count, 1)


def spot(r: dict, topics: list, suppressed: bool) -> dict:
    """One white-spot PLZ for map and table; suppressed: status and topic splits protected."""
    out = {
        "plz": r["plz"],
        "place": r["place"],
        "kreis_ags": r["kreis_ags"],
        "lat": r["lat"],
        "lon": r["lon"],
        "count": int(r["count"]),
        **{k: int(r[k]) for k in STATUSES},
        "topics": topics[:TOP_TOPICS],
        "office_name": r["office_name"],
        "km": float(r["km"]),
    }
    if suppressed:
        parts, out["count"] = suppress_breakdown({k: out[k] for k in STATUSES}, out["count"])
        out.update(parts)
        out["topics"] = [(t, suppress_value(n)) for t, n in out["topics"] if suppress_value(n) is not None]
    return out


def kreis(r: dict) -> dict:
    """One Kreis row of kreis_summary as plain figures (not yet protected)."""
    return {
        "ags": r["ags"],
        "name": r["name"],
        "land_code": r["land_code"],
        "count": int(r["count"]),
        "far_count": int(r["far_count"]),
        "far_share": far_share(int(r["far_count"]), int(r["count"])) if int(r["count"]) else 0.0,
        "per_10k": None if pd.isna(r["per_10k"]) else float(r["per_10k"]),
        "office_name": r["office_name"],
        "km": float(r["km"]),
        "lat": float(r["lat"]),
        "lon": float(r["lon"]),
    }


def heat(analysed: pd.DataFrame, suppressed: bool) -> list[list[float]]:
    """Heat points [lat, lon, weight] per PLZ; suppressed: only PLZ >= 5, weights in five bands."""
    pts = analysed[analysed["count"] >= (MIN_COUNT if suppressed else 1)]
    if pts.empty:
        return []
    if suppressed:
        # Five rank bands, not counts: one known circle must not reveal the scale of all weights.
        w = [c / 5 for c in quantile_classes(pts["count"].tolist())]
    else:
        top = float(pts["count"].quantile(0.95)) or 1.0
        w = (pts["count"] / top).clip(upper=1.0).round(3)
    return [[round(a, 4), round(b, 4), c] for a, b, c in zip(pts["lat"], pts["lon"], w)]


def plz_table(spots: list[dict]) -> pd.DataFrame:
    """The Weiße-Flecken PLZ table: exactly the circles on the map."""
    rows = [
        {
            "PLZ": s["plz"],
            "Ort": s["place"],
            "Linksaktive ohne Büro": s["count"],
            **{STATUSES[k]: s[k] for k in STATUSES},
            "Nächste Geschäftsstelle": s["office_name"] or "",
            "Entfernung (km)": round(s["km"], 1),
        }
        for s in spots
        if s["count"] is not None
    ]
    cols = ["PLZ", "Ort", "Linksaktive ohne Büro", *STATUSES.values(), "Nächste Geschäftsstelle", "Entfernung (km)"]
    return pd.DataFrame(rows, columns=cols)


FAR_IN_VISIBLE_PLZ = "in PLZ-Gebieten mit mindestens 5"
SHARE_COL = "Anteil ohne Büro (%)"
RANK_COLS = {"count": "Linksaktive ohne Büro", "share": SHARE_COL}


def kreis_ranking(kreise: list[dict], by: str = "count", limit: int = 15) -> pd.DataFrame:
    """The Kreise with most Linksaktive without an office in reach (or the highest share), largest first.

    Built from the (for leitung already protected) Kreis rows; hidden figures are left out.
    """
    key = "far_share" if by == "share" else "far_count"
    col = RANK_COLS[by]
    rows = [{"Kreis": k["name"], col: k[key]} for k in kreise if k[key]]
    df = pd.DataFrame(rows, columns=["Kreis", col])
    return df.sort_values([col, "Kreis"], ascending=[False, True], kind="stable").head(limit).reset_index(drop=True)


def kreis_table(kreise: list[dict], suppressed: bool = False) -> pd.DataFrame:
    """The Weiße-Flecken Kreis table: exactly the figures of the Kreis popups."""
    far_col = f"Linksaktive ohne Büro ({FAR_IN_VISIBLE_PLZ})" if suppressed else "Linksaktive ohne Büro"
    rows = [
        {
            "Kreis": k["name"],
            "AGS": k["ags"],
            far_col: k["far_count"],
            SHARE_COL: k["far_share"],
            "Linksaktive gesamt": k["count"],
            "je 10.000 Einw.": k["per_10k"],
            "Nächste Geschäftsstelle (vom Kreismittelpunkt)": k["office_name"] or "",
            "Entfernung (km)": round(k["km"], 1),
        }
        for k in kreise
        if k["far_count"]
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "Kreis",
            "AGS",
            far_col,
            SHARE_COL,
            "Linksaktive gesamt",
            "je 10.000 Einw.",
            "Nächste Geschäftsstelle (vom Kreismittelpunkt)",
            "Entfernung (km)",
        ],
    )
    return df.sort_values(far_col, ascending=False, kind="stable").reset_index(drop=True)
