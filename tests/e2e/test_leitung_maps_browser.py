"""Browser journey: leitung sees both maps as suppressed aggregates, never a person."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import shot

pytestmark = pytest.mark.e2e

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _check_map_page(page, title: str, shield: str) -> None:
    """Open the page from the navigation; map drawn, shield note shown, no person on the page."""
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_have_count(1)  # the previous page's map is gone
    expect(iframe).to_be_visible()
    expect(page.frame_locator(MAP_IFRAME).locator(".leaflet-container")).to_be_visible()
    box = iframe.bounding_box()
    assert box and box["height"] > 300, box  # a component that failed to load has height 0
    expect(page.get_by_text(shield)).to_be_visible()
    wait_idle(page)  # the whole page is drawn before we look for what must be missing
    main = page.get_by_test_id("stMain")
    text = main.inner_text()
    assert "@example." not in text
    assert "Linksaktive einer PLZ" not in text
    expect(page.get_by_text("Linksaktive einer PLZ")).to_have_count(0)
    # The map's own document (data of every layer and popup) holds no address either.
    map_html = iframe.element_handle().content_frame().content()
    assert "@example." not in map_html


def test_leitung_sees_maps_without_persons(app_server, browser_page):
    page = browser_page
    login(page, app_server, "leitung")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()

    _check_map_page(page, "Karte", "Zahlen unter 5 sind ausgeblendet, PLZ mit weniger als 5 Linksaktiven")
    shot(page, "leitung_01_karte")

    _check_map_page(page, "Helfer:innen-Karte", "Zahlen unter 5 sind ausgeblendet, ebenso jede Zahl")
    shot(page, "leitung_02_helfer_karte")
