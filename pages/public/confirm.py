"""View of a confirmation link (double opt-in): one button confirms the sign-up."""

from __future__ import annotations

import streamlit as st

import publicctx
from components.text import plain
from services.links.signup import confirm_signup

CONFIRMED = (
    "Danke! Deine Anmeldung ist bestätigt. Ab jetzt hörst du von Linksaktiv zu den Themen, die dich interessieren."
)


def render(token: str, page) -> None:
    """Ask the person to confirm their sign-up (a button, so that a mail scanner opening links confirms nothing)."""
    plain(f"Hallo {page.first_name},")
    if page.view.confirmed:
        st.success("Deine Anmeldung ist schon bestätigt. Du musst nichts weiter tun.", icon=":material/check_circle:")
        return
    st.markdown("bitte bestätige, dass du dich bei Linksaktiv angemeldet hast.")
    if st.button("Anmeldung bestätigen", type="primary", key="link_confirm"):
        publicctx.act(confirm_signup, token, success=CONFIRMED, final=True)
