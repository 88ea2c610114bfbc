"""Browser-test helpers: start the app, Debian's Chromium, log in, wait for idle, pick and click robustly, screenshots."""
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

ROOT = Path(__file__).resolve().parents[2]


SHOTS = ROOT / "tests" / "e2e" / "screenshots"


DEMO_PASSWORD = "linksaktiv-demo"


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


def wait_map_drawn(iframe, minimum: dict[str, int], timeout_ms: int = 120_000) -> dict:
    """Wait until the map in the `iframe` locator has drawn and return its shapes per named layer.

    The map draws on one canvas: we wait for that canvas and for window.mapDrawn, which the map
    script sets after the renderer's first frame, with at least `minimum` shapes per layer.
    """
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        drawn = None
        # During a rerun Streamlit can hold the old map iframe beside the new one, for a moment
        # or until the run ends: ask only when exactly one map is on the page.
        if iframe.count() == 1:
            try:
                handle = iframe.element_handle(timeout=1000)
                frame = handle.content_frame() if handle else None
                drawn = frame and frame.evaluate(
                    "() => document.querySelector('.leaflet-overlay-pane canvas') && window.mapDrawn || null")
            except Exception:  # the frame was replaced or doubled by a rerun while we asked
                drawn = None
        if drawn and all(drawn.get(k, 0) >= n for k, n in minimum.items()):
            return drawn
        if time.perf_counter() > deadline:
            raise AssertionError(f"map not drawn in time: {drawn}")
        time.sleep(0.05)
