"""Browser journey: the national white-spot map can be read (issue 11.2).

At the national zoom the Kreise are coloured and no PLZ marker is drawn although thousands of PLZ
have people without an office in reach; choosing a Land fits the map to it and shows the PLZ as
markers and clusters; when the background tiles cannot load, one line says so and the Land and
Kreis names are drawn. Runs on its own demo database of 30,000 contacts (the shared one has 2,000),
so that the PLZ layer really holds thousands of rows that must not reach the national map.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import expect

from components.map import LAND_ZOOM, PLZ_LAYER
from components.map_extras import TILE_ERROR
from harness.browser import login, wait_idle, wait_map_drawn
from tests.support.browser import choose_option, shot
from tests.support.databases import fresh_database

pytestmark = pytest.mark.e2e

CONTACTS = 30_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TILE_HOST = "https://tile.openstreetmap.org/**"  # the default tile server (settings.DEFAULT_TILE_URL)
BLANK_TILE = base64.b64decode(  # a 1×1 light grey PNG: a tile server that answers
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGN49+4dAAWYAsspex20AAAAAElFTkSuQmCC"
)
SACHSEN = {"south": 50.17, "west": 11.87, "north": 51.69, "east": 15.04}  # bounding box of the Land
MAX_MARKERS = 300  # "a few hundred" at most, whatever the number of contacts

# Leaflet marker elements in the map's frame, by kind, and the map's zoom and view.
MARKERS_JS = """() => {
    const n = sel => document.querySelectorAll(sel).length;
    const b = window.map.getBounds();
    return {
        all: n('.leaflet-marker-icon'), plz: n('.leaflet-marker-icon.plz-marker'),
        clusters: n('.leaflet-marker-icon.plz-cluster'), labels: n('.leaflet-marker-icon.karte-label'),
        zoom: window.map.getZoom(),
        view: {south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast()},
        center: window.map.getCenter(),
    };
}"""


@pytest.fixture(scope="module")
def big_server(app_server_factory, tmp_path_factory) -> str:
    """An app server on a demo database of 30,000 contacts."""
    from db.engine import make_engine
    from services.seed import seed_demo

    url = fresh_database("sqlite", tmp_path_factory.mktemp("karte_national"), suffix="karte30k")
    eng = make_engine(url)
    seed_demo(eng, contacts=CONTACTS, seed=42)
    eng.dispose()
    return app_server_factory(db_url=url)


def _open_karte(page, base: str, username: str = "team"):
    """Log in, open the Karte and wait until the national map is drawn; returns the map's frame."""
    page.goto(base)
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    login(page, base, username)
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
    expect(page.get_by_role("heading", name="Karte")).to_be_visible()
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_be_visible()
    box = iframe.bounding_box()
    assert box and box["height"] > 300, box  # a component that failed to load has height 0
    drawn = wait_map_drawn(iframe, {"Kreise": 300, "Ländergrenzen": 16, "Geschäftsstellen": 1})
    return iframe.element_handle().content_frame(), drawn


def _plz_rows(frame) -> int:
    """How many white-spot PLZ the map's PLZ layer carries (drawn or not)."""
    found = re.search(r"var d = (\{.*?\}), rows = ", frame.content(), flags=re.S)
    assert found, "no PLZ layer in the map"
    return len(json.loads(found.group(1))["rows"])


def _choose_land(page, name: str):
    wait_idle(page)
    land = page.get_by_test_id("stSelectbox").filter(has_text="Land").first
    choose_option(page, land.get_by_role("combobox"), name)
    wait_idle(page)
    iframe = page.locator(MAP_IFRAME)
    drawn = wait_map_drawn(iframe, {"Kreise": 5, PLZ_LAYER: 1})
    assert drawn["Kreise"] < 100, drawn  # the Land's Kreise, not Germany's 400
    return iframe.element_handle().content_frame(), drawn


def _shot(page, name: str) -> None:
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    shot(page, name)


def _wait_markers(page, frame, ready) -> dict:
    """MARKERS_JS once ready(result) holds (markercluster adds markers in chunks), else the last look."""
    seen = frame.evaluate(MARKERS_JS)
    for _ in range(100):
        if ready(seen):
            break
        page.wait_for_timeout(100)
        seen = frame.evaluate(MARKERS_JS)
    return seen


def test_national_map_shows_kreise_and_no_plz_markers_then_a_land_with_plz_detail(big_server, browser_page):
    page = browser_page
    page.context.route(TILE_HOST, lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
    frame, drawn = _open_karte(page, big_server)
    assert drawn["Kreise"] == 400 and PLZ_LAYER not in drawn, drawn
    rows = _plz_rows(frame)
    assert rows > 1000, rows  # thousands of white-spot PLZ exist ...
    m = frame.evaluate(MARKERS_JS)
    assert m["zoom"] < LAND_ZOOM, m
    # ... but none is drawn at the national zoom: no blanket of circles, only the coloured Kreise.
    assert m["plz"] == 0 and m["clusters"] == 0 and m["all"] <= MAX_MARKERS, m
    assert m["labels"] == 0  # tiles load: no names drawn over them, and no note
    expect(page.frame_locator(MAP_IFRAME).locator(".karte-tile-error")).to_have_count(0)
    expect(page.frame_locator(MAP_IFRAME).locator(".karte-legend")).to_contain_text("Kreise")
    _shot(page, "karte_national_01_germany")

    frame, drawn = _choose_land(page, "Sachsen")
    m = _wait_markers(page, frame, lambda r: r["plz"] + r["clusters"] > 0)
    # Fitted to the Land: zoomed in to at least the Land zoom, the Land in view, its middle near the centre.
    assert m["zoom"] >= LAND_ZOOM, m
    v = m["view"]
    assert v["south"] <= SACHSEN["south"] + 0.2 and v["north"] >= SACHSEN["north"] - 0.2, m
    assert v["west"] <= SACHSEN["west"] + 0.2 and v["east"] >= SACHSEN["east"] - 0.2, m
    assert SACHSEN["south"] < m["center"]["lat"] < SACHSEN["north"], m
    assert SACHSEN["west"] < m["center"]["lng"] < SACHSEN["east"], m
    # The PLZ detail: markers and clusters sized by count, still only a few hundred elements.
    assert m["plz"] + m["clusters"] > 0 and m["all"] <= MAX_MARKERS, m
    expect(page.frame_locator(MAP_IFRAME).locator(".plz-cluster").first).to_be_visible()
    _shot(page, "karte_national_02_sachsen")


def test_blocked_tiles_say_so_in_one_line_and_names_are_drawn(big_server, browser_page):
    page = browser_page
    page.context.route(TILE_HOST, lambda route: route.abort())
    frame, drawn = _open_karte(page, big_server, "leitung")
    assert drawn["Kreise"] == 400, drawn
    map_frame = page.frame_locator(MAP_IFRAME)
    note = map_frame.locator(".karte-tile-error")
    expect(note).to_be_visible()
    expect(note).to_have_text(TILE_ERROR)
    box = note.bounding_box()
    assert box and box["height"] < 30, box  # one line
    # Zoomed out: the Länder are named on the map (16 names), the Kreise not yet.
    lands = map_frame.locator(".karte-label.land")
    expect(lands).to_have_count(16)
    # The label's box is empty (an anchor); its text sits in the span.
    expect(lands.locator("span").filter(has_text=re.compile(r"^Sachsen$"))).to_be_visible()
    expect(map_frame.locator(".karte-label.kreis")).to_have_count(0)
    m = frame.evaluate(MARKERS_JS)
    assert m["plz"] == 0 and m["clusters"] == 0 and m["all"] <= MAX_MARKERS, m  # 16 names, no PLZ
    _shot(page, "karte_national_03_no_tiles")

    frame, _ = _choose_land(page, "Sachsen")
    map_frame = page.frame_locator(MAP_IFRAME)
    expect(map_frame.locator(".karte-tile-error")).to_be_visible()
    kreise = map_frame.locator(".karte-label.kreis span")
    expect(kreise.filter(has_text=re.compile(r"^Görlitz$"))).to_be_visible()
    expect(kreise.filter(has_text="Leipzig").first).to_be_visible()
    _shot(page, "karte_national_04_no_tiles_sachsen")


def _metric(page, label_start: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label_start).first
    expect(metric).to_be_visible()
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_leitung_reads_the_true_number_without_office_on_both_pages(big_server, browser_page):
    page = browser_page
    page.goto(big_server)
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    login(page, big_server, "leitung")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    wait_idle(page)
    national = _metric(page, "ohne Büro")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", national), national  # thousands at 30,000 contacts, no '< 5', no ',0'
    heading = page.get_by_role("heading", name="Länder im Vergleich (je 10.000 Einwohner:innen)")
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")  # chart and table below it in the shot
    expect(heading).to_be_in_viewport()  # the table itself is a canvas: its columns are checked in AppTest
    shot(page, "karte_national_05_leitung_uebersicht_laender")
    page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
    expect(page.get_by_role("heading", name="Karte")).to_be_visible()
    wait_map_drawn(page.locator(MAP_IFRAME), {"Kreise": 300})
    wait_idle(page)
    assert _metric(page, "Linksaktive ohne Büro im Umkreis") == national  # one protection run, one figure
