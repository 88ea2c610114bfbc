"""Browser journeys of Foundation I and II: first start, login, logout, leitung, lockout."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from harness.browser import login, start_app, wait_idle
from tests.support.browser import click_until, shot

pytestmark = pytest.mark.e2e


def test_first_start_seeds_and_shows_login(browser_page, tmp_path):
    """A new user's first start: empty database, migrated and seeded, then the login page."""
    proc, base = start_app(f"sqlite:///{tmp_path / 'first.sqlite'}", {"DEMO_CONTACTS": "5000"}, timeout=240)
    try:
        browser_page.goto(base)
        expect(browser_page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
        expect(browser_page.get_by_label("Passwort", exact=True)).to_be_visible()
        expect(browser_page.get_by_text("Demo-Modus")).to_be_visible()
        shot(browser_page, "00_first_start_login")
    finally:
        proc.terminate()
        proc.wait(10)


def test_kv_leipzig_sees_its_overview_and_logs_out(app_server, browser_page):
    page = browser_page
    login(page, app_server, "kv-leipzig")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    expect(page.get_by_text("Gebiet: KV Leipzig")).to_be_visible()
    expect(page.get_by_text("Linksaktive").first).to_be_visible()
    shot(page, "01_kv_leipzig_uebersicht")
    click_until(
        page,
        page.get_by_role("button", name="Abmelden", exact=True),
        page.get_by_role("textbox", name="Benutzername", exact=True),
    )
    shot(page, "02_kv_leipzig_logged_out")


def test_leitung_sees_only_aggregates(app_server, browser_page):
    page = browser_page
    login(page, app_server, "leitung")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    expect(page.get_by_text("Zahlen unter 5 sind ausgeblendet")).to_be_visible()
    nav = page.get_by_test_id("stSidebar")
    expect(nav).to_be_visible()
    expect(nav.get_by_text("Linksaktive", exact=True)).to_have_count(0)
    expect(nav.get_by_text("Benutzer:innen", exact=True)).to_have_count(0)
    # No email address or phone number of a person anywhere on the page.
    body = page.locator("body").inner_text()
    assert not re.search(r"@example\.(org|net|com)", body)
    assert not re.search(r"\+49 15\d", body)
    shot(page, "03_leitung_uebersicht")
    # Typing the address of a page outside the role's registry entries does not open it.
    page.goto(app_server + "/linksaktive")
    wait_idle(page)
    expect(page.get_by_text("Die Seite „Linksaktive“ ist für deine Rolle „Leitung“ nicht freigegeben.")).to_be_visible()
    expect(page.get_by_role("heading", name="Linksaktive", exact=True)).to_have_count(0)
    expect(page.get_by_role("textbox", name="Suche")).to_have_count(0)


def test_five_wrong_passwords_lock_kv_goerlitz(seeded_db_url, app_server_factory, browser_page, tmp_path):
    # A copy of the database: the lock must not leak into other journeys that use kv-goerlitz.
    src = seeded_db_url.removeprefix("sqlite:///")
    shutil.copy(src, tmp_path / "lock.sqlite")
    base = app_server_factory(db_url=f"sqlite:///{tmp_path / 'lock.sqlite'}")
    page = browser_page
    page.goto(base)
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
    for attempt in range(1, 6):
        wait_idle(page)  # a click during a run still in flight is lost
        page.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-goerlitz")
        page.get_by_label("Passwort", exact=True).fill("falsches-passwort")
        page.get_by_role("button", name="Anmelden").click()
        # The message of the previous attempt is still on the page: wait for the database to count this one.
        _wait_for_failed_logins(tmp_path / "lock.sqlite", "kv-goerlitz", attempt)
        wait_idle(page)
        expect(page.get_by_text(re.compile("falsch|gesperrt"))).to_be_visible()
    expect(page.get_by_text("gesperrt")).to_be_visible()
    wait_idle(page)
    page.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-goerlitz")
    page.get_by_label("Passwort", exact=True).fill("linksaktiv-demo")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("gesperrt")).to_be_visible()
    expect(page.get_by_role("heading", name="Übersicht")).to_have_count(0)
    shot(page, "04_kv_goerlitz_locked")


def _wait_for_failed_logins(db_path, username: str, expected: int, timeout: float = 20.0) -> None:
    """Wait until the database counts expected failed logins for username (the app writes them)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        with sqlite3.connect(db_path) as conn:
            # Count audit events, not app_user.failed_logins: the lock resets that counter.
            seen = conn.execute(
                "SELECT count(*) FROM audit_event WHERE action = 'login_failed' AND object_id = "
                "(SELECT CAST(id AS TEXT) FROM app_user WHERE username = ?)",
                (username,),
            ).fetchone()[0]
        if seen == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"{username}: {seen} failed logins counted, expected {expected}")
