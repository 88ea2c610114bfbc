"""A copied login cookie stops working at logout (ASVS V3): the cookie names a server-side session."""

from __future__ import annotations

import sqlite3
import time

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import click_until, shot

pytestmark = pytest.mark.e2e

COOKIE = "linksaktiv_cockpit"


def _login_cookie(context, timeout: float = 30.0) -> dict:
    """The login cookie once the browser has it (the authenticator sets it from JavaScript)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("no login cookie was set")


def _new_page_with(browser, cookie: dict):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _resumed_events(db_url: str) -> int:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT count(*) FROM audit_event WHERE action = 'session_resumed'").fetchone()[0]


def test_a_copied_cookie_is_worthless_after_logout(app_server, seeded_db_url, browser, browser_page):
    page = browser_page
    login(page, app_server, "kv-leipzig")
    cookie = _login_cookie(page.context)
    assert cookie["sameSite"] == "Strict"  # Secure comes with HTTPS (behind the proxy); HttpOnly is impossible

    # While the session is open the cookie logs a new browser in, and that is audited.
    before = _resumed_events(seeded_db_url)
    context, other = _new_page_with(browser, cookie)
    try:
        other.goto(app_server)
        expect(other.get_by_role("heading", name="Übersicht")).to_be_visible()
        expect(other.get_by_role("button", name="Abmelden", exact=True)).to_be_visible()
    finally:
        context.close()
    assert _resumed_events(seeded_db_url) == before + 1

    click_until(
        page,
        page.get_by_role("button", name="Abmelden", exact=True),
        page.get_by_role("textbox", name="Benutzername", exact=True),
    )

    # The same cookie, copied before the logout, now lands on the login page.
    context, stolen = _new_page_with(browser, cookie)
    try:
        stolen.goto(app_server)
        login_box = stolen.get_by_role("textbox", name="Benutzername", exact=True)
        # The refused cookie ends the first run and reruns: for a moment Streamlit can show the old
        # form beside the new one. Once the runs are over there is exactly one.
        expect(login_box.first).to_be_visible()
        wait_idle(stolen)
        expect(login_box).to_have_count(1)
        expect(stolen.get_by_text("Deine Sitzung ist abgelaufen")).to_be_visible()
        expect(stolen.get_by_role("heading", name="Übersicht")).to_have_count(0)
        expect(stolen.get_by_role("button", name="Abmelden", exact=True)).to_have_count(0)
        shot(stolen, "05_copied_cookie_after_logout")
    finally:
        context.close()
