"""Karte benchmark at 1,000,000 contacts: national map data, PLZ markers at national zoom, Kreis shapes, HTML size.

    python -m bench.bench_map [--contacts 1000000] [--sqlite /tmp/bench_map_1m.sqlite] [--no-browser] [--reseed]
    BENCH_MAP_PG=postgresql+psycopg://postgres@127.0.0.1:5432/bench_map_1m python -m bench.bench_map

Seeds the demo data itself (services.seed, seed 42) into an empty database (another number of
contacts only with --reseed): a SQLite file (default under /tmp) and, when BENCH_MAP_PG (or --pg) names one, a
PostgreSQL database (created if missing). Then, per database: the time to build the national
map data (team and leitung, cold and cached), the map's size (full HTML and what st_folium
sends), the Kreis shapes and the PLZ markers drawn at national zoom. With Chromium (default on
SQLite): the national map opened as team, Leaflet marker elements counted in the map frame at
national zoom and after choosing a Land.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from components.map import LAND_ZOOM, PLZ_LAYER, build_map  # noqa: E402
from components.map_extras import PlzClusters  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import User  # noqa: E402
from db.queries.map.counts import ContactFilter  # noqa: E402
from services.core.runtime import session_scope  # noqa: E402
from services.core.scope import scope_for  # noqa: E402
from services.geo.files import attribution_html, kreis_shapes, laender_outlines  # noqa: E402
from services.map import data as mapdata  # noqa: E402

TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
NATIONAL_ZOOM = 6  # build_map's zoom_start; fit_bounds on Germany lands at 5-6 in a 620 px frame
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Leaflet marker elements in the map frame: PLZ markers and clusters (and, without tiles, name labels).
MARKERS_JS = """() => ({
    plz: document.querySelectorAll('.leaflet-marker-icon.plz-marker').length,
    clusters: document.querySelectorAll('.leaflet-marker-icon.plz-cluster').length,
    labels: document.querySelectorAll('.leaflet-marker-icon.karte-label').length,
    all: document.querySelectorAll('.leaflet-marker-icon').length,
    zoom: window.map ? window.map.getZoom() : null,
    tileNote: !!document.querySelector('.karte-tile-error'),
})"""


def ensure_seeded(url: str, contacts: int, reseed: bool = False) -> None:
    """Migrate and seed `contacts` demo contacts (seed 42) unless the database already holds that many.

    A database with another number of contacts is only emptied and seeded again with reseed=True.
    """
    from scripts.seed_demo import TextProgress
    from services.seed import seed_demo

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = make_engine(
            parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    elif parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT COUNT(*) FROM contact")).scalar_one()
    if have == contacts:
        print(f"database already holds {have:,} contacts: not seeded again")
    elif have and not reseed:
        raise SystemExit(f"the database holds {have:,} contacts, not {contacts:,}: pass --reseed to empty it and seed")
    else:
        t = time.perf_counter()
        seed_demo(engine, contacts=contacts, seed=42, progress=TextProgress(), reset=bool(have))
        print(f"seeded {contacts:,} contacts in {time.perf_counter() - t:.1f} s")
    engine.dispose()


def _payload_bytes(fmap) -> int:
    """What st_folium sends to the browser for this map: script + header + html."""
    from streamlit_folium import _get_header, _get_html, _get_map_string

    fmap.get_root().render()
    return len(_get_map_string(fmap)) + len(_get_header(fmap)) + len(_get_html(fmap))


def _national(engine, scope, background: bool = True):
    """(seconds for the map data, seconds for the folium map, view, map) as the page builds them."""
    t = time.perf_counter()
    with session_scope(engine) as session:  # one session per action, as the page does
        view = mapdata.build_view(session, scope, ContactFilter(), 15.0, background=background)
    t_data = time.perf_counter() - t
    shapes = kreis_shapes(view.kreis_ags)
    t = time.perf_counter()
    fmap = build_map(
        view,
        shapes,
        tile_url=TILES,
        tile_attribution="© OSM",
        data_attribution=attribution_html(),
        land_features=laender_outlines(),
        land_chosen=False,  # the national view, as a national user first sees it
    )
    html = fmap.get_root().render()
    t_map = time.perf_counter() - t
    return t_data, t_map, view, fmap, html


def _plz_layer(fmap) -> PlzClusters:
    return next(c for c in fmap._children.values() if isinstance(c, PlzClusters))


def bench_db(label: str, url: str) -> None:
    """Print the national map figures for team and leitung on one database."""
    engine = make_engine(url)
    print(f"\n== {label}: {make_url(url).render_as_string(hide_password=True)}")
    with session_scope(engine) as s:
        users = {u.username: scope_for(u) for u in s.scalars(select(User))}
        n = s.execute(text("SELECT COUNT(*) FROM contact")).scalar_one()
        plz_with_people = s.execute(text("SELECT COUNT(DISTINCT plz) FROM contact")).scalar_one()
    print(f"contacts {n:,} in {plz_with_people:,} PLZ")
    for name in ("team", "leitung"):
        scope = users[name]
        mapdata.clear_cache()
        cold_data, cold_map, view, fmap, html = _national(engine, scope)
        while mapdata._pending:  # the page's background topic count; not part of the map's time
            time.sleep(0.05)
        warm = min(_national(engine, scope)[0] for _ in range(3))
        plz = _plz_layer(fmap)
        rows = len(json.loads(plz.payload)["rows"])
        drawn = 0 if plz.min_zoom > NATIONAL_ZOOM else rows
        print(
            f"{name}, national: map data built in {cold_data:.2f} s cold ({warm:.3f} s cached), folium map and "
            f"HTML in {cold_map:.2f} s; {len(view.kreise)} Kreis shapes, {len(view.spots):,} white-spot PLZ "
            f"({rows:,} in the PLZ layer, shown from zoom {plz.min_zoom}); PLZ markers drawn at national zoom "
            f"{NATIONAL_ZOOM}: {drawn}; HTML {len(html) / 1e6:.2f} MB, sent by st_folium "
            f"{_payload_bytes(fmap) / 1e6:.2f} MB; without office {view.far_total}, total {view.total}"
        )
    with session_scope(engine) as s:  # leitung's one protection run, as the Übersicht reads it too
        prot = mapdata.national_figures(s, users["leitung"])
    print(
        f"leitung protection: Germany {prot.total} Linksaktive, {prot.far} without office in reach; "
        f"Länder hidden {sum(v is None for v in prot.land.values())}, Länder far hidden "
        f"{sum(v is None for v in prot.land_far.values())}, Kreise hidden {sum(v is None for v in prot.kreis.values())}, "
        f"circles hidden {len(prot.hidden_circles)}"
    )
    engine.dispose()


def _open_national(browser, base: str) -> tuple:
    """A new browser session as team: log in, click Karte, wait for the drawn national map.

    Returns (page, seconds from the click to the drawn map, drawn layers).
    """
    from playwright.sync_api import expect

    from harness.browser import login, wait_map_drawn

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(300_000)
    login(page, base, "team")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    t = time.perf_counter()
    page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
    drawn = wait_map_drawn(page.locator(MAP_IFRAME), {"Kreise": 300}, timeout_ms=300_000)
    return page, time.perf_counter() - t, drawn


def bench_browser(url: str) -> None:
    """Chromium as team: the national map cold (first after the server start) and warm (a second session,
    server caches filled), its Leaflet marker elements, then a Land with its PLZ detail."""
    from playwright.sync_api import expect, sync_playwright

    from harness.browser import CHROMIUM_ARGS, find_chromium, start_app, wait_idle, wait_map_drawn

    proc, base = start_app(url, timeout=600)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            expect.set_options(timeout=300_000)
            page, cold, drawn = _open_national(browser, base)
            wait_idle(page)
            warm = [_open_national(browser, base)[1] for _ in range(2)]
            page.wait_for_timeout(1500)  # markercluster adds its markers in chunks; give it the time it takes
            frame = page.locator(MAP_IFRAME).element_handle().content_frame()
            m = frame.evaluate(MARKERS_JS)
            size = frame.evaluate("() => document.documentElement.outerHTML.length")
            print(
                f"Chromium national (team): drawn {cold:.1f} s after the click cold, warm (new session) "
                f"{' / '.join(f'{w:.1f}' for w in warm)} s; layers {drawn}; zoom {m['zoom']}; "
                f"Leaflet marker elements {m['all']} (PLZ markers {m['plz']}, clusters {m['clusters']}, "
                f"name labels {m['labels']}); tile note shown: {m['tileNote']}; frame DOM {size / 1e6:.2f} MB"
            )
            page.get_by_test_id("stSelectbox").filter(has_text="Land").get_by_role("combobox").click()
            page.get_by_role("option", name="Sachsen", exact=True).click()
            wait_idle(page)
            t = time.perf_counter()
            drawn = wait_map_drawn(page.locator(MAP_IFRAME), {PLZ_LAYER: 1}, timeout_ms=300_000)
            page.wait_for_timeout(1500)
            frame = page.locator(MAP_IFRAME).element_handle().content_frame()
            m = frame.evaluate(MARKERS_JS)
            print(
                f"Chromium Sachsen (team): drawn {time.perf_counter() - t:.1f} s after the rerun; layers {drawn}; "
                f"zoom {m['zoom']}; PLZ markers {m['plz']}, clusters {m['clusters']}"
            )
            browser.close()
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    """Seed if needed, run all measurements and print the figures with the machine they ran on."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--sqlite", default="/tmp/bench_map_1m.sqlite", help="SQLite file; empty skips SQLite")
    ap.add_argument("--pg", default=os.environ.get("BENCH_MAP_PG", ""), help="PostgreSQL URL (or env BENCH_MAP_PG)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--reseed", action="store_true", help="empty a database that holds another number of contacts")
    args = ap.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; national zoom {NATIONAL_ZOOM}, "
        f"PLZ detail from zoom {LAND_ZOOM}"
    )
    urls = []
    if args.sqlite:
        urls.append(("SQLite", f"sqlite:///{args.sqlite}"))
    if args.pg:
        urls.append(("PostgreSQL", args.pg))
    for label, url in urls:
        ensure_seeded(url, args.contacts, args.reseed)
        bench_db(label, url)
    if args.sqlite and not args.no_browser:
        bench_browser(f"sqlite:///{args.sqlite}")


if __name__ == "__main__":
    main()
