"""Open a page as a user in AppTest (AppTest cannot carry cookies: log in via session state)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest.conftest import APP


def open_page(path: str | None, username: str | None, timeout: float = 60) -> AppTest:
    """AppTest showing path for username (or the login page without one); needs the app_db fixture."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
    at.run()
    if path and path != "pages/uebersicht.py":
        at.switch_page(path)
        at.run()
    return at
