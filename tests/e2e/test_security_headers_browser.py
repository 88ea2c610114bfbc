"""Behind nginx with the shipped security headers, the Cockpit still works: no page breaks a CSP rule.

Skips cleanly where nginx is not installed (Debian: apt-get install nginx-light).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import shot

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "cockpit.conf"
PAGES = {
    "admin": ["Karte", "Linksaktive", "Aufbewahrung", "Audit-Log"],
    "leitung": ["Karte", "Helfer:innen-Karte"],
}
MAPS = {"Karte", "Helfer:innen-Karte"}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _plain_http(conf: str, port: int, app_port: int) -> str:
    """The shipped configuration on plain HTTP at port, in front of the app at app_port (no redirect, no TLS)."""
    conf = re.sub(r"server\s*\{\s*listen 80;.*?\n\}\n", "", conf, flags=re.S)
    conf = conf.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};").replace("listen [::]:443 ssl;", "")
    conf = re.sub(r"^\s*ssl_\w+\s+[^;]*;\n", "", conf, flags=re.M)
    return conf.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")


@pytest.fixture(scope="module")
def proxied(app_server, tmp_path_factory):
    """Base URL of nginx with the shipped deploy/nginx/cockpit.conf in front of the app (plain HTTP)."""
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    tmp = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    (tmp / "cockpit.conf").write_text(_plain_http(CONF.read_text(), port, urlparse(app_server).port))
    temp = "\n".join(f"    {n}_temp_path {tmp / n};" for n in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log {tmp / 'access.log'};\n{temp}\n    include {tmp / 'cockpit.conf'};\n}}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 20
    while time.time() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    assert proc.poll() is None, (tmp / "error.log").read_text()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_break_no_csp_rule_behind_the_proxy(proxied, browser_page, username):
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(proxied)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    page.wait_for_timeout(1500)  # the first run on a fresh server re-renders the form
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
