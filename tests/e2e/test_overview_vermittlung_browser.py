"""Browser: leitung's Übersicht (bars, Länder, growth) at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1440, 390])
def test_leitung_uebersicht_screens(app_server, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server, "leitung")
    expect(page.get_by_role("heading", name="Länder im Vergleich (je 10.000 Einwohner:innen)")).to_be_visible()
    wait_idle(page)
    shot(page, f"leitung_uebersicht_{width}")
