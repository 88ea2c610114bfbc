"""The Karte's folium map, built from aggregated data only (no database, no CDN, DESIGN §6)."""

from __future__ import annotations

import json
import math
from html import escape

import folium
from folium.plugins import HeatMap
from jinja2 import Template

from components.folium_text import AsText
from components.map_extras import MapExtras, PlzClusters
from components.static_assets import HEAT_JS, LEAFLET_CSS, LEAFLET_JS
from domain.enums import OFFICE_KINDS, STATUSES
from domain.formatting import format_decimal, format_int
from services.geo.files import COARSE_ABOVE
from services.privacy.suppression import MIN_COUNT

PALETTE = ("#fde0dd", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
HIDDEN_FILL = "#d9d9d9"
PLZ_COLOR = "#7b3294"
NONE_FILL = "#ffffff"  # a Kreis where everyone has an office in reach
LAND_COLOR = "#333333"
OFFICE_COLOR = "#1f1f1f"
REACH_COLOR = "#2c7fb8"


class LocalMap(folium.Map):
    """folium.Map that loads Leaflet from our own static files only."""

    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class LocalHeatMap(AsText, HeatMap):
    """HeatMap with leaflet.heat served by us."""

    default_js = HEAT_JS


def _json(data) -> str:
    # Compact, and never closes a <script> block even if text contains "</".
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


class PropertyGeoJson(AsText, folium.map.Layer):
    """One GeoJSON layer styled by each feature's properties: s (style), p (popup HTML), t (tooltip)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson({% if this.rows_js %}({{ this.rows_js }})({{ this.payload }}){% else %}{{ this.payload }}{% endif %}, {
    layerName: {{ this.layer_name_js }},
    pointToLayer: function (f, latlng) {
        var s = Object.assign({}, {{ this.base }}, f.properties.s || {});
        return {{ 'L.circle' if this.metric_circles else 'L.circleMarker' }}(latlng, s);
    },
    style: function (f) { return Object.assign({}, {{ this.base }}, f.properties.s || {}); },
    onEachFeature: function (f, layer) {
        {% if this.popup_js %}var popup = ({{ this.popup_js }})(f.properties);{% else %}var popup = f.properties.p;{% endif %}
        if (popup) { layer.bindPopup(popup, {maxWidth: 340}); }
        if (f.properties.t) { layer.bindTooltip(f.properties.t); }
    }
});
{% endmacro %}
""")

    def __init__(
        self,
        features: list[dict],
        name: str,
        base_style: dict,
        show: bool = True,
        metric_circles: bool = False,
        popup_js: str = "",
        rows_js: str = "",
    ):
        """features: GeoJSON features whose properties hold s/p/t; base_style applies to all.

        popup_js: optional JS function(properties) -> popup HTML, for compact properties; every
        string it concatenates must already be escaped in Python. rows_js: optional JS function
        turning a compact payload (then passed instead of features) into a FeatureCollection.
        """
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PropertyGeoJson"
        # folium's LayerControl shows layer_name: keep it plain and give the script a JSON copy.
        self.layer_name_js = _json(name)
        self.payload = _json(features if rows_js else {"type": "FeatureCollection", "features": features})
        self.rows_js = rows_js
        self.base = _json(base_style)
        self.metric_circles = metric_circles
        self.popup_js = popup_js


def _bins(values: list[float]) -> list[float]:
    finite = sorted(v for v in values if v is not None and not math.isnan(v) and v > 0)
    if not finite:
        return []
    qs = [finite[min(len(finite) - 1, int(len(finite) * q / len(PALETTE)))] for q in range(1, len(PALETTE))]
    return sorted(set(qs))


def _color(value, bins: list[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN_FILL
    if value == 0:
        return NONE_FILL
    return PALETTE[min(sum(1 for b in bins if value >= b), len(PALETTE) - 1)]


def _num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "&lt; 5"
    return format_decimal(value, digits)


COLOR_BY = {"count": "far_count", "share": "far_share"}
COLOR_BY_LABEL = {
    "count": "Linksaktive ohne Büro in Reichweite (Anzahl)",
    "share": "Anteil der Linksaktiven ohne Büro in Reichweite (%)",
}


def _share(value) -> str:
    return "&lt; 5" if value is None else f"{format_decimal(value, 1)} %"


def kreis_features(
    geo_features: list[dict],
    kreise: list[dict],
    by: str,
    far_label: str = "ohne Büro in Reichweite",
    floor: float = 0.0,
) -> tuple[list[dict], list[float]]:
    """Kreis polygons coloured by far 'count' or far 'share' (%); returns features and colour bins.

    A national map passes the precomputed coarse outlines (services.geo.files.kreis_shapes).
    floor: no value shown lies between 0 and it (leitung's counts start at 5), so no class starts below it.
    """
    key = COLOR_BY[by]
    bins = [b for b in _bins([k[key] for k in kreise]) if b > floor]
    rows = {k["ags"]: k for k in kreise}
    out = []
    for feat in geo_features:
        k = rows.get(feat["properties"]["ags"])
        if k is None:
            continue
        popup = (
            f"<b>{escape(k['name'])}</b><br>{escape(far_label)}: {_n(k['far_count'])}"
            f" ({_share(k['far_share'])})<br>Linksaktive gesamt: {_n(k['count'])}"
            f"<br>je 10.000 Einw.: {_num(k['per_10k'])}"
        )
        out.append(
            {
                "type": "Feature",
                "geometry": feat["geometry"],
                "properties": {"s": {"fillColor": _color(k[key], bins)}, "p": popup, "t": escape(k["name"])},
            }
        )
    return out, bins


def outline_features(geo_features: list[dict]) -> list[dict]:
    """Land outlines (pass the coarse ones), drawn above the Kreise without fill, tooltips with the name."""
    return [{**f, "properties": {"t": escape(f["properties"]["name"])}} for f in geo_features]


def _label_point(geometry: dict) -> tuple[float, float]:
    # The middle of the largest ring's bounding box: good enough to place a name.
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    ring = max((p[0] for p in polys), key=len)
    xs, ys = [c[0] for c in ring], [c[1] for c in ring]
    return (min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2


def labels(geo_features: list[dict], name_key: str = "name") -> list[list]:
    """[lat, lon, escaped name] per shape, for the names drawn when the background map is missing."""
    out = []
    for f in geo_features:
        lat, lon = _label_point(f["geometry"])
        out.append([round(lat, 3), round(lon, 3), escape(f["properties"][name_key])])
    return out


def office_features(offices: list[dict]) -> list[dict]:
    """Office points with an escaped popup (name, address, opening hours)."""
    out = []
    for o in offices:
        hours = escape(o.get("opening_hours") or "").replace("\n", "<br>")
        popup = (
            f"<b>{escape(o['name'])}</b><br>{escape(OFFICE_KINDS.get(o.get('kind'), ''))}"
            f"<br>{escape(o.get('street') or '')}<br>{escape(o.get('plz') or '')} {escape(o.get('city') or '')}"
            + (f"<br><i>Öffnungszeiten:</i><br>{hours}" if hours else "")
        )
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [o["lon"], o["lat"]]},
                "properties": {"p": popup, "t": escape(o["name"])},
            }
        )
    return out


def reach_features(offices: list[dict]) -> list[dict]:
    """Bare office points (the circle radius is set layer-wide)."""
    return [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [o["lon"], o["lat"]]}, "properties": {}}
        for o in offices
    ]


# The PLZ layer travels as compact rows and becomes markers in the browser: 4,000 full
# features with HTML popups would double the page. Every string is escaped in Python.
PLZ_ROWS_JS = (
    "function (d) { return d.rows.map(function (r) {"
    " return [r[0], r[1], r[2], {z: r[3], n: r[4], a: r[5], T: r[6],"
    " f: r[7] >= 0 ? d.offices[r[7]] : 'keine Gesch\\u00e4ftsstelle', k: r[8]}];"
    " }); }"
)
PLZ_POPUP_JS = (
    "function (p) { return '<b>' + p.z + '</b><br>Linksaktive ohne B\\u00fcro: ' + p.n + '<br>Kontakt ' + p.a[0]"
    " + ', Aktiv ' + p.a[1] + ', Mitglied ' + p.a[2] + (p.T ? '<br>Themen: ' + p.T : '')"
    " + '<br>N\\u00e4chste Gesch\\u00e4ftsstelle: ' + p.f + (p.k ? ', ' + p.k + ' km' : ''); }"
)
PLZ_LAYER = "Ohne Büro in Reichweite (PLZ)"
LAND_ZOOM = 7  # from this zoom on (a Land fills the map) the PLZ detail appears


def _n(value) -> str:
    return escape(format_int(value))


def plz_rows(spots: list[dict]) -> dict:
    """White-spot PLZ as compact rows [lat, lon, count, 'PLZ Ort', 'count', [statuses], topics, office#, km]."""
    offices: dict[str, int] = {}
    rows = []
    for s in spots:
        if s["count"] is None:
            continue  # a hidden count gets no marker: its size would give it away
        name = s.get("office_name")
        office = offices.setdefault(escape(name), len(offices)) if name else -1
        rows.append(
            [
                round(s["lat"], 4),
                round(s["lon"], 4),
                int(s["count"]),
                f"{escape(s['plz'])} {escape(s['place'])}",
                _n(s["count"]),
                [_n(s.get(k)) for k in STATUSES],
                ", ".join(f"{escape(label)} {_n(n)}" for label, n in s.get("topics", [])),
                office,
                _num(s["km"]) if name else "",
            ]
        )
    return {"offices": list(offices), "rows": rows}


_PLZ_JSON: dict[int, tuple[list, str]] = {}


def plz_payload(spots: list[dict]) -> str:
    """plz_rows(spots) as JSON, made once per spots list: services.map.data hands every rerun of a view
    the same (cached, read-only) list, and the 4,000 rows of a national view took ~0.1 s each time."""
    hit = _PLZ_JSON.get(id(spots))
    if hit is None or hit[0] is not spots:  # the list is kept in the entry, so its id cannot be reused
        hit = (spots, _json(plz_rows(spots)))
        _PLZ_JSON[id(spots)] = hit
        while len(_PLZ_JSON) > 8:
            _PLZ_JSON.pop(next(iter(_PLZ_JSON)))
    return hit[1]


def _box(color: str, border: str = "#999") -> str:
    return f"<span style='background:{color};display:inline-block;width:12px;height:12px;border:1px solid {border}'></span>"


def count_classes(bins: list[float], floor: int = 0) -> list[tuple[int, str]]:
    """Colour classes of whole counts as (palette index, label): '1', '2–4', '20 und mehr'.

    Matches _color: class i holds the counts from limit i-1 up to below limit i. A class
    no whole count can fall in (above 0 and below 1, or below the floor) is left out.
    """
    lows = [max(1, int(floor)), *(math.ceil(b) for b in bins if b > 0)]
    out = []
    for i, lo in enumerate(lows):
        if i + 1 == len(lows):
            out.append((i, f"{format_int(lo)} und mehr"))
            continue
        hi = lows[i + 1] - 1
        if hi > lo:
            out.append((i, f"{format_int(lo)}–{format_int(hi)}"))
        elif hi == lo:
            out.append((i, format_int(lo)))
    return out


def legend_html(by: str, bins: list[float], reach_km: float, suppressed: bool) -> str:
    """The legend: Kreis colour classes, office, reach circle, PLZ markers and clusters.

    leitung's counts are 5 or more (or hidden): its first class starts at 5, not above 0.
    """
    rows = [f"<b>Kreise: {COLOR_BY_LABEL[by]}</b>", f"{_box(NONE_FILL)} niemand ohne Büro"]
    if by == "count":
        floor = MIN_COUNT if suppressed else 0
        rows += [f"{_box(PALETTE[i])} {escape(label)}" for i, label in count_classes(bins, floor)]
    else:
        # Shares are not whole numbers: half-open ranges say where a limit belongs.
        lows = [0.0, *(b for b in bins if b > 0)]
        for i, lo in enumerate(lows):
            hi = f" bis unter {_num(lows[i + 1])} %" if i + 1 < len(lows) else " und mehr"
            first = "über 0" if i == 0 else f"ab {_num(lo)} %"
            rows.append(f"{_box(PALETTE[i])} {first}{hi}")
    if suppressed:
        rows.append(f"{_box(HIDDEN_FILL)} ausgeblendet (&lt; 5)")
    rows.append(f"<span style='color:{OFFICE_COLOR}'>&#9679;</span> Geschäftsstelle")
    rows.append(f"<span style='color:{REACH_COLOR}'>&#9711;</span> Reichweite {_num(reach_km, 0)} km (Ebene, aus)")
    rows.append(
        f"<span style='color:{PLZ_COLOR}'>&#9679;</span> PLZ ohne Büro in Reichweite, "
        "ab Land-Ansicht; Kreise mit Zahl fassen nahe PLZ zusammen"
    )
    return "<br>".join(rows)


def build_map(
    view,
    geo_features: list[dict],
    *,
    tile_url: str,
    tile_attribution: str,
    data_attribution: str,
    color_by: str = "count",
    show_heat: bool = False,
    land_features: list[dict] | None = None,
    land_chosen: bool = False,
) -> folium.Map:
    """Assemble the map from a services.map.data.MapView (plain data), its Kreis and Land polygons.

    Default layers: Kreise coloured by people without an office in reach, Land outlines, offices;
    PLZ markers/clusters from the Land zoom on (at once when a Land is chosen); reach circles and heat off.
    """
    (south, west), (north, east) = view.bounds
    # One canvas instead of ~5,000 SVG elements: the national map draws several times faster.
    m = LocalMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        max_zoom=18,
        min_zoom=5,
        control_scale=False,  # MapExtras adds a km-only scale
        prefer_canvas=True,
    )
    if tile_url:
        folium.TileLayer(tile_url, attr=escape(tile_attribution), name="Karte", max_zoom=18, control=False).add_to(m)
    # leitung's Kreis far figure is the sum of its visible PLZ (nothing hidden inside it).
    far_label = (
        "ohne Büro in Reichweite (in PLZ-Gebieten mit mindestens 5)" if view.suppressed else "ohne Büro in Reichweite"
    )
    floor = MIN_COUNT if view.suppressed and color_by == "count" else 0.0
    kreise, bins = kreis_features(geo_features, view.kreise, color_by, far_label, floor)
    PropertyGeoJson(kreise, "Kreise", {"color": "#666", "weight": 0.6, "fillOpacity": 0.6}).add_to(m)
    lands = land_features or []
    if lands:
        PropertyGeoJson(
            outline_features(lands),
            "Ländergrenzen",
            {"color": LAND_COLOR, "weight": 1.6, "fill": False, "interactive": False},
        ).add_to(m)
    PropertyGeoJson(
        reach_features(view.offices),
        f"Reichweite ({_num(view.reach_km, 0)} km)",
        {"radius": view.reach_km * 1000, "color": REACH_COLOR, "weight": 1, "fillOpacity": 0.06, "interactive": False},
        metric_circles=True,
        show=False,
    ).add_to(m)
    PropertyGeoJson(
        office_features(view.offices),
        "Geschäftsstellen",
        {"radius": 5, "color": "#fff", "weight": 1.5, "fillColor": OFFICE_COLOR, "fillOpacity": 1},
    ).add_to(m)
    PlzClusters(
        plz_payload(view.spots), PLZ_LAYER, PLZ_ROWS_JS, PLZ_POPUP_JS, min_zoom=0 if land_chosen else LAND_ZOOM
    ).add_to(m)
    if view.heat and show_heat:  # sent only when drawn: 8,000 points are a seventh of a national page
        LocalHeatMap(
            view.heat,
            name="Alle Linksaktiven (Dichte, 5 Stufen)" if view.suppressed else "Alle Linksaktiven (Dichte)",
            show=True,
            radius=18,
            blur=15,
            min_opacity=0.3,
        ).add_to(m)
    MapExtras(
        data_attribution,
        legend_html(color_by, bins, view.reach_km, view.suppressed),
        land_labels=labels(lands),
        kreis_labels=labels(geo_features),
        kreis_zoom=LAND_ZOOM if land_chosen or len(geo_features) <= COARSE_ABOVE else LAND_ZOOM + 1,
    ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m


def external_urls(html: str, allowed_prefixes: tuple[str, ...] = ()) -> list[str]:
    """Script/link URLs in rendered map HTML that point to other hosts (should be empty)."""
    import re

    urls = re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", html, flags=re.IGNORECASE)
    return [u for u in urls if not u.startswith(allowed_prefixes)]
