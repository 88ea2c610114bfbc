"""Map furniture shared by the Karte and the Helfer:innen-Karte: credits, km scale, collapsible legend,
a one-line note when the background tiles fail (then Land and Kreis names are drawn), PLZ clusters."""

from __future__ import annotations

import json

import folium
from folium.elements import JSCSSMixin
from jinja2 import Template

from components.folium_text import AsText
from components.static_assets import ICON_IMAGE_PATH, MARKERCLUSTER_CSS, MARKERCLUSTER_JS

TILE_ERROR = "Hintergrundkarte nicht erreichbar – Umrisse und Namen bleiben sichtbar."
TILE_ERROR_LONG = (
    "Die Kacheln der Hintergrundkarte laden nicht (keine Internetverbindung oder der Kartenserver ist gesperrt)."
)
# Below this map width (px) the legend starts folded (phones).
LEGEND_OPEN_MIN_WIDTH = 600


def _json(data) -> str:
    # Compact, and never closes a <script> block even if text contains "</".
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


_CSS = (
    ".karte-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;"
    "font:600 12px/1.1 sans-serif;color:#333;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}"
    ".karte-label.land span{font-size:13px;color:#222;text-transform:uppercase;letter-spacing:.04em}"
    ".karte-legend summary{cursor:pointer;font-weight:bold}"
    # Between the zoom (left) and layer (right) controls, centred; on a phone the line wraps
    # instead of being cut off (one line on a wide screen).
    ".karte-tile-error{position:absolute;top:6px;left:56px;right:56px;margin:0 auto;width:fit-content;z-index:1000;"
    "background:#fff8e1;border:1px solid #e0c060;border-radius:4px;padding:2px 8px;font:12px/1.4 sans-serif;"
    "text-align:center}"
    ".plz-marker{background:rgba(123,50,148,.8);border:1px solid #fff;border-radius:50%}"
    ".plz-cluster{background:rgba(123,50,148,.55);border:2px solid rgba(123,50,148,.95);border-radius:50%;"
    "color:#fff;font:bold 11px/1 sans-serif;display:flex;align-items:center;justify-content:center}"
)


class MapExtras(AsText, folium.MacroElement):
    """Icon path, data credits, km-only scale, a collapsible legend, the tile-failure note and names."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (M) {
L.Icon.Default.imagePath = {{ this.icon_path }};
var css = document.createElement('style'); css.textContent = {{ this.css }}; document.head.appendChild(css);
M.attributionControl.setPrefix(false);
M.attributionControl.addAttribution({{ this.attribution }});
// The credits of five sources are long: keep them small so they do not cover the legend.
M.attributionControl.getContainer().style.cssText = 'font-size:9px;line-height:1.25;max-width:60%';
L.control.scale({imperial: false, metric: true}).addTo(M);
var legend = L.control({position: 'bottomleft'});
legend.onAdd = function () {
    var box = L.DomUtil.create('details', 'karte-legend');
    box.style.cssText = 'background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3);max-width:260px';
    box.innerHTML = '<summary>Legende</summary>' + {{ this.legend }};
    box.open = M.getSize().x >= {{ this.open_min }};
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
};
legend.addTo(M);
// The legend sits outside the data: while it is open, fitting the map (to Germany or a Land, the
// fitBounds that follows) keeps the legend's width free on the left. The first fit (the page's) is
// not animated: a click during a zoom animation would land beside the shapes it aims at.
var fit = M.fitBounds.bind(M), fitted = false;
M.fitBounds = function (bounds, options) {
    var box = legend.getContainer(), o = Object.assign({}, options || {});
    if (box.open) { o.paddingTopLeft = [box.offsetWidth + 12, 0]; }
    if (!fitted) { o.animate = false; fitted = true; }
    return fit(bounds, o);
};
// Names of Länder (zoomed out) and Kreise (zoomed in): drawn when there is no background map.
var pane = M.createPane('karteLabels');
pane.style.zIndex = 450; pane.style.pointerEvents = 'none';
function labelGroup(rows, cls) {
    return L.layerGroup(rows.map(function (r) {
        return L.marker([r[0], r[1]], {pane: 'karteLabels', interactive: false, keyboard: false,
            icon: L.divIcon({className: 'karte-label ' + cls, html: '<span>' + r[2] + '</span>', iconSize: null})});
    }));
}
var lands = labelGroup({{ this.land_labels }}, 'land'), kreise = labelGroup({{ this.kreis_labels }}, 'kreis');
var tiles = [];
M.eachLayer(function (l) { if (l instanceof L.TileLayer) { tiles.push(l); } });
var named = tiles.length === 0, failed = false;
function syncLabels() {
    var near = M.getZoom() >= {{ this.kreis_zoom }};
    [[lands, named && !near], [kreise, named && near]].forEach(function (x) {
        if (x[1] && !M.hasLayer(x[0])) { M.addLayer(x[0]); }
        if (!x[1] && M.hasLayer(x[0])) { M.removeLayer(x[0]); }
    });
}
tiles.forEach(function (t) {
    t.on('tileerror', function () {
        if (failed) { return; }
        failed = named = true;
        var note = L.DomUtil.create('div', 'karte-tile-error', M.getContainer());
        note.textContent = {{ this.tile_error }};
        note.title = {{ this.tile_error_long }};
        M.getContainer().style.background = '#f3f1ec';
        syncLabels();
    });
});
M.on('zoomend', syncLabels);
syncLabels();
// After the renderer's frame: shapes per named layer on the map, for tests and benches (again after changes).
var pending = false;
function count() {
    pending = false;
    var drawn = {};
    M.eachLayer(function (l) {
        if (l.options && l.options.layerName && l.getLayers) { drawn[l.options.layerName] = l.getLayers().length; }
    });
    window.mapDrawn = drawn;
}
requestAnimationFrame(count);
M.on('layeradd layerremove', function () {
    if (window.mapDrawn && !pending) { pending = true; requestAnimationFrame(count); }
});
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(
        self,
        attribution_html: str,
        legend_html: str,
        land_labels: list | None = None,
        kreis_labels: list | None = None,
        kreis_zoom: int = 8,
    ):
        """attribution_html, legend_html and label names must already be HTML-safe.

        land_labels / kreis_labels: [lat, lon, name] rows; Kreis names show from kreis_zoom on.
        """
        super().__init__()
        self._name = "MapExtras"
        self.icon_path = _json(ICON_IMAGE_PATH)
        self.attribution = _json(attribution_html)
        self.legend = _json(legend_html)
        self.css = _json(_CSS)
        self.open_min = LEGEND_OPEN_MIN_WIDTH
        self.land_labels = _json(land_labels or [])
        self.kreis_labels = _json(kreis_labels or [])
        self.kreis_zoom = int(kreis_zoom)
        self.tile_error = _json(TILE_ERROR)
        self.tile_error_long = _json(TILE_ERROR_LONG)


class PlzClusters(AsText, JSCSSMixin, folium.map.Layer):
    """White-spot PLZ as small markers, merged into clusters sized by their people (Leaflet.markercluster).

    On the map only from min_zoom on (a Land or closer): at the national zoom the Kreise tell the story.
    rows_js turns the compact payload into [lat, lon, count, properties]; popup_js builds the popup.
    """

    default_js = MARKERCLUSTER_JS
    default_css = MARKERCLUSTER_CSS

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (M) {
    var d = {{ this.payload }}, rows = ({{ this.rows_js }})(d), popup = {{ this.popup_js }};
    var top = 1;
    rows.forEach(function (r) { top = Math.max(top, r[2]); });
    var g = L.markerClusterGroup({
        layerName: {{ this.layer_name_js }}, maxClusterRadius: 50, showCoverageOnHover: false,
        chunkedLoading: true, spiderfyOnMaxZoom: true,
        iconCreateFunction: function (c) {
            var n = 0;
            c.getAllChildMarkers().forEach(function (m) { n += m.options.n; });
            var s = Math.round(Math.min(46, 20 + 8 * Math.log10(n)));
            return L.divIcon({className: 'plz-cluster', html: n.toLocaleString('de-DE'), iconSize: [s, s]});
        }
    });
    g.addLayers(rows.map(function (r) {
        var s = Math.round(8 + 10 * Math.sqrt(r[2] / top));
        var m = L.marker([r[0], r[1]], {n: r[2], icon: L.divIcon({className: 'plz-marker', iconSize: [s, s]})});
        m.bindPopup(popup(r[3]), {maxWidth: 340});
        return m;
    }));
    // Switched when the zoom crosses min_zoom; in between, the user's tick in the layer control holds.
    var last = null;
    function sync() {
        var want = M.getZoom() >= {{ this.min_zoom }};
        if (want === last) { return; }
        last = want;
        if (want !== M.hasLayer(g)) { if (want) { M.addLayer(g); } else { M.removeLayer(g); } }
    }
    M.on('zoomend', sync);
    M.whenReady(sync);
    return g;
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, payload: dict | str, name: str, rows_js: str, popup_js: str, min_zoom: int):
        """payload: compact rows (escaped in Python), or them as JSON already; rows_js(payload) -> [[lat, lon, count, props]]."""
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "PlzClusters"
        self.layer_name_js = _json(name)
        self.payload = payload if isinstance(payload, str) else _json(payload)
        self.rows_js = rows_js
        self.popup_js = popup_js
        self.min_zoom = int(min_zoom)
