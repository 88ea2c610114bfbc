"""Open a page as a user in AppTest, working around the first-run logout-key clash.

streamlit-authenticator writes st.session_state["logout"] when it is first created, and app.py's
logout button uses the same key: on the very first run of a session that raises. In a browser the
first run is always the anonymous login page, so we do the same here: one anonymous run first.
"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest.conftest import APP


def open_page(path: str | None, username: str | None, timeout: float = 60) -> AppTest:
    """AppTest showing path for username (anonymous first run, then logged in, then switch)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        at.run()
    if path and path != "pages/uebersicht.py":
        at.switch_page(path)
        at.run()
    return at
