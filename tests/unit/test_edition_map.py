"""Unit tests of the edition map: colours per Kreis, escaped popups, legend, self-served assets only."""

from __future__ import annotations

from components.edition_map import build_edition_map, copy_bins, edition_features, legend
from components.map import HIDDEN_FILL, external_urls


def _shape(ags, name, lon=10.0, lat=51.0):
    ring = [[lon, lat], [lon + 0.1234567, lat], [lon + 0.1234567, lat + 0.1], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"ags": ags, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


SHAPES = [_shape("14626", "Görlitz"), _shape("14713", "Leipzig", 12.3), _shape("09162", "München", 11.5, 48.1)]
ROWS = [
    {"ags": "14626", "name": "<script>alert(1)</script>", "land_code": "14", "orders": 3, "copies": 30},
    {"ags": "14713", "name": "Leipzig", "land_code": "14", "orders": 40, "copies": 400},
]


def test_features_colour_escape_and_grey_without_orders():
    feats, bins = edition_features(SHAPES, ROWS)
    assert len(feats) == 3
    by_name = {f["properties"]["t"]: f for f in feats}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in by_name
    assert "<script>" not in str(feats)
    assert by_name["München"]["properties"]["s"]["fillColor"] == HIDDEN_FILL
    assert "p" not in by_name["München"]["properties"]
    assert "Exemplare: 400" in by_name["Leipzig"]["properties"]["p"]
    assert (
        by_name["Leipzig"]["properties"]["s"]["fillColor"]
        != by_name["&lt;script&gt;alert(1)&lt;/script&gt;"]["properties"]["s"]["fillColor"]
    )
    assert feats[0]["geometry"]["coordinates"][0][1][0] == 10.123


def test_bins_and_legend():
    assert copy_bins([]) == []
    assert copy_bins([0, 0]) == []
    bins = copy_bins(list(range(1, 101)))
    assert bins == sorted(bins) and len(bins) == 4
    html = legend(bins)
    assert "Exemplare je Kreis" in html and "keine Bestellung" in html


def test_map_html_is_self_served_with_credits():
    html = (
        build_edition_map(
            SHAPES,
            ROWS,
            tile_url="https://tile.example.org/{z}/{x}/{y}.png",
            tile_attribution="© OSM <b>",
            data_attribution="© GeoBasis-DE / BKG 2016",
        )
        .get_root()
        .render()
    )
    assert external_urls(html) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "GeoBasis-DE / BKG 2016" in html and "Exemplare je Kreis" in html
    assert "<script>alert(1)</script>" not in html
    assert "tile.example.org" in html  # tiles load in the browser, scripts never from there
