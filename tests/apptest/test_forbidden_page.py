"""Opening the address of a page the role may not open says so, instead of silently showing the Übersicht."""

from __future__ import annotations

import pytest

from tests.support.apptest import all_text, logged_in_app


def _open_address(username: str, url_path: str):
    """Run the app for username as a browser would that typed the page's address (…/url_path)."""
    at = logged_in_app(username)
    at.run()
    # The address names a page by its url_path; AppTest reaches it through the hash it was registered under.
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path)
    return at.run()


@pytest.mark.parametrize(
    "username,url_path,title,role",
    [
        ("kv-leipzig", "benutzer", "Benutzer:innen", "Kreisverband"),
        ("leitung", "linksaktive", "Linksaktive", "Leitung"),
    ],
)
def test_forbidden_address_names_the_page_and_the_role(app_db, username, url_path, title, role):
    at = _open_address(username, url_path)
    assert not at.exception, at.exception
    text = all_text(at)
    assert f"Die Seite „{title}“ ist für deine Rolle" in text and "nicht freigegeben" in text, text
    assert role in text
    assert "Übersicht" not in [t.value for t in at.title]  # not silently the start page
    # The page's own content never runs.
    assert not at.dataframe and not at.text_input


def test_the_start_page_still_opens_without_a_refusal(app_db):
    at = logged_in_app("kv-leipzig")
    at.run()
    assert not at.exception, at.exception
    assert any("Übersicht" in t.value for t in at.title), all_text(at)
    assert "nicht freigegeben" not in all_text(at)
