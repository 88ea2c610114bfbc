"""Browser journey: admin creates a user, who then logs in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import choose_option, click_until, shot

pytestmark = pytest.mark.e2e


def test_admin_creates_user_who_then_logs_in(app_server, browser_page):
    page = browser_page
    login(page, app_server, "admin")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.get_by_role("link", name="Benutzer:innen").click()
    expect(page.get_by_role("heading", name="Benutzer:innen")).to_be_visible()
    wait_idle(page)
    page.get_by_text("Neue:n Benutzer:in anlegen").click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Anlegen"))
    form.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-neu")
    form.get_by_role("textbox", name="Anzeigename", exact=True).fill("Neue Kollegin")
    form.get_by_role("textbox", name="E-Mail", exact=True).fill("neu@example.org")
    choose_option(page, form.get_by_test_id("stSelectbox").first.get_by_role("combobox"), "Linksaktiv-Team")
    form.get_by_label("Erstes Passwort", exact=True).fill("ein-langes-passwort-2026")
    click_until(page, form.get_by_role("button", name="Anlegen"), page.get_by_text("Das Konto ist angelegt."))
    shot(page, "05_admin_created_user")
    click_until(
        page,
        page.get_by_role("button", name="Abmelden", exact=True),
        page.get_by_role("textbox", name="Benutzername", exact=True),
    )
    wait_idle(page)

    page.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-neu")
    page.get_by_label("Passwort", exact=True).fill("ein-langes-passwort-2026")
    click_until(page, page.get_by_role("button", name="Anmelden"), page.get_by_role("heading", name="Übersicht"))
    expect(page.get_by_test_id("stSidebar").get_by_text("Neue Kollegin")).to_be_visible()
    shot(page, "06_new_user_logged_in")
