"""Browser journey: kv-goerlitz opens the Karte, sees offices and circles, filters, exports."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle, wait_map_drawn
from tests.support.browser import choose_option, shot

pytestmark = pytest.mark.e2e

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


PAINTED_JS = """() => {
    const c = document.querySelector('.leaflet-overlay-pane canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0) n++; }
    return n;
}"""

# Position (inside the frame) and escaped name of the topmost office well inside the map.
OFFICE_JS = """() => {
    const size = window.map.getSize(), box = window.map.getContainer().getBoundingClientRect();
    let best = null;
    window.map.eachLayer(l => {
        if (!(l.options && l.options.layerName === 'Geschäftsstellen')) return;
        l.eachLayer(o => {
            const p = window.map.latLngToContainerPoint(o.getLatLng());
            if (p.x > 60 && p.y > 60 && p.x < size.x - 60 && p.y < size.y - 60 && (!best || p.y < best.y)) {
                best = {x: box.left + p.x, y: box.top + p.y, name: o.feature.properties.t};
            }
        });
    });
    return best;
}"""


def open_karte(page, base: str, username: str):
    """Log in, open the Karte from the navigation and return the map's frame locator."""
    # Warm-up: on a fresh server the first run prepares the database and re-renders the form,
    # which can swallow a login typed too early.
    page.goto(base)
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    page.wait_for_timeout(1500)
    login(page, base, username)
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Karte", exact=True).click()
    expect(page.get_by_role("heading", name="Karte")).to_be_visible()
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_be_visible()
    box = iframe.bounding_box()
    assert box and box["height"] > 300, box  # a component that failed to load has height 0
    return page.frame_locator(MAP_IFRAME)


def test_kv_goerlitz_map_filter_and_export(app_server, browser_page, tmp_path):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    frame = open_karte(page, app_server, "kv-goerlitz")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    iframe = page.locator(MAP_IFRAME)
    drawn = wait_map_drawn(iframe, {"Kreise": 1, "Geschäftsstellen": 1, "Ohne Büro in Reichweite (PLZ)": 1})
    assert drawn["Kreise"] <= 3, drawn  # only the KV's own Kreis
    inner = iframe.element_handle().content_frame()
    painted = 0
    for _ in range(50):  # the canvas is drawn again once the frame has its final height
        painted = inner.evaluate(PAINTED_JS)
        if painted > 2000:
            break
        page.wait_for_timeout(100)
    assert painted > 2000, painted  # the canvas really holds the shapes
    # Popups work on canvas shapes too: click an office.
    office = inner.evaluate(OFFICE_JS)
    assert office, "no office inside the map view"
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + office["x"], box["y"] + office["y"])
    expect(frame.locator(".leaflet-popup-content")).to_contain_text(office["name"].split("&")[0][:20])
    expect(frame.locator(".karte-legend")).to_contain_text("Geschäftsstelle")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("GeoBasis-DE")
    shot(page, "karte_01_kv_goerlitz")

    # Apply a filter: only status Kontakt. The page reruns and the map is drawn again.
    page.get_by_text("Filter und Reichweite", exact=True).click()
    status = page.get_by_test_id("stMultiSelect").filter(has_text="Status")
    expect(status).to_be_visible()
    choose_option(page, status.get_by_role("combobox"), "Kontakt")
    page.keyboard.press("Escape")
    expect(status).to_contain_text("Kontakt")
    wait_idle(page)
    expect(page.locator(MAP_IFRAME)).to_have_count(1)  # the stale map of the previous run is gone
    wait_map_drawn(page.locator(MAP_IFRAME), {"Kreise": 1, "Geschäftsstellen": 1})
    shot(page, "karte_02_filtered_status")

    # A click on a row of the Weiße-Flecken table lists that PLZ's Linksaktive (scoped, audited).
    listed = page.get_by_text("der Abruf ist protokolliert").first
    for attempt in range(3):  # a click that lands while a rerun is in flight is lost
        wait_idle(page)
        table = page.get_by_test_id("stDataFrame").first
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # selection cell of the first data row
        try:
            # .first: while the rerun finishes, Streamlit can briefly show the old and the new element.
            expect(listed).to_be_visible(timeout=15_000)
            break
        except AssertionError:
            wait_idle(page)
            if listed.is_visible() or attempt == 2:
                expect(listed).to_be_visible()
                break
    expect(page.get_by_text(re.compile(r"^PLZ \d{5} ")).first).to_be_visible()
    shot(page, "karte_03_plz_persons")

    # The CSV is built (and audited) on a click; then it can be downloaded once.
    wait_idle(page)
    page.get_by_role("button", name="Als CSV exportieren").first.click()
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV herunterladen").first.click()
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"PLZ;Ort;" in data
    assert not [e for e in errors if "leaflet" in e.lower() or "L is not defined" in e], errors
