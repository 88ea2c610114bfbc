"""Karte benchmark: white-spot analysis, national and KV map (server time, bytes), Chromium draw time.

    python -m bench.bench_map [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
                              [--offices 400] [--no-browser]

Reads only (offices beyond the database's own are added in memory for the analysis timing).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlalchemy import select  # noqa: E402

from components.map import build_map  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import User  # noqa: E402
from db.queries.map import counts as q
from db.queries.map.counts import ContactFilter
from services.core.runtime import session_scope
from services.core.scope import scope_for
from services.geo.files import attribution_html, kreise_geojson
from services.geo.places import nearest
from services.map import data as mapdata
from services.map.whitespots import analyse, far_only

TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _t(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def _offices(session, n: int) -> pd.DataFrame:
    offices = q.active_offices(session)
    extra = n - len(offices)
    if extra > 0:  # more offices in memory only, at random PLZ centroids
        plz = q.plz_places(session).sample(extra, random_state=1)
        offices = pd.concat(
            [
                offices,
                pd.DataFrame(
                    {
                        "id": range(10**6, 10**6 + extra),
                        "name": "Extra",
                        "lat": plz["lat"].to_numpy(),
                        "lon": plz["lon"].to_numpy(),
                    }
                ),
            ]
        )
    return offices.reset_index(drop=True)


def _payload_bytes(fmap) -> int:
    """What st_folium sends to the browser for this map: script + header + html (+ link URLs)."""
    from streamlit_folium import _get_header, _get_html, _get_map_string

    fmap.get_root().render()
    return len(_get_map_string(fmap)) + len(_get_header(fmap)) + len(_get_html(fmap))


def _map_seconds(engine, scope, kv_id=None, background=False) -> tuple[float, int]:
    flt = ContactFilter(kv_id=kv_id)
    t = time.perf_counter()
    with session_scope(engine) as session:  # one session per action, as the page does
        view = mapdata.build_view(session, scope, flt, 15.0, background=background)
    wanted = set(view.kreis_ags)
    shapes = [f for f in kreise_geojson()["features"] if f["properties"]["ags"] in wanted]
    fmap = build_map(view, shapes, tile_url=TILES, tile_attribution="© OSM", data_attribution=attribution_html())
    size = _payload_bytes(fmap)
    return time.perf_counter() - t, size


def bench_db(label: str, url: str, n_offices: int) -> None:
    engine = make_engine(url)
    print(f"\n== {label}: {url}")
    with session_scope(engine) as s:
        users = {u.username: scope_for(u) for u in s.scalars(select(User))}
        n = q.contact_version(s)[0]
        offices = _offices(s, n_offices)
        print(f"contacts {n:,}, offices used for the analysis {len(offices)}")
        team, leitung, kv = users["team"], users["leitung"], users["kv-goerlitz"]
        s.rollback()  # release the read transaction (SQLite's BEGIN IMMEDIATE would block others)
        mapdata.clear_cache()
        best, med, counts = _t(lambda: (mapdata.clear_cache(), mapdata.plz_counts(s, team, ContactFilter()))[1], 2)
        print(f"count contacts per PLZ and status in the DB (uncached): {best:.3f} s")
        places = q.plz_places(s).merge(counts, on="plz", how="left").fillna({"count": 0})
        best, med, res = _t(lambda: far_only(analyse(places, offices, 15.0)), 5)
        print(
            f"white-spot analysis, {len(places):,} PLZ x {len(offices)} offices, applied to per-PLZ counts: "
            f"{best * 1000:.1f} ms (median {med * 1000:.1f} ms); {int(res['count'].sum()):,} contacts without office"
        )
        pts = places.loc[places.index.repeat(places["count"].astype(int)), ["lat", "lon"]].to_numpy(float)
        best, med, _ = _t(lambda: nearest(pts, offices[["lat", "lon"]].to_numpy(float)), 2)
        print(f"  (per contact instead: {len(pts):,} points, cKDTree {best:.3f} s)")
        s.rollback()
        for name, scope, kv_id in (
            ("team national", team, None),
            ("leitung national", leitung, None),
            ("kv-goerlitz", kv, None),
        ):
            mapdata.clear_cache()
            inline, _ = _map_seconds(engine, scope, kv_id)
            mapdata.clear_cache()
            cold, size = _map_seconds(engine, scope, kv_id, background=True)
            while mapdata._pending:  # let the page's background topic count finish
                time.sleep(0.05)
            warm = min(_map_seconds(engine, scope, kv_id)[0] for _ in range(3))
            print(
                f"map {name}: server time cold {cold:.3f} s as the page runs it (topic split in the "
                f"background), cold with topics inline {inline:.3f} s, cached {warm:.3f} s; "
                f"sent {size / 1e6:.2f} MB"
            )
    engine.dispose()


def bench_browser(url: str) -> None:
    """Chromium: time from clicking 'Karte' to the drawn national map (team)."""
    from playwright.sync_api import expect, sync_playwright

    from harness.browser import CHROMIUM_ARGS, find_chromium, login, start_app, wait_map_drawn

    os.environ.setdefault("REQUIRE_BROWSER", "1")
    proc, base = start_app(url, timeout=600)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            expect.set_options(timeout=120_000)
            page.goto(base)
            expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
            page.wait_for_timeout(1500)
            login(page, base, "team")
            expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
            for attempt in ("first (cold cache)", "again (cached)"):
                page.get_by_test_id("stSidebar").get_by_text("Übersicht", exact=True).click()
                expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
                t = time.perf_counter()
                page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
                iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
                expect(iframe).to_be_attached()
                t_frame = time.perf_counter() - t
                drawn = wait_map_drawn(iframe, {"Kreise": 400, "Geschäftsstellen": 100})
                total = time.perf_counter() - t
                frame = iframe.element_handle().content_frame()
                timing = frame.evaluate(
                    "() => ({drawn: performance.now(), html: document.documentElement.outerHTML.length})"
                )
                print(
                    f"Chromium: click 'Karte' -> national map drawn, {attempt}: {total:.2f} s "
                    f"(map frame attached after {t_frame:.2f} s, frame alive {timing['drawn'] / 1000:.2f} s "
                    f"until drawn); shapes {drawn}, frame DOM {timing['html'] / 1e6:.2f} MB"
                )
            browser.close()
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    """Run all measurements and print the figures with the machine they ran on."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", default="sqlite:////tmp/bench_1m.sqlite")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m")
    ap.add_argument("--offices", type=int, default=400)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    bench_db("SQLite", args.sqlite, args.offices)
    if args.pg:
        bench_db("PostgreSQL", args.pg, args.offices)
    if not args.no_browser:
        bench_browser(args.sqlite)


if __name__ == "__main__":
    main()
