"""The Karte's figures per PLZ and Kreis, the heat layer and the Weiße-Flecken tables; leitung protected."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from domain.enums import STATUSES
from services.privacy.suppression import (
    MIN_COUNT,
    protect,
    quantile_classes,
    suppress_breakdown,
    suppress_value,
)

TOP_TOPICS = 3


@dataclass(frozen=True)
class Protected:
    """leitung's national figures from one protection run, shown by the Karte and the Übersicht alike (None = hidden).

    kreis: each Kreis's Linksaktive; seen: per Kreis the sum of its visible white-spot circles;
    hidden_circles: PLZ whose circle this run hides (secondary suppression); land / total: Linksaktive per Land and in Germany; land_far / far: the true number without
    an office in reach (every PLZ, also those under 5); by_status / by_source: Germany's breakdowns.
    """

    kreis: dict[str, int | None]
    seen: dict[str, int]
    land: dict[str, int | None]
    total: int | None
    land_far: dict[str, int | None]
    far: int | None
    by_status: dict[str, int | None] = field(default_factory=dict)
    by_source: dict[str, int | None] = field(default_factory=dict)
    hidden_circles: frozenset[str] = frozenset()


def visible_circles(spots: list[dict]) -> dict[str, int]:
    """Per Kreis the people in its white-spot circles that the map shows (a hidden circle is not seen)."""
    seen: dict[str, int] = {}
    for sp in spots:
        if sp["count"] is not None:
            seen[sp["kreis_ags"]] = seen.get(sp["kreis_ags"], 0) + int(sp["count"])
    return seen


def protect_national(
    kreise: list[dict], spots: list[dict], by_status: dict[str, int], by_source: dict[str, int]
) -> Protected:
    """One run of the secondary suppression (suppression.protect) over every figure leitung sees anywhere.

    kreise: rows of kreis() with the true count and far_count; spots: the white-spot PLZ of the map
    (each already protected against its status split); by_status / by_source: Germany's counts.
    Lines: a Kreis = its circles + its far people in hidden PLZ + its people near an office; a Land
    and Germany over their Kreise and Länder; a Land's (Germany's) far total over its circles and its
    far people in hidden PLZ, and beside its people near an office; Germany over its statuses (each
    also beside the circles' split) and over its sources. A circle is a figure like the others: when a
    true far total would leave a small rest beside the circles, a circle is hidden with it
    (hidden_circles) rather than the total. Because the Übersicht (also its Länder section) and the
    Karte (every view) read this one result, no figure on one page can be played against another.
    """
    values: dict = {}
    lines: list = []
    pooled: list = []
    laender: dict[str, list[str]] = {}
    circles: dict[str, list] = {}  # Kreis -> its circle keys
    shown_spots = [sp for sp in spots if sp["count"] is not None]
    for sp in shown_spots:
        values["circle", sp["plz"]] = int(sp["count"])
        circles.setdefault(sp["kreis_ags"], []).append(("circle", sp["plz"]))
    for k in kreise:
        a, n, far = k["ags"], int(k["count"]), int(k["far_count"])
        mine = circles.get(a, [])
        values |= {("cell", a): n, ("frest", a): far - sum(values[c] for c in mine), ("near", a): n - far}
        lines.append((("cell", a), [*mine, ("frest", a), ("near", a)]))
        pooled += [("frest", a), ("near", a)]
        laender.setdefault(k["land_code"], []).append(a)
    for code, ags in laender.items():
        far_parts = [p for a in ags for p in (*circles.get(a, []), ("frest", a))]
        values["land", code] = sum(values["cell", a] for a in ags)
        values["lfar", code] = sum(values[p] for p in far_parts)
        values["lnear", code] = values["land", code] - values["lfar", code]
        pooled.append(("lnear", code))
        lines += [
            (("land", code), [("cell", a) for a in ags]),
            (("lfar", code), far_parts),
            (("land", code), [("lfar", code), ("lnear", code)]),
        ]
    total = sum(values["land", c] for c in laender)
    values |= {("total",): total, ("far",): sum(values["lfar", c] for c in laender)}
    values["near",] = total - values["far",]
    pooled.append(("near",))
    lines += [  # Germany over its Kreise first: a protect step there can save the total over the Länder
        (("total",), [("cell", k["ags"]) for k in kreise]),
        (("total",), [("land", c) for c in laender]),
        (("far",), [("lfar", c) for c in laender]),
        (("total",), [("far",), ("near",)]),
    ]
    pinned = []
    for st in by_status:
        # The circles' split of a status is pinned here; a circle hidden by this run takes its shown
        # parts (each 5 or more) into the rest, which therefore stays 0 or at least 5.
        values["status", st] = int(by_status[st])
        values["sseen", st] = sum(int(sp.get(st) or 0) for sp in shown_spots)
        values["srest", st] = max(0, values["status", st] - values["sseen", st])
        pinned.append(("sseen", st))
        pooled.append(("srest", st))
        lines.append((("status", st), [("sseen", st), ("srest", st)]))
    if by_status:
        lines.append((("total",), [("status", st) for st in by_status]))
    for src in by_source:
        values["source", src] = int(by_source[src])
    values["srcrest",] = max(0, total - sum(int(v) for v in by_source.values()))
    pooled.append(("srcrest",))
    lines.append((("total",), [*(("source", src) for src in by_source), ("srcrest",)]))
    hidden = protect(values, lines, pooled=pooled, pinned=pinned)

    def shown(key) -> int | None:
        return None if key in hidden else int(values[key])

    gone = frozenset(key[1] for key in hidden if key[0] == "circle")
    seen = visible_circles([sp for sp in shown_spots if sp["plz"] not in gone])
    return Protected(
        kreis={k["ags"]: shown(("cell", k["ags"])) for k in kreise},
        seen={k["ags"]: seen.get(k["ags"], 0) for k in kreise},
        land={c: shown(("land", c)) for c in laender},
        total=shown(("total",)),
        land_far={c: shown(("lfar", c)) for c in laender},
        far=shown(("far",)),
        by_status={st: shown(("status", st)) for st in by_status},
        by_source={src: shown(("source", src)) for src in by_source},
        hidden_circles=gone,
    )


def protect_kreise(
    kreis_rows: list[dict], prot: Protected, land: str | None
) -> tuple[list[dict], int | None, int | None]:
    """leitung's Kreis rows of one view (Germany or a Land) with the protected figures; (rows, total, far).

    A Kreis's far figure is the sum of its visible circles (nothing hidden inside it); the area's
    total and far total are those of the one protection run (protect_national), true where safe.
    """
    out = []
    for k in kreis_rows:
        k["far_count"] = prot.seen.get(k["ags"]) or None  # 0 is below 5 as well: shown as hidden
        k["count"] = prot.kreis.get(k["ags"])
        if k["count"] is None:
            k["per_10k"] = None
        k["far_share"] = far_share(k["far_count"], k["count"])
        if not land or k["land_code"] == land:
            out.append(k)
    if land:
        return out, prot.land.get(land), prot.land_far.get(land)
    return out, prot.total, prot.far


def far_share(far: int | None, count: int | None) -> float | None:
    """Per cent of a Kreis's Linksaktive without an office in reach; None when a part is hidden (or no one)."""
    if far is None or count is None or count <= 0:
        return None
    return round(100.0 * far / count, 1)


@lru_cache(maxsize=65536)
def _status_split(parts: tuple[int, ...], count: int) -> tuple[dict, int | None]:
    # A pure function of a few small counts: the Übersicht's protection run and the Karte build
    # the same 4,000 PLZ lines, and many PLZ share their split.
    return suppress_breakdown(dict(zip(STATUSES, parts)), count)


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
        parts, out["count"] = _status_split(tuple(out[k] for k in STATUSES), out["count"])
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
