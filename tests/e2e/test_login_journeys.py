"""Browser journeys of Foundation I and II: first start, login, logout, leitung, lockout."""
from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot, start_app, wait_idle

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
    page.get_by_role("button", name="Abmelden", exact=True).click()
    expect(page.get_by_role("textbox", name="Benutzername", exact=True)).to_be_visible()
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
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    expect(page.get_by_role("heading", name="Linksaktive", exact=True)).to_have_count(0)
    expect(page.get_by_role("textbox", name="Suche")).to_have_count(0)


def test_five_wrong_passwords_lock_kv_goerlitz(seeded_db_url, app_server_factory, browser_page, tmp_path):
    # A copy of the database: the lock must not leak into other journeys that use kv-goerlitz.
    src = seeded_db_url.removeprefix("sqlite:///")
    shutil.copy(src, tmp_path / "lock.sqlite")
    base = app_server_factory(db_url=f"sqlite:///{tmp_path / 'lock.sqlite'}")
    page = browser_page
    page.goto(base)
    for _ in range(5):
        page.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-goerlitz")
        page.get_by_label("Passwort", exact=True).fill("falsches-passwort")
        page.get_by_role("button", name="Anmelden").click()
        wait_idle(page)
        expect(page.get_by_text(re.compile("falsch|gesperrt"))).to_be_visible()
    expect(page.get_by_text("gesperrt")).to_be_visible()
    page.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-goerlitz")
    page.get_by_label("Passwort", exact=True).fill("linksaktiv-demo")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("gesperrt")).to_be_visible()
    expect(page.get_by_role("heading", name="Übersicht")).to_have_count(0)
    shot(page, "04_kv_goerlitz_locked")
