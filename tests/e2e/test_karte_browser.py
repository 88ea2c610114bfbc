"""Browser journey: kv-goerlitz opens the Karte, sees offices and circles, filters, exports."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


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
    expect(frame.locator(".leaflet-overlay-pane path.leaflet-interactive").first).to_be_attached()
    assert frame.locator(".leaflet-overlay-pane path").count() >= 3  # Kreis, office dots, PLZ circles
    expect(frame.locator(".karte-legend")).to_contain_text("Geschäftsstelle")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("GeoBasis-DE")
    shot(page, "karte_01_kv_goerlitz")

    # Apply a filter: only status Kontakt. The page reruns and the map is drawn again.
    page.get_by_text("Filter", exact=True).click()
    status = page.get_by_test_id("stMultiSelect").filter(has_text="Status")
    expect(status).to_be_visible()
    option = page.get_by_role("option", name="Kontakt", exact=True)
    for _ in range(3):  # a rerun still in flight can close the drop-down again
        page.wait_for_timeout(1000)
        status.get_by_role("combobox").click()
        try:
            expect(option).to_be_visible(timeout=5000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    option.click()
    page.keyboard.press("Escape")
    expect(status).to_contain_text("Kontakt")
    expect(page.locator(MAP_IFRAME)).to_have_count(1)  # the stale map of the previous run is gone
    expect(page.frame_locator(MAP_IFRAME).locator(".leaflet-overlay-pane path").first).to_be_attached()
    shot(page, "karte_02_filtered_status")

    with page.expect_download() as info:
        page.get_by_role("button", name="Als CSV exportieren").first.click()
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"PLZ;Ort;" in data
    assert not [e for e in errors if "leaflet" in e.lower() or "L is not defined" in e], errors
