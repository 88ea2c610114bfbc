"""Privacy in the browser (DESIGN §6): every page of every role loads nothing from a host but the app and the tiles."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from registry import pages_for

pytestmark = pytest.mark.e2e

USERS = {"admin": "admin", "team": "team", "land": "lv-sachsen", "kreis": "kv-leipzig", "leitung": "leitung"}
TILE_HOSTS = {"tile.openstreetmap.org"}


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_loads_only_from_the_app_and_the_tile_server(app_server, browser, role):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    hosts: dict[str, str] = {}
    page.on("request", lambda r: hosts.setdefault(urlsplit(r.url).netloc, r.url))
    try:
        login(page, app_server, USERS[role])
        for spec in pages_for(role):
            page.get_by_test_id("stSidebar").get_by_role("link", name=spec.title, exact=True).click()
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
            wait_idle(page)
    finally:
        context.close()
    app_host = urlsplit(app_server).netloc
    foreign = {h: url for h, url in hosts.items() if h and h != app_host and h not in TILE_HOSTS}
    assert foreign == {}
