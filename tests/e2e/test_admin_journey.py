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
    # The create section is open; the area field follows the role at once (no form).
    box = page.get_by_test_id("stExpander").filter(has_text="Neue:n Benutzer:in anlegen")
    box.get_by_role("textbox", name="Benutzername", exact=True).fill("kv-neu")
    box.get_by_role("textbox", name="Anzeigename", exact=True).fill("Neue Kollegin")
    box.get_by_role("textbox", name="E-Mail", exact=True).fill("neu@example.org")
    page.keyboard.press("Tab")
    choose_option(page, box.get_by_test_id("stSelectbox").first.get_by_role("combobox"), "Kreisverband")
    expect(box.get_by_test_id("stSelectbox")).to_have_count(2)
    choose_option(
        page, box.get_by_test_id("stSelectbox").nth(1).get_by_role("combobox"), "KV Leipzig", type_text="Leipzig"
    )
    box.get_by_label("Erstes Passwort", exact=True).fill("ein-langes-passwort-2026")
    box.get_by_label("Erstes Passwort", exact=True).press("Enter")
    click_until(page, box.get_by_role("button", name="Anlegen"), page.get_by_text("Das Konto ist angelegt."))
    # The fields are empty again for the next account.
    expect(box.get_by_role("textbox", name="Benutzername", exact=True)).to_have_value("")
    expect(box.get_by_label("Erstes Passwort", exact=True)).to_have_value("")
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
    expect(page.get_by_test_id("stSidebar").get_by_text("Leipzig")).to_be_visible()
    shot(page, "06_new_user_logged_in")
