"""The Helfer:innen-Karte: open needs and open offers per Kreis (aggregates only, self-served Leaflet)."""

from __future__ import annotations

import math
from html import escape

import folium

from components.map import HIDDEN_FILL, LocalMap, MapExtras, PropertyGeoJson
from components.simplify import coarse_geometry
from domain.formatting import format_int

NEED_COLOR = "#E3000F"
OFFER_COLOR = "#7b3294"
# Gap classes (needs − offers): more offers than needs is blue, more needs than offers red.
GAP_CLASSES = (
    (-math.inf, -10, "#2166ac", "10 und mehr Angebote zu viel"),
    (-10, 0, "#92c5de", "1–9 Angebote zu viel"),
    (0, 1, "#f7f7f7", "ausgeglichen"),
    (1, 10, "#f4a582", "1–9 Helfer:innen fehlen"),
    (10, math.inf, "#b2182b", "10 und mehr Helfer:innen fehlen"),
)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def gap_color(gap) -> str:
    """Fill colour of a Kreis by its gap; grey when the gap is hidden."""
    if _missing(gap):
        return HIDDEN_FILL
    return next(color for lo, hi, color, _ in GAP_CLASSES if lo <= gap < hi)


def _n(value) -> str:
    return escape(format_int(None if _missing(value) else int(value)))


def _gap_text(gap) -> str:
    gap = int(gap)
    return f"{_n(gap)} fehlen" if gap > 0 else ("ausgeglichen" if gap == 0 else f"{_n(-gap)} Angebote mehr")


def popup_html(row: dict) -> str:
    """Escaped popup of one Kreis: name, open needs, open offers, gap."""
    gap = "ausgeblendet" if _missing(row["luecke"]) else _gap_text(row["luecke"])
    return (
        f"<b>{escape(str(row['name']))}</b><br>Offene Bedarfe: {_n(row['offene_bedarfe'])}"
        f"<br>Offene Angebote: {_n(row['offene_angebote'])}<br>Lücke: {gap}"
    )


def kreis_gap_features(geo_features: list[dict], rows: list[dict]) -> list[dict]:
    """Kreis polygons coloured by the gap, with popups and tooltips (coordinates to ~100 m)."""
    by_ags = {r["ags"]: r for r in rows}
    out = []
    for feat in geo_features:
        row = by_ags.get(feat["properties"]["ags"])
        if row is None:
            continue
        geometry = coarse_geometry(feat["geometry"])
        out.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "s": {"fillColor": gap_color(row["luecke"])},
                    "p": popup_html(row),
                    "t": escape(str(row["name"])),
                },
            }
        )
    return out


def circle_features(rows: list[dict], col: str) -> list[dict]:
    """One circle per Kreis centroid sized by col; zero or hidden counts get none (size would tell)."""
    counts = [int(r[col]) for r in rows if not _missing(r[col]) and r[col] > 0]
    top = max(counts) if counts else 1
    out = []
    for r in rows:
        if _missing(r[col]) or r[col] <= 0:
            continue
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(r["lon"], 4), round(r["lat"], 4)]},
                "properties": {
                    "s": {"radius": round(3 + 9 * math.sqrt(int(r[col]) / top), 1)},
                    "p": popup_html(r),
                    "t": escape(str(r["name"])),
                },
            }
        )
    return out


def legend_html(suppressed: bool) -> str:
    """Legend: gap classes, hidden class for leitung, the two circle layers."""
    box = "display:inline-block;width:12px;height:12px;border:1px solid #999"
    rows = ["<b>Lücke je Kreis (Bedarf − Angebote)</b>"]
    rows += [f"<span style='background:{c};{box}'></span> {escape(label)}" for _, _, c, label in GAP_CLASSES]
    if suppressed:
        rows.append(f"<span style='background:{HIDDEN_FILL};{box}'></span> ausgeblendet (&lt; 5)")
    rows.append(f"<span style='color:{NEED_COLOR}'>&#9679;</span> offene Bedarfe")
    rows.append(f"<span style='color:{OFFER_COLOR}'>&#9711;</span> offene Angebote")
    return "<br>".join(rows)


def build_needs_map(
    data, geo_features: list[dict], *, tile_url: str, tile_attribution: str, data_attribution: str
) -> folium.Map:
    """The map from a services.matching.needs_map.NeedsMap and the Kreis polygons of its area."""
    rows = data.kreise.to_dict("records")
    (south, west), (north, east) = data.bounds
    m = LocalMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        max_zoom=18,
        min_zoom=5,
        control_scale=False,  # MapExtras adds a km-only scale
    )
    if tile_url:
        folium.TileLayer(tile_url, attr=escape(tile_attribution), name="Karte", max_zoom=18, control=False).add_to(m)
    PropertyGeoJson(
        kreis_gap_features(geo_features, rows), "Lücke je Kreis", {"color": "#666", "weight": 0.6, "fillOpacity": 0.6}
    ).add_to(m)
    # The gap colours already tell where helpers are missing; for leitung many gaps are hidden,
    # so the needs circles start switched on there only.
    PropertyGeoJson(
        circle_features(rows, "offene_bedarfe"),
        "Offene Bedarfe",
        {"color": "#fff", "weight": 0.8, "fillColor": NEED_COLOR, "fillOpacity": 0.6},
        show=bool(data.suppressed),
    ).add_to(m)
    # Offers as rings, so both circles of a Kreis stay visible on the same centroid.
    PropertyGeoJson(
        circle_features(rows, "offene_angebote"),
        "Offene Angebote",
        {"color": OFFER_COLOR, "weight": 2.5, "fill": False},
    ).add_to(m)
    MapExtras(data_attribution, legend_html(data.suppressed)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m
