"""Map of an edition's copies per Kreis, built with the Karte's self-served folium helpers (no DB)."""

from __future__ import annotations

from html import escape

import folium

from components.map import HIDDEN_FILL, PALETTE, LocalMap, MapExtras, PropertyGeoJson, _bins, _color, count_classes
from components.simplify import coarse_geometry
from domain.formatting import format_int

BOUNDS_DE = ((47.2, 5.8), (55.1, 15.1))


def copy_bins(values: list[int]) -> list[int]:
    """Class limits (quantiles) for the copy counts; empty when there is nothing to colour."""
    return _bins([v for v in values if v > 0])  # the Karte's classes, so both maps read alike


def edition_features(shapes: list[dict], rows: list[dict]) -> tuple[list[dict], list[int]]:
    """Every Kreis, coloured by copies (grey without orders), with escaped popups; returns features and bins."""
    by_ags = {r["ags"]: r for r in rows}
    bins = copy_bins([r["copies"] for r in rows])
    out = []
    for feat in shapes:
        r = by_ags.get(feat["properties"]["ags"])
        name = escape(str(r["name"] if r else feat["properties"].get("name", "")))
        if r is None:
            props = {"s": {"fillColor": HIDDEN_FILL, "fillOpacity": 0.25}, "t": name}
        else:
            props = {
                "s": {"fillColor": _color(r["copies"], bins)},
                "t": name,
                "p": (
                    f"<b>{name}</b><br>Bestellungen: {escape(format_int(r['orders']))}"
                    f"<br>Exemplare: {escape(format_int(r['copies']))}"
                ),
            }
        out.append({"type": "Feature", "geometry": coarse_geometry(feat["geometry"]), "properties": props})
    return out, bins


def legend(bins: list[int]) -> str:
    """Legend HTML: colour classes of copies per Kreis."""
    rows = ["<b>Exemplare je Kreis</b>"]
    for i, label in count_classes(bins):
        rows.append(
            f"<span style='background:{PALETTE[i]};display:inline-block;width:12px;height:12px'></span> {escape(label)}"
        )
    rows.append(
        f"<span style='background:{HIDDEN_FILL};display:inline-block;width:12px;height:12px'></span> keine Bestellung"
    )
    return "<br>".join(rows)


def build_edition_map(
    shapes: list[dict], rows: list[dict], *, tile_url: str, tile_attribution: str, data_attribution: str
) -> folium.Map:
    """Choropleth of copies per Kreis (all Kreise drawn grey, those with orders coloured)."""
    (south, west), (north, east) = BOUNDS_DE
    m = LocalMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        max_zoom=18,
        min_zoom=5,
        control_scale=True,
    )
    if tile_url:
        folium.TileLayer(tile_url, attr=escape(tile_attribution), name="Karte", max_zoom=18, control=False).add_to(m)
    features, bins = edition_features(shapes, rows)
    PropertyGeoJson(features, "Exemplare je Kreis", {"color": "#666", "weight": 0.6, "fillOpacity": 0.7}).add_to(m)
    MapExtras(data_attribution, legend(bins)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m
