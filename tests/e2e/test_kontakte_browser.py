"""Browser journey: kv-leipzig captures a Linksaktive:n, finds and opens the card, adds a note; Görlitz is refused."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import CAPTURE, capture_form, choose_option, click_until, fill_capture, shot

pytestmark = pytest.mark.e2e


def test_kv_leipzig_captures_finds_and_notes(app_server, browser_page):
    page = browser_page
    tag = uuid.uuid4().hex[:8]
    first, last = "Lene", f"Erfasstmann{tag}"
    email = f"lene.{tag}@example.org"
    note = f"Am Infostand getroffen, will beim Haustürwahlkampf helfen ({tag})"

    login(page, app_server, "kv-leipzig")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Linksaktive", exact=True).click()
    expect(page.get_by_role("heading", name="Linksaktive")).to_be_visible()
    wait_idle(page)
    page.get_by_text(CAPTURE, exact=True).click()
    form = capture_form(page)
    fill_capture(form, first, last, email, "04109")
    # Streamlit's English hint under a changed field ("Press Enter to submit form") is drawn but hidden.
    hint = page.get_by_test_id("InputInstructions").first
    expect(hint).to_be_attached()
    expect(hint).to_be_hidden()
    shot(page, "kontakte_01_capture_form")
    click_until(
        page, form.get_by_role("button", name="Erfassen"), page.get_by_text(re.compile(r"^Erfasst \(.*Leipzig"))
    )
    shot(page, "kontakte_02_captured")

    # Find the new person by e-mail (the page pre-fills the search; we type it as a user would).
    wait_idle(page)
    search = page.get_by_role("textbox", name="Suche nach Name, E-Mail oder PLZ", exact=True)
    search.fill(email)
    search.press("Enter")
    expect(page.get_by_text("Seite 1 · 1 Treffer auf dieser Seite")).to_be_visible()
    wait_idle(page)
    picker = page.get_by_role("combobox", name=re.compile("Linksaktive:n öffnen"))
    choose_option(page, picker, re.compile(re.escape(last)), type_text=last)  # filter, then take the match
    # The name is shown as plain text (a name is never Markdown), below the card's heading.
    expect(page.get_by_role("heading", name="Kontaktkarte")).to_be_visible()
    expect(page.get_by_text(f"{first} {last}", exact=True).first).to_be_visible()
    expect(page.get_by_text(email).filter(visible=True).first).to_be_visible()  # not the grid's hidden copy
    shot(page, "kontakte_03_card")

    # A note in the timeline.
    wait_idle(page)
    page.get_by_text("Eintrag im Verlauf", exact=True).click()
    note_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Eintragen"))
    expect(note_form).to_be_visible()
    note_form.get_by_role("textbox", name="Notiz", exact=True).fill(note)
    click_until(page, note_form.get_by_role("button", name="Eintragen"), page.get_by_text("Eingetragen.", exact=True))
    wait_idle(page)
    page.get_by_role("tab", name="Verlauf").click()
    timeline = page.get_by_role("tabpanel", name="Verlauf")
    # The data grid draws on a canvas; its accessible table holds the visible cells' text.
    expect(timeline.get_by_text(note)).to_be_attached()
    timeline.scroll_into_view_if_needed()
    shot(page, "kontakte_04_note_in_timeline")

    # A PLZ of Görlitz lies outside Leipzig's area: refused in German, nothing stored.
    wait_idle(page)
    form = capture_form(page)
    fill_capture(form, "Gero", f"Fremdkreis{tag}", f"gero.{tag}@example.org", "02826")
    form.get_by_role("button", name="Erfassen").click()
    refusal = page.get_by_text("Die PLZ 02826 liegt nicht in deinem Gebiet")
    # The capture form stays open (the flash has a fixed slot), so the refusal is seen at once.
    expect(refusal).to_be_visible()
    expect(page.get_by_text("Gib die Person bitte an die zuständige Gliederung weiter").first).to_be_visible()
    shot(page, "kontakte_05_goerlitz_refused")
    wait_idle(page)
    search.fill(f"gero.{tag}@example.org")
    search.press("Enter")
    expect(page.get_by_text("Keine Linksaktiven gefunden.")).to_be_visible()
