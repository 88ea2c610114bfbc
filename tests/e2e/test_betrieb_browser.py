"""Betrieb: two app processes behind the shipped nginx (TLS, sticky sessions) on one PostgreSQL.

Logged in through the proxy, a change made through one process is seen through the other at the
next action; when a process stops, its browser goes on with the other process without logging in
again. The health check fails on a stopped database and passes once it runs again.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from db.engine import make_engine
from db.migrate import upgrade
from harness.browser import login, start_app, wait_idle
from harness.proxy import free_port, self_signed, start_nginx, stop
from scripts.proxy_config import ProxyOptions, render
from services.seed import seed_demo
from tests.support.browser import CAPTURE, capture_form, click_until, fill_capture, shot
from tests.support.databases import TEST_CONTACTS, fresh_database
from tests.support.nginx import require_nginx

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Both processes run as one installation would: no demo mode, the same keys from the environment file.
ENV = {"DEMO_MODE": "0", "COOKIE_KEY": secrets.token_hex(32), "LINK_SECRET": secrets.token_hex(32)}
UPSTREAM = "x-cockpit-upstream"


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """(proxy URL, {port: process}) of two app processes on one seeded PostgreSQL behind nginx with TLS."""
    require_nginx()
    url = fresh_database("postgresql", tmp_path_factory.mktemp("betrieb_db"), suffix="betrieb")
    engine = make_engine(url)
    seed_demo(engine, contacts=TEST_CONTACTS, seed=42)
    engine.dispose()
    apps = {}
    for _ in range(2):
        proc, base = start_app(url, ENV)
        apps[urlparse(base).port] = proc
    tmp = tmp_path_factory.mktemp("betrieb_proxy")
    cert, key = self_signed(tmp)
    https = free_port()
    site = render(
        ProxyOptions(
            ports=tuple(apps),
            cert=str(cert),
            key=str(key),
            https_port=https,
            http_port=free_port(),
            listen_address="127.0.0.1",
        )
    )
    # For the test only: which process answered (the shipped configuration does not say it).
    site = site.replace(
        "    # End security headers\n",
        f"    # End security headers\n    add_header {UPSTREAM} $upstream_addr always;\n",
    )
    proxy = start_nginx(tmp, site, https)
    yield f"https://127.0.0.1:{https}", apps
    stop(proxy)
    for proc in apps.values():
        if proc.poll() is None:
            stop(proc)


def _page_on(browser, base: str, port: int):
    """A new browser (own cookies) whose route cookie sends it to the process on port."""
    for _ in range(40):  # each new browser gets a random route: half of them land on each process
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="de-DE", ignore_https_errors=True
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        response = page.goto(base)
        if response.headers.get(UPSTREAM) == f"127.0.0.1:{port}":
            return context, page
        context.close()
    raise AssertionError(f"no route cookie led to the process on port {port}")


def _linksaktive_figure(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Linksaktive", exact=True)
    )
    expect(metric).to_be_visible()
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(".", ""))


def _open(page, title: str, attempts: int = 3) -> None:
    wait_idle(page)
    click_until(
        page,
        page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True),
        page.get_by_role("heading", name=title),
        attempts=attempts,
    )
    wait_idle(page)


def test_two_processes_share_the_data_and_a_browser_survives_losing_its_process(browser, installation):
    base, apps = installation
    first, second = list(apps)
    ctx_a, page_a = _page_on(browser, base, first)
    ctx_b, page_b = _page_on(browser, base, second)
    try:
        login(page_a, base, "kv-leipzig")
        login(page_b, base, "kv-leipzig")
        expect(page_b.get_by_role("heading", name="Übersicht")).to_be_visible()
        before = _linksaktive_figure(page_b)  # process 2 has the figure in its cache now

        # Through process 1: a new Linksaktive:r in Leipzig.
        tag = uuid.uuid4().hex[:8]
        _open(page_a, "Linksaktive")
        page_a.get_by_text(CAPTURE, exact=True).click()
        form = capture_form(page_a)
        fill_capture(form, "Bea", f"Zweiprozess{tag}", f"bea.{tag}@example.org", "04109")
        click_until(page_a, form.get_by_role("button", name="Erfassen"), page_a.get_by_text(re.compile(r"^Erfasst \(")))
        shot(page_a, "betrieb_01_captured_through_process_1")

        # Through process 2, at the next action: the figure counts the new person.
        _open(page_b, "Linksaktive")
        _open(page_b, "Übersicht")
        assert _linksaktive_figure(page_b) == before + 1
        shot(page_b, "betrieb_02_seen_through_process_2")

        # Process 2 stops: the same browser goes on with process 1, still logged in.
        stop(apps[second])
        # Until the page has reconnected (Streamlit retries with a growing pause) a click is lost.
        _open(page_b, "Linksaktive", attempts=8)
        expect(page_b.get_by_role("button", name="Abmelden", exact=True)).to_be_visible()
        expect(page_b.get_by_role("textbox", name="Benutzername", exact=True)).to_have_count(0)
        search = page_b.get_by_role("textbox", name="Suche nach Name, E-Mail oder PLZ", exact=True)
        search.fill(f"bea.{tag}@example.org")
        search.press("Enter")
        expect(page_b.get_by_text("Seite 1 · 1 Treffer auf dieser Seite")).to_be_visible()
        shot(page_b, "betrieb_03_after_losing_process_2")
    finally:
        ctx_a.close()
        ctx_b.close()


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL's server refuses to run as root: CI runs as root, a developer usually not.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip("PostgreSQL's server binaries are not installed")
    return str(found[-1])


def _healthcheck(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "healthcheck"), "--database-url", url, "--no-sender"],
        env={**os.environ, "COCKPIT_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_health_check_fails_on_a_stopped_database_and_passes_after():
    # Its own small cluster, so that stopping it touches no other test. Not under pytest's tmp folder:
    # that one is private to root, and the server runs as postgres.
    data = Path(tempfile.mkdtemp(prefix="cockpit-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
    port = free_port()
    pg_ctl = _pg_bin("pg_ctl")
    subprocess.run(
        _as_postgres([_pg_bin("initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    control = _as_postgres([pg_ctl, "-D", str(data / "db"), "-o", options, "-l", str(data / "log"), "-w"])
    subprocess.run([*control, "start"], check=True, capture_output=True)
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        assert _healthcheck(url).returncode == 0

        subprocess.run([*control, "-m", "fast", "stop"], check=True, capture_output=True)
        down = _healthcheck(url)
        assert down.returncode == 1
        assert "FEHLER: Die Datenbank ist nicht erreichbar" in down.stderr

        subprocess.run([*control, "start"], check=True, capture_output=True)
        again = _healthcheck(url)
        assert again.returncode == 0, again.stderr
        assert "ok: Migration" in again.stdout
    finally:
        subprocess.run([*control, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)
