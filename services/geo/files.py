"""Offline German geodata (PLZ, Kreise, Länder) read from ``data/geo/`` (see DESIGN §5).

The files are built once by ``scripts/build_geodata.py``; nothing is downloaded at run time.
All loaders are cached: treat the returned objects as read-only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"

_ATTRIBUTION = (
    "&copy; OpenStreetMap contributors &middot; &copy; EuroGeographics / Eurostat &middot; "
    "&copy; GeoBasis-DE / BKG 2016 &middot; Destatis (CC-BY-4.0) &middot; PLZ-Orte: ODbL"
)


def _read_csv(name: str, str_cols: dict[str, str]) -> pd.DataFrame:
    return pd.read_csv(GEO_DIR / name, dtype=str_cols, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def plz_table() -> pd.DataFrame:
    """All German PLZ: columns plz (5-digit str), places ('|'-joined), kreis_ags, lat, lon.

    The reviewed corrections of plz_overrides.csv are applied here too (the generator has built
    them into plz.csv), so an older plz.csv cannot bring a wrong Kreis back.
    """
    df = _read_csv("plz.csv", {"plz": str, "places": str, "kreis_ags": str})
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    overrides = dict(zip(plz_overrides()["plz"], plz_overrides()["kreis_ags"]))
    df["kreis_ags"] = df["plz"].map(overrides).fillna(df["kreis_ags"])
    return df


@lru_cache(maxsize=1)
def plz_overrides() -> pd.DataFrame:
    """The reviewed PLZ -> Kreis corrections where a PLZ crosses a Kreis border: plz, kreis_ags, reason."""
    if not (GEO_DIR / "plz_overrides.csv").exists():
        return pd.DataFrame({"plz": [], "kreis_ags": [], "reason": []}, dtype=str)
    return _read_csv("plz_overrides.csv", {"plz": str, "kreis_ags": str, "reason": str})


@lru_cache(maxsize=1)
def kreise_table() -> pd.DataFrame:
    """The 400 Kreise: ags, name, kind, land_code, population, area_km2, lat, lon."""
    df = _read_csv("kreise.csv", {"ags": str, "name": str, "kind": str, "land_code": str})
    df["population"] = df["population"].astype("int64")
    for col in ("area_km2", "lat", "lon"):
        df[col] = df[col].astype(float)
    return df


@lru_cache(maxsize=1)
def laender_table() -> pd.DataFrame:
    """The 16 Länder: code ('01'..'16'), name, abbr (e.g. 'SN')."""
    return _read_csv("laender.csv", {"code": str, "name": str, "abbr": str})


@lru_cache(maxsize=1)
def kreise_geojson() -> dict:
    """Simplified Kreis polygons as a FeatureCollection with properties ags and name."""
    return json.loads((GEO_DIR / "kreise.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def laender_geojson() -> dict:
    """Simplified Land polygons as a FeatureCollection with properties code and name."""
    return json.loads((GEO_DIR / "laender.geojson").read_text(encoding="utf-8"))


# The national maps' outlines, simplified once by scripts/coarse_geodata.py (source -> derived file).
COARSE_FILES = {"kreise.geojson": "kreise_coarse.geojson", "laender.geojson": "laender_coarse.geojson"}
COARSE_ABOVE = 50  # a map of more Kreise than this (a national map) draws the coarse outlines


@lru_cache(maxsize=2)
def coarse_geojson(source: str) -> dict:
    """The coarse outlines derived from `source` (a key of COARSE_FILES), same features and properties."""
    return json.loads((GEO_DIR / COARSE_FILES[source]).read_text(encoding="utf-8"))


def kreis_shapes(ags) -> list[dict]:
    """The Kreis features of these AGS, in file order: coarse outlines when there are more than COARSE_ABOVE."""
    wanted = set(ags)
    source = coarse_geojson("kreise.geojson") if len(wanted) > COARSE_ABOVE else kreise_geojson()
    return [f for f in source["features"] if f["properties"]["ags"] in wanted]


def laender_outlines() -> list[dict]:
    """The 16 Land outlines as national maps draw them (coarse)."""
    return coarse_geojson("laender.geojson")["features"]


def plz_lookup(plz: str) -> dict | None:
    """Return the row of one PLZ as a dict (places, kreis_ags, lat, lon), or None if unknown."""
    df = _plz_indexed()
    key = str(plz).strip()
    if key not in df.index:
        return None
    row = df.loc[key]
    return {
        "plz": key,
        "places": row["places"],
        "kreis_ags": row["kreis_ags"],
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
    }


@lru_cache(maxsize=1)
def _plz_indexed() -> pd.DataFrame:
    return plz_table().set_index("plz")


def attribution_html() -> str:
    """Short one-line, HTML-safe data credits for a map corner."""
    return _ATTRIBUTION
