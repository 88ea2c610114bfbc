"""The login page says whom to ask for a forgotten password (PASSWORD_HELP); the first start names the demo data."""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from services.core.settings import DEFAULT_PASSWORD_HELP, get_settings
from tests.support.apptest import open_page


def test_login_page_shows_the_default_password_help(app_db):
    at = open_page(None, None)
    assert not at.exception, at.exception
    assert DEFAULT_PASSWORD_HELP in [t.value for t in at.text]
    assert DEFAULT_PASSWORD_HELP.startswith("Passwort vergessen?")


def test_password_help_comes_from_the_setting_as_plain_text(app_db, monkeypatch):
    help_text = "Passwort vergessen? Schreib an [Hilfe](https://evil.example) oder ruf 0341 123 an."
    monkeypatch.setenv("PASSWORD_HELP", help_text)
    get_settings.cache_clear()
    try:
        at = open_page(None, None)
        assert help_text in [t.value for t in at.text]  # st.text: the link stays text
        assert not any("evil.example" in str(m.value) for m in at.markdown)
    finally:
        monkeypatch.delenv("PASSWORD_HELP")
        get_settings.cache_clear()


def test_first_start_says_it_prepares_demo_data(app_db, monkeypatch):
    shown: list[str] = []
    real = st.spinner

    @contextmanager
    def recording(text="", *args, **kwargs):
        shown.append(text)
        with real(text, *args, **kwargs):
            yield

    monkeypatch.setattr(st, "spinner", recording)
    at = open_page(None, None)
    assert not at.exception, at.exception
    first = shown[0]
    assert "Demo-Daten" in first and "ersten Start" in first, shown
