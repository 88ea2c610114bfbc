"""The shipped proxy configuration flags the cookies the server sets (HttpOnly, Secure, SameSite=Strict).

The login cookie itself is written by JavaScript in the browser (streamlit-authenticator), never in a
Set-Cookie header, so no proxy can flag it: what protects a copied one is the server-side session
(tests/integration/test_sessions.py, tests/e2e/test_session_cookie_browser.py).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "cockpit.conf"
README = ROOT / "README.md"


def _cookie_flags() -> list[tuple[str, set[str]]]:
    """(cookie or ~regex, flags) of every proxy_cookie_flags directive, in order (nginx: the first match wins)."""
    text = re.sub(r"#.*", "", CONF.read_text())
    return [(m.group(1), set(m.group(2).split())) for m in re.finditer(r"proxy_cookie_flags\s+(\S+)\s+([^;]+);", text)]


def test_every_cookie_from_the_server_is_httponly_secure_and_strict():
    flags = _cookie_flags()
    assert flags and flags[-1] == ("~", {"httponly", "secure", "samesite=strict"})


def test_streamlits_xsrf_cookie_stays_readable_by_its_own_script():
    # Streamlit's page reads _streamlit_xsrf from document.cookie (WebSocket and upload tokens):
    # HttpOnly on it would break every file upload. It comes first, so the catch-all does not apply.
    flags = _cookie_flags()
    assert flags[0] == ("_streamlit_xsrf", {"secure", "samesite=strict"})


def test_the_websocket_is_upgraded_and_tls_terminated():
    text = CONF.read_text()
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", text)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", text)
    assert re.search(r"listen\s+443\s+ssl;", text) and "ssl_certificate_key" in text


def test_readme_says_what_the_proxy_can_and_cannot_do_for_the_login_cookie():
    text = README.read_text()
    assert "deploy/nginx/cockpit.conf" in text
    assert "HttpOnly" in text and "Secure" in text and "user_session" in text
