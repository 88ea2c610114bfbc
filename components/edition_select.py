"""The "Ausgabe" select of the Zeitung pages."""

from __future__ import annotations

import streamlit as st

from services.newspaper.editions import EditionInfo, edition_label


def edition_select(editions: list[EditionInfo], key: str, empty_text: str) -> int:
    """The chosen edition's id (newest first); with no edition, show empty_text and end the page."""
    if not editions:
        st.info(empty_text)
        st.stop()
    labels = {e.id: edition_label(e) for e in editions}
    return st.selectbox("Ausgabe", list(labels), format_func=labels.get, key=key, placeholder="Bitte wählen")
