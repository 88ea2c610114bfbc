"""Entwicklung in Chromium: every kind of role reads the ladder's charts in German at 1440 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from tests.support.browser import shot

pytestmark = pytest.mark.e2e
WIDE, NARROW = 1440, 390
# What Vega and Streamlit show in English unless told otherwise (the every-page walk checks the full list).
ENGLISH = re.compile(
    r"\b(Mar|May|Oct|Dec) \d{4}\b|\b(January|March|May|October|December)\b"
    r"|Choose an option|\bempty\b|\d,\d{3}\b"
)


def _settle(page) -> None:
    wait_idle(page)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    wait_idle(page)


def _english(page) -> list[str]:
    text = page.get_by_test_id("stMain").inner_text() + "\n".join(page.locator("svg text").all_text_contents())
    return [m.group(0) for m in ENGLISH.finditer(text)]


@pytest.mark.parametrize("username", ["team", "lv-sachsen", "kv-leipzig", "leitung"])
def test_ladder_charts_in_german(app_server, browser, username):
    context = browser.new_context(viewport={"width": WIDE, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        login(page, app_server, username)
        page.get_by_test_id("stSidebar").get_by_role("link", name="Entwicklung", exact=True).dispatch_event("click")
        expect(page).to_have_url(re.compile(r"/entwicklung(\?|$)"))
        _settle(page)
        main = page.get_by_test_id("stMain")
        for heading in ("Die Leiter", "Nach Quelle", "Nach Monat des Eintritts", "Antworten, bevor sie aktiv wurden"):
            expect(main.get_by_role("heading", name=heading)).to_be_visible()
        charts = main.locator(".vega-embed")
        expect(charts.first).to_be_visible()
        if username == "team":  # topics on demand for all Germany
            before = charts.count()
            main.get_by_text("Nach Thema aufschlüsseln").click()
            _settle(page)
            expect(charts).to_have_count(before + 1)
        # Every chart draws marks (a chart whose fields Vega cannot read stays empty).
        for i in range(charts.count()):
            expect(charts.nth(i).locator("svg .mark-rect path, canvas").first).to_be_attached()
        # German month abbreviations under the cohort bars, and German numbers on the axes.
        assert "Dez" in main.inner_text() or "Jan" in main.inner_text()
        shot(page, f"entwicklung_{username}_{WIDE}")
        for heading, name in (
            ("Nach Quelle", "quelle"),
            ("Nach Monat des Eintritts", "monate"),
            ("Antworten, bevor sie aktiv wurden", "antworten"),
        ):
            main.get_by_role("heading", name=heading).scroll_into_view_if_needed()
            shot(page, f"entwicklung_{username}_{name}_{WIDE}")
        found = _english(page)
        page.set_viewport_size({"width": NARROW, "height": 844})
        _settle(page)
        shot(page, f"entwicklung_{username}_{NARROW}")
        found += _english(page)
        assert not found, found
    finally:
        context.close()
