"""The Cockpit in Debian's Chromium: start the app, log in, wait for a finished run, wait for a drawn map."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "tests" / "e2e"


DEMO_PASSWORD = "linksaktiv-demo"


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """Path of Debian's chromium (CHROMIUM_PATH overrides), or None when it is not installed."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(db_url: str, env_extra: dict | None = None, timeout: float = 180) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free port against db_url; returns (process, base URL)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "DEMO_MODE": "1", **(env_extra or {})}
    log = open(LOG_DIR / f"server-{port}.log", "w")  # noqa: SIM115 (the server writes to it until it stops)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current script run (clicks during a run get lost).

    Idle must hold twice, 400 ms apart: on a loaded machine a rerun that an action asked for
    may not have started yet at the first look.
    """
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    for pause in (300, 400):
        page.wait_for_timeout(pause)
        expect(idle).to_be_attached()


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
                    "() => document.querySelector('.leaflet-overlay-pane canvas') && window.mapDrawn || null"
                )
            except Exception:  # the frame was replaced or doubled by a rerun while we asked
                drawn = None
        if drawn and all(drawn.get(k, 0) >= n for k, n in minimum.items()):
            return drawn
        if time.perf_counter() > deadline:
            raise AssertionError(f"map not drawn in time: {drawn}")
        time.sleep(0.05)
