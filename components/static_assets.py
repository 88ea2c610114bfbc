"""Self-served Leaflet assets (DESIGN §6): the map loads no script, style or font from other hosts."""

from __future__ import annotations

from pathlib import Path

# Streamlit serves <repo>/static at /app/static when server.enableStaticServing is on.
VENDOR_URL = "/app/static/vendor"
VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"

LEAFLET_JS = [("leaflet", f"{VENDOR_URL}/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{VENDOR_URL}/leaflet/leaflet.css")]
HEAT_JS = [("leaflet-heat.js", f"{VENDOR_URL}/leaflet-heat/leaflet-heat.js")]
MARKERCLUSTER_JS = [("markerclusterjs", f"{VENDOR_URL}/markercluster/leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [
    ("markerclustercss", f"{VENDOR_URL}/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", f"{VENDOR_URL}/markercluster/MarkerCluster.Default.css"),
]
ICON_IMAGE_PATH = f"{VENDOR_URL}/leaflet/images/"
# The page icon: a local file Streamlit serves itself (a ":material/…:" icon is fetched from a Google host).
FAVICON = VENDOR_DIR.parent / "favicon.png"


def vendor_files() -> list[Path]:
    """Every file the URLs above point to (for tests and start-up checks)."""
    urls = [u for _, u in LEAFLET_JS + LEAFLET_CSS + HEAT_JS + MARKERCLUSTER_JS + MARKERCLUSTER_CSS]
    files = [VENDOR_DIR / u[len(VENDOR_URL) + 1 :] for u in urls]
    return files + [VENDOR_DIR / "leaflet" / "images" / "marker-icon.png"]


def missing_vendor_files() -> list[str]:
    """Paths of vendored files that are absent (empty when the map can load)."""
    return [str(p) for p in vendor_files() if not p.is_file()]
