"""The Karte's folium map, built from aggregated data only (no database, no CDN, DESIGN §6)."""

from __future__ import annotations

import json
import math
from html import escape

import folium
from folium.plugins import HeatMap
from jinja2 import Template

from components.simplify import simplify_features
from components.static_assets import HEAT_JS, ICON_IMAGE_PATH, LEAFLET_CSS, LEAFLET_JS
from domain.enums import OFFICE_KINDS, STATUSES
from domain.formatting import format_decimal, format_int

PALETTE = ("#fde0dd", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
HIDDEN_FILL = "#d9d9d9"
PLZ_COLOR = "#7b3294"
OFFICE_COLOR = "#1f1f1f"
REACH_COLOR = "#2c7fb8"


class LocalMap(folium.Map):
    """folium.Map that loads Leaflet from our own static files only."""

    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class LocalHeatMap(HeatMap):
    """HeatMap with leaflet.heat served by us."""

    default_js = HEAT_JS


def _json(data) -> str:
    # Compact, and never closes a <script> block even if text contains "</".
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


class PropertyGeoJson(folium.map.Layer):
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


class MapExtras(folium.MacroElement):
    """Icon path for self-served marker images, data credits in the corner and a legend."""

    _template = Template("""
{% macro script(this, kwargs) %}
L.Icon.Default.imagePath = {{ this.icon_path }};
{{ this._parent.get_name() }}.attributionControl.setPrefix(false);
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution }});
// The credits of five sources are long: keep them small so they do not cover the legend.
{{ this._parent.get_name() }}.attributionControl.getContainer().style.cssText = 'font-size:9px;line-height:1.25;max-width:60%';
var {{ this.get_name() }} = L.control({position: 'bottomleft'});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create('div', 'karte-legend');
    div.style.cssText = 'background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3)';
    div.innerHTML = {{ this.legend }};
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
// After the renderer's first frame: shapes per named layer on the map, for tests and benches.
requestAnimationFrame(function () {
    var drawn = {};
    {{ this._parent.get_name() }}.eachLayer(function (l) {
        if (l.options && l.options.layerName && l.getLayers) { drawn[l.options.layerName] = l.getLayers().length; }
    });
    window.mapDrawn = drawn;
});
{% endmacro %}
""")

    def __init__(self, attribution_html: str, legend_html: str):
        """attribution_html and legend_html must already be HTML-safe."""
        super().__init__()
        self._name = "MapExtras"
        self.icon_path = _json(ICON_IMAGE_PATH)
        self.attribution = _json(attribution_html)
        self.legend = _json(legend_html)


def _bins(values: list[float]) -> list[float]:
    finite = sorted(v for v in values if v is not None and not math.isnan(v))
    if not finite:
        return []
    qs = [finite[min(len(finite) - 1, int(len(finite) * q / len(PALETTE)))] for q in range(1, len(PALETTE))]
    return sorted(set(qs))


def _color(value, bins: list[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN_FILL
    return PALETTE[min(sum(1 for b in bins if value >= b), len(PALETTE) - 1)]


def _num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "&lt; 5"
    return format_decimal(value, digits)


_COARSE: dict[tuple, tuple[list, list[dict]]] = {}
COARSE_TOLERANCE = 0.005  # degrees: under half a pixel at the zoom that shows all of Germany


def _coarse(geo_features: list[dict]) -> list[dict]:
    # Simplified once per set of shapes and process; the originals are kept in the entry so
    # that their ids (the key) cannot be reused by other objects.
    key = tuple(id(f["geometry"]) for f in geo_features)
    if key not in _COARSE:
        if len(_COARSE) >= 4:
            _COARSE.pop(next(iter(_COARSE)))
        _COARSE[key] = ([f["geometry"] for f in geo_features], simplify_features(geo_features, COARSE_TOLERANCE))
    return _COARSE[key][1]


def kreis_features(
    geo_features: list[dict], kreise: list[dict], by: str, far_label: str = "ohne Büro in Reichweite"
) -> tuple[list[dict], list[float]]:
    """Kreis polygons coloured by 'rate' (per 10,000 inhabitants) or 'count'; returns features and bins.

    Many Kreise (a national map) travel simplified (components.simplify), enough at that zoom.
    """
    if len(geo_features) > 50:
        geo_features = _coarse(geo_features)
    key = "per_10k" if by == "rate" else "count"
    bins = _bins([k[key] for k in kreise])
    rows = {k["ags"]: k for k in kreise}
    out = []
    for feat in geo_features:
        k = rows.get(feat["properties"]["ags"])
        if k is None:
            continue
        popup = (
            f"<b>{escape(k['name'])}</b><br>Linksaktive: {_n(k['count'])}"
            f"<br>je 10.000 Einw.: {_num(k['per_10k'])}"
            f"<br>{escape(far_label)}: {_n(k['far_count'])}"
        )
        out.append(
            {
                "type": "Feature",
                "geometry": feat["geometry"],
                "properties": {"s": {"fillColor": _color(k[key], bins)}, "p": popup, "t": escape(k["name"])},
            }
        )
    return out, bins


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


# The PLZ layer travels as compact rows and becomes GeoJSON in the browser: 4,000 full
# features with HTML popups would double the page. Every string is escaped in Python.
PLZ_ROWS_JS = (
    "function (d) { return {type: 'FeatureCollection', features: d.rows.map(function (r) {"
    " return {type: 'Feature', geometry: {type: 'Point', coordinates: [r[1], r[0]]},"
    " properties: {s: {radius: r[2]}, z: r[3], n: r[4], a: r[5], T: r[6], f: r[7] >= 0 ? d.offices[r[7]] : 'keine Gesch\\u00e4ftsstelle', k: r[8]}};"
    " })}; }"
)
PLZ_POPUP_JS = (
    "function (p) { return '<b>' + p.z + '</b><br>Linksaktive: ' + p.n + '<br>Kontakt ' + p.a[0]"
    " + ', Aktiv ' + p.a[1] + ', Mitglied ' + p.a[2] + (p.T ? '<br>Themen: ' + p.T : '')"
    " + '<br>N\\u00e4chste Gesch\\u00e4ftsstelle: ' + p.f + (p.k ? ', ' + p.k + ' km' : ''); }"
)


def _n(value) -> str:
    return escape(format_int(value))


def plz_rows(spots: list[dict]) -> dict:
    """White-spot PLZ as compact rows [lat, lon, radius, 'PLZ Ort', count, [statuses], topics, office#, km]."""
    counts = [s["count"] for s in spots if s["count"] is not None]
    top = max(counts) if counts else 1
    offices: dict[str, int] = {}
    rows = []
    for s in spots:
        if s["count"] is None:
            continue  # a hidden count gets no circle: its size would give it away
        name = s.get("office_name")
        office = offices.setdefault(escape(name), len(offices)) if name else -1
        rows.append(
            [
                round(s["lat"], 4),
                round(s["lon"], 4),
                round(4 + 16 * math.sqrt(s["count"] / top), 1),
                f"{escape(s['plz'])} {escape(s['place'])}",
                _n(s["count"]),
                [_n(s.get(k)) for k in STATUSES],
                ", ".join(f"{escape(label)} {_n(n)}" for label, n in s.get("topics", [])),
                office,
                _num(s["km"]) if name else "",
            ]
        )
    return {"offices": list(offices), "rows": rows}


def legend_html(by: str, bins: list[float], reach_km: float, suppressed: bool) -> str:
    """The legend: Kreis colour classes, office, reach circle, white-spot circle."""
    unit = "Linksaktive je 10.000 Einw." if by == "rate" else "Linksaktive"
    bounds = [0.0, *bins]
    rows = [f"<b>Kreise: {unit}</b>"]
    for i, lo in enumerate(bounds):
        hi = f" bis unter {_num(bounds[i + 1], 1 if by == 'rate' else 0)}" if i + 1 < len(bounds) else " und mehr"
        rows.append(
            f"<span style='background:{PALETTE[i]};"
            f"display:inline-block;width:12px;height:12px'></span> ab {_num(lo, 1 if by == 'rate' else 0)}{hi}"
        )
    if suppressed:
        rows.append(
            f"<span style='background:{HIDDEN_FILL};display:inline-block;width:12px;height:12px'></span>"
            " ausgeblendet (&lt; 5)"
        )
    rows.append(f"<span style='color:{OFFICE_COLOR}'>&#9679;</span> Geschäftsstelle")
    rows.append(f"<span style='color:{REACH_COLOR}'>&#9711;</span> Reichweite {_num(reach_km, 0)} km")
    rows.append(f"<span style='color:{PLZ_COLOR}'>&#9679;</span> Linksaktive ohne Büro in Reichweite (je PLZ)")
    return "<br>".join(rows)


def build_map(
    view,
    geo_features: list[dict],
    *,
    tile_url: str,
    tile_attribution: str,
    data_attribution: str,
    color_by: str = "rate",
    show_heat: bool = False,
) -> folium.Map:
    """Assemble the map from a services.mapdata.MapView (plain data) and the Kreis polygons in view."""
    (south, west), (north, east) = view.bounds
    # One canvas instead of ~5,000 SVG elements: the national map draws several times faster.
    m = LocalMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        max_zoom=18,
        min_zoom=5,
        control_scale=True,
        prefer_canvas=True,
    )
    if tile_url:
        folium.TileLayer(tile_url, attr=escape(tile_attribution), name="Karte", max_zoom=18, control=False).add_to(m)
    # leitung's Kreis far figure is the sum of its visible circles (nothing hidden inside it).
    far_label = (
        "ohne Büro in Reichweite (in PLZ-Gebieten mit mindestens 5)" if view.suppressed else "ohne Büro in Reichweite"
    )
    kreise, bins = kreis_features(geo_features, view.kreise, color_by, far_label)
    PropertyGeoJson(kreise, "Kreise", {"color": "#666", "weight": 0.6, "fillOpacity": 0.55}).add_to(m)
    PropertyGeoJson(
        reach_features(view.offices),
        f"Reichweite ({_num(view.reach_km, 0)} km)",
        {"radius": view.reach_km * 1000, "color": REACH_COLOR, "weight": 1, "fillOpacity": 0.06, "interactive": False},
        metric_circles=True,
    ).add_to(m)
    PropertyGeoJson(
        office_features(view.offices),
        "Geschäftsstellen",
        {"radius": 5, "color": "#fff", "weight": 1.5, "fillColor": OFFICE_COLOR, "fillOpacity": 1},
    ).add_to(m)
    PropertyGeoJson(
        plz_rows(view.spots),
        "Ohne Büro in Reichweite (PLZ)",
        {"color": PLZ_COLOR, "weight": 1, "fillColor": PLZ_COLOR, "fillOpacity": 0.45},
        popup_js=PLZ_POPUP_JS,
        rows_js=PLZ_ROWS_JS,
    ).add_to(m)
    if view.heat:
        LocalHeatMap(
            view.heat,
            name="Alle Linksaktiven (Dichte, 5 Stufen)" if view.suppressed else "Alle Linksaktiven (Dichte)",
            show=show_heat,
            radius=18,
            blur=15,
            min_opacity=0.3,
        ).add_to(m)
    MapExtras(data_attribution, legend_html(color_by, bins, view.reach_km, view.suppressed)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m


def external_urls(html: str, allowed_prefixes: tuple[str, ...] = ()) -> list[str]:
    """Script/link URLs in rendered map HTML that point to other hosts (should be empty)."""
    import re

    urls = re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)""", html, flags=re.IGNORECASE)
    return [u for u in urls if not u.startswith(allowed_prefixes)]
