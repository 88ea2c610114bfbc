"""White spots: places whose nearest open office is farther than the reach (DESIGN §2, §8).

Works on per-place counts (PLZ centroids), so the cost depends on the ~8,300 PLZ, not on the
number of contacts: a KD-tree over offices answers "nearest office" for every place at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.geo.places import nearest


def analyse(places: pd.DataFrame, offices: pd.DataFrame, reach_km: float) -> pd.DataFrame:
    """Add office_id, office_name, km (to the nearest office) and far (km > reach) to places (lat, lon).

    Without any office every place is far, with km = inf and office_id = None.
    """
    out = places.copy()
    if out.empty:
        for col, dtype in (("office_id", "object"), ("office_name", "object"), ("km", float), ("far", bool)):
            out[col] = pd.Series(dtype=dtype)
        return out
    idx, km = nearest(out[["lat", "lon"]].to_numpy(float), offices[["lat", "lon"]].to_numpy(float))
    if len(offices):
        out["office_id"] = offices["id"].to_numpy()[idx]
        out["office_name"] = offices["name"].to_numpy(object)[idx]
    else:
        out["office_id"] = None
        out["office_name"] = None
    out["km"] = km
    out["far"] = km > float(reach_km)
    return out


def far_only(analysed: pd.DataFrame) -> pd.DataFrame:
    """The places without an office in reach, most contacts first (ties: farthest first)."""
    far = analysed[analysed["far"] & (analysed["count"] > 0)]
    return far.sort_values(["count", "km"], ascending=[False, False], kind="stable")


def kreis_summary(analysed: pd.DataFrame, kreise: pd.DataFrame, offices: pd.DataFrame, reach_km: float) -> pd.DataFrame:
    """Per Kreis: count, far_count, per_10k, and the nearest office (name, km) from the Kreis centroid.

    analysed: per-place rows with kreis_ags, count, far; kreise: ags, name, land_code, population, lat, lon.
    """
    per = analysed.assign(far_n=np.where(analysed["far"], analysed["count"], 0))
    agg = per.groupby("kreis_ags", as_index=False).agg(count=("count", "sum"), far_count=("far_n", "sum"))
    out = kreise.merge(agg, left_on="ags", right_on="kreis_ags", how="left").drop(columns=["kreis_ags"])
    out[["count", "far_count"]] = out[["count", "far_count"]].fillna(0).astype("int64")
    pop = out["population"].where(out["population"] > 0)
    out["per_10k"] = (out["count"] / pop * 10_000).round(2)
    centre = analyse(out[["ags", "lat", "lon"]], offices, reach_km)
    out["office_name"] = centre["office_name"].to_numpy()
    out["km"] = centre["km"].to_numpy()
    return out
