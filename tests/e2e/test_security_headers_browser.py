"""Behind nginx with the shipped security headers, the Cockpit still works: no page breaks a CSP rule.

Skips cleanly where nginx is not installed (Debian: apt-get install nginx-light).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from harness.proxy import free_port, start_nginx, stop
from scripts.proxy_config import ProxyOptions, render
from tests.support.browser import shot
from tests.support.nginx import require_nginx

PAGES = {
    "admin": ["Karte", "Linksaktive", "Aufbewahrung", "Audit-Log"],
    "leitung": ["Karte", "Helfer:innen-Karte"],
}
MAPS = {"Karte", "Helfer:innen-Karte"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _plain_http(port: int, app_port: int) -> str:
    """The shipped configuration on plain HTTP at port, in front of the app at app_port (no redirect, no TLS)."""
    conf = render(ProxyOptions(processes=1, first_port=app_port, https_port=port, listen_address="127.0.0.1"))
    conf = re.sub(r"server\s*\{\s*listen 127.0.0.1:80;.*?\n\}\n", "", conf, flags=re.S)
    conf = conf.replace(f"listen 127.0.0.1:{port} ssl;", f"listen 127.0.0.1:{port};")
    return re.sub(r"^\s*ssl_\w+\s+[^;]*;\n", "", conf, flags=re.M)


@pytest.fixture(scope="module")
def proxied(app_server, tmp_path_factory):
    """Base URL of nginx with the shipped deploy/nginx/cockpit.conf in front of the app (plain HTTP)."""
    require_nginx()
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    proc = start_nginx(tmp, _plain_http(port, urlparse(app_server).port), port)
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_break_no_csp_rule_behind_the_proxy(proxied, browser_page, username):
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(proxied)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    wait_idle(page)  # the first run on a fresh server re-renders the form
    # Logging in needs the cookie component: an iframe of the app, framed by the app.
    login(page, proxied, username)
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    for title in PAGES[username]:
        page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=title).first).to_be_visible()
        wait_idle(page)
        if title in MAPS:
            # The map is a component of the app: it loads and draws under the CSP (tiles may not load here).
            iframe = page.locator(MAP_IFRAME)
            expect(iframe).to_be_visible()
            expect(page.frame_locator(MAP_IFRAME).locator(".leaflet-container")).to_be_visible()
        shot(page, f"csp-{username}-{title.replace(':', '').replace(' ', '-').lower()}")
    assert refused == []
