"""Browser-test fixtures: a running Cockpit on a seeded demo database and Debian's Chromium."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_CONTACTS, fresh_database

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
DEMO_PASSWORD = "linksaktiv-demo"
# Streamlit reruns and first-start seeding take longer than expect()'s 5 s default.
expect.set_options(timeout=60_000)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    """Path of Debian's chromium, or skip (fail when REQUIRE_BROWSER=1)."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no chromium at {path}")
        pytest.skip("Browser tests need Debian's chromium (apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db_url: str, env_extra: dict | None = None, timeout: float = 180) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free port against db_url; returns (process, base URL)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "DEMO_MODE": "1", **(env_extra or {})}
    log = open(SHOTS.parent / f"server-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory) -> str:
    """A demo SQLite database seeded once for all browser journeys."""
    chromium_path()
    from db.engine import make_engine
    from services.seed import seed_demo

    url = fresh_database("sqlite", tmp_path_factory.mktemp("e2e"), suffix="e2e")
    eng = make_engine(url)
    seed_demo(eng, contacts=TEST_CONTACTS, seed=42)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def app_server_factory(seeded_db_url):
    """start(env_extra=None, db_url=None) -> base URL of a further app server; all stopped at the end."""
    procs = []

    def _start(env_extra: dict | None = None, db_url: str | None = None) -> str:
        proc, base = start_app(db_url or seeded_db_url, env_extra)
        procs.append(proc)
        return base

    yield _start
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture(scope="session")
def app_server(app_server_factory) -> str:
    """Base URL of the shared app server on the seeded demo database."""
    return app_server_factory()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page (own cookies) with a desktop viewport and German locale."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def login(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Open the app, log in and wait until the logged-in page has finished its run."""
    page.goto(base)
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    wait_idle(page)  # a click during the first run is lost
    page.get_by_role("textbox", name="Benutzername", exact=True).fill(username)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    # The run after login also sets the cookie (a component rerun): a click before it ends is lost.
    expect(page.get_by_role("button", name="Abmelden", exact=True)).to_be_visible()
    wait_idle(page)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/screenshots/ and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current script run (clicks during a run get lost).

    Idle must hold twice, 400 ms apart: on a loaded machine a rerun that an action asked for
    may not have started yet at the first look.
    """
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    for pause in (300, 400):
        page.wait_for_timeout(pause)
        expect(idle).to_be_attached()


def choose_option(page, combobox, option_name, *, type_text: str | None = None, attempts: int = 4) -> None:
    """Open a selectbox/multiselect and click an option, retrying when a rerun closes the list.

    A Streamlit rerun still in flight re-renders the widget and closes an open drop-down; the
    click then waits for an option that never appears. So: wait for the app to be idle, open,
    (optionally type to filter a long virtualised list), and try again if the option is not there.
    """
    option = page.get_by_role("option", name=option_name, exact=isinstance(option_name, str)).first
    for attempt in range(attempts):
        wait_idle(page)
        combobox.scroll_into_view_if_needed()
        combobox.click()
        if type_text:
            page.keyboard.type(type_text)
        try:
            expect(option).to_be_visible(timeout=5000)
        except AssertionError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        option.click()
        return


def click_until(page, button, result, attempts: int = 3) -> None:
    """Click button until result shows: a click that lands while a rerun is still in flight is lost.

    Only clicks again once the app is idle and the result is still missing, so a slow but
    successful submit is never sent twice.
    """
    for attempt in range(attempts):
        wait_idle(page)
        button.click()
        try:
            expect(result).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            wait_idle(page)
            if result.is_visible():
                return
            if attempt == attempts - 1:
                raise
