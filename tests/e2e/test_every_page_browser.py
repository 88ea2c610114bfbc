"""Walk every page of every demo role at 1440 and 390 px: screenshots, and no English Streamlit defaults.

One login per role; each page is opened through the sidebar link, the viewport is resized to
390 px on the same page (no second load) and back. The page's visible text, the placeholders
and values of its inputs, the grids' cells and the text inside component frames (maps) are
checked against the English texts Streamlit, Vega and Leaflet show by default.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import login, wait_idle
from registry import pages_for
from tests.support.browser import shot

pytestmark = pytest.mark.e2e

ROLES = {
    "admin": "admin",
    "team": "team",
    "lv-sachsen": "land",
    "kv-leipzig": "kreis",
    "kv-goerlitz": "kreis",
    "leitung": "leitung",
}
WIDE, NARROW = 1440, 390

# Streamlit 1.67's frontend defaults (static/js: placeholders, uploader, multiselect, data grid,
# text input hints, status widget), Vega's English month/day names and Leaflet's miles.
ENGLISH = (
    "Choose an option",
    "Choose options",
    "Choose or add",
    "Add an option",
    "No options to select",
    "Drag and drop",
    "per file",
    "Browse files",
    "Upload directories",
    "No results",
    "Select all",
    "Clear all",
    "Press Enter to",
    "to apply",
    "Running...",
    "Please wait",
    "Show password",
    "Hide password",
    "You can only select up to",
    "Show/hide columns",
    "Download as CSV",
    "Made with Streamlit",
    "This app has encountered an error",
)
# Whole words or formats that are English only as such (e.g. "empty" in a grid cell, "mi" on a scale).
ENGLISH_PATTERNS = (
    (re.compile(r"(?<![\w-])empty(?![\w-])"), "empty"),
    # The date field draws its empty parts apart ("dd . mm . yyyy").
    (re.compile(r"\bdd\W{0,5}mm\W{0,5}yyyy\b", re.I), "dd.mm.yyyy"),
    (re.compile(r"\bYYYY/MM/DD\b", re.I), "YYYY/MM/DD"),
    (re.compile(r"\b\d{4}/\d{2}/\d{2}\b"), "date as YYYY/MM/DD"),
    (re.compile(r"\b\d+ mi\b"), "mi"),
    (
        re.compile(r"\b(January|February|March|May|June|July|October|December)\b"),
        "English month name",
    ),
    (re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"), "English day name"),
)
# "2.00" in a number field (German is 2 or 2,00).
DECIMAL_POINT = re.compile(r"^-?\d+\.\d+$")

_PAGE_TEXTS = """() => {
  const out = [];
  const root = document.querySelector('[data-testid="stApp"]') || document.body;
  out.push(root.innerText);
  for (const el of root.querySelectorAll('input, textarea')) {
    if (el.placeholder) out.push(el.placeholder);
    if (el.type !== 'password' && el.value) out.push(el.value);
  }
  for (const el of root.querySelectorAll('[role="gridcell"], [role="columnheader"]')) out.push(el.textContent);
  for (const el of root.querySelectorAll('[data-testid="stFileUploaderDropzoneInstructions"], svg text')) {
    if (el.getClientRects().length) out.push(el.textContent);  // only what is drawn
  }
  return out.join('\\n');
}"""

_NUMBER_VALUES = """() => Array.from(
  document.querySelectorAll('[data-testid="stNumberInput"] input')).map(e => e.value)"""


def _visible_texts(page) -> str:
    """Everything a user can read on the page, including inside component iframes (maps)."""
    texts = [page.evaluate(_PAGE_TEXTS)]
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            texts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        except Exception:  # a frame replaced by a rerun while we read it
            continue
    return "\n".join(texts)


def english_left(page) -> list[str]:
    """The English default strings visible on the page now."""
    text = _visible_texts(page)
    found = [s for s in ENGLISH if s in text]
    found += [name for pattern, name in ENGLISH_PATTERNS if pattern.search(text)]
    found += [f"number field shows {v!r}" for v in page.evaluate(_NUMBER_VALUES) if DECIMAL_POINT.match(v)]
    return found


def _settle(page) -> None:
    """Wait for the finished run, and for component frames (maps) that are still loading."""
    wait_idle(page)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    for frame in page.frames:
        if frame is not page.main_frame:
            try:
                frame.wait_for_load_state("load", timeout=15_000)
            except Exception:  # a frame detached by a rerun
                continue
    wait_idle(page)


def _open(page, title: str, url_path: str, default: bool) -> None:
    """Open a page through its sidebar link (no reload) and wait until its run has finished."""
    link = page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True)
    wait_idle(page)
    # At 390 px Streamlit collapses the sidebar; the link stays in the page and takes the click event.
    link.dispatch_event("click")
    path = f"({re.escape(url_path)})?" if default else re.escape(url_path)  # the default page lives at /
    expect(page).to_have_url(re.compile(rf"://[^/]+/{path}(\?|$)"))
    _settle(page)


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_is_german_at_both_widths(app_server, browser, username):
    """Every page of the role at 1440 and 390 px shows no English default string; screenshots are kept."""
    context = browser.new_context(viewport={"width": WIDE, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    failures: dict[str, list[str]] = {}
    try:
        login(page, app_server, username)
        specs = pages_for(ROLES[username])
        assert specs, f"no pages for {username}"
        for spec in specs:
            name = spec.url_path.replace("-", "_")
            _open(page, spec.title, spec.url_path, spec.default)
            shot(page, f"walk_{username}_{name}_{WIDE}")
            found = english_left(page)
            page.set_viewport_size({"width": NARROW, "height": 844})
            _settle(page)
            shot(page, f"walk_{username}_{name}_{NARROW}")
            found += [f"{s} ({NARROW} px)" for s in english_left(page) if s not in found]
            page.set_viewport_size({"width": WIDE, "height": 1000})
            if found:
                failures[spec.title] = found
    finally:
        context.close()
    assert not failures, f"English default strings for {username}: " + "; ".join(
        f"{title}: {', '.join(found)}" for title, found in failures.items()
    )
