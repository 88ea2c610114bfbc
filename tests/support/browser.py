"""Browser-test helpers: start the app, Debian's Chromium, log in, wait for idle, pick and click robustly, screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.browser import ROOT, find_chromium, wait_idle

SHOTS = ROOT / "tests" / "e2e" / "screenshots"


def chromium_path() -> str:
    """Path of Debian's chromium, or skip (fail when REQUIRE_BROWSER=1)."""
    path = find_chromium()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium (set CHROMIUM_PATH)")
        pytest.skip("Browser tests need Debian's chromium (apt-get install chromium)")
    return path


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/screenshots/ and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


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


CAPTURE = "Neue:n Linksaktive:n erfassen"


def capture_form(page):
    """The Linksaktive page's capture form, opening its expander if a rerun closed it."""
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Erfassen"))
    if not form.is_visible():
        wait_idle(page)
        page.get_by_text(CAPTURE, exact=True).click()
    expect(form).to_be_visible()
    return form


def fill_capture(form, first: str, last: str, email: str, plz: str) -> None:
    """Fill the capture form with a person in a street of the PLZ."""
    form.get_by_role("textbox", name="Vorname", exact=True).fill(first)
    form.get_by_role("textbox", name="Nachname", exact=True).fill(last)
    form.get_by_role("textbox", name="E-Mail", exact=True).fill(email)
    form.get_by_role("textbox", name="Straße und Hausnummer", exact=True).fill("Karl-Liebknecht-Straße 12")
    form.get_by_role("textbox", name="PLZ", exact=True).fill(plz)
