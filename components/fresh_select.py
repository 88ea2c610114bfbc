"""A selectbox whose shown label follows changes of the option labels.

Streamlit's selectbox keeps showing the label an option had when it was chosen, even after
format_func returns a new one (streamlit/streamlit#13788): after renaming a user, the box
still shows the old name. Here the widget's key carries a fingerprint of the labels, so a
changed label makes a new widget, and the chosen value is kept under `key` across that change.
"""

from __future__ import annotations

import hashlib

import streamlit as st


def fresh_selectbox(label: str, options: list, labels: dict, key: str, container=None, **kwargs):
    """st.selectbox over options shown as labels[option]; the choice survives label changes."""
    box = container or st
    fingerprint = hashlib.sha1("\x1f".join(str(labels[o]) for o in options).encode()).hexdigest()[:10]
    remembered = st.session_state.get(key)
    index = options.index(remembered) if remembered in options else 0
    value = box.selectbox(label, options, index=index, format_func=labels.get, key=f"{key}__{fingerprint}", **kwargs)
    st.session_state[key] = value
    return value
