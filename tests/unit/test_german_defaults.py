"""Streamlit's English defaults replaced: placeholders of selects, the uploader's size line."""

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from components import german_defaults

    german_defaults.install()
    german_defaults.install()  # twice: no double wrapping
    st.selectbox("Eins", ["a", "b"], index=None)
    st.columns(2)[1].multiselect("Viele", ["a", "b"])
    st.sidebar.selectbox("Eigener Platzhalter", ["a"], index=None, placeholder="Land wählen")
    german_defaults.file_uploader("Datei", ["csv", "xlsx"])


def test_selects_say_bitte_waehlen_and_keep_their_own_placeholder():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    assert at.selectbox[0].proto.placeholder == "Bitte wählen"
    assert at.multiselect[0].proto.placeholder == "Bitte auswählen (auch mehrere)"
    assert at.sidebar.selectbox[0].proto.placeholder == "Land wählen"


def test_uploader_says_its_limit_in_german():
    at = AppTest.from_function(_script).run()
    assert [c.value for c in at.caption] == ["Höchstens 200 MB je Datei · CSV, XLSX"]
