"""View of a topics link: change one's topics; unsubscribe from a purpose or from everything."""

from __future__ import annotations

import streamlit as st

import publicctx
from components.text import plain
from domain.enums import TOPICS
from services.links.preferences import ALL, save_topics, unsubscribe


def _saved(counts: tuple[int, int]) -> str:
    added, removed = counts
    if not added and not removed:
        return "Deine Themen sind unverändert."
    return f"Deine Themen sind gespeichert ({added} neu, {removed} entfernt)."


def render(token: str, page) -> None:
    """Topics as a form; below, what the person receives and a choice to unsubscribe."""
    view = page.view
    plain(f"Hallo {page.first_name},")
    st.subheader("Meine Themen")
    with st.form("link_topics"):
        chosen = st.multiselect(
            "Zu diesen Themen möchte ich von Linksaktiv hören",
            list(TOPICS),
            default=list(view.topics),
            format_func=TOPICS.get,
            placeholder="Themen wählen",
            key="link_topics_choice",
        )
        if st.form_submit_button("Themen speichern", type="primary"):
            publicctx.act(save_topics, token, chosen, success=_saved)
    st.subheader("Abmelden")
    if not view.subscriptions:
        st.info("Du bekommst von uns zurzeit nichts: es gibt keine Einwilligung mehr.", icon=":material/info:")
        return
    st.markdown("Zurzeit bekommst du von uns:")
    plain("\n".join(f"• {label}" for label in view.subscriptions.values()))
    options = {**view.subscriptions, ALL: "Alles: keine Mails und keine Zeitung mehr"}
    with st.form("link_unsubscribe"):
        choice = st.radio("Wovon möchtest du dich abmelden?", list(options), format_func=options.get, index=None)
        if st.form_submit_button("Jetzt abmelden"):
            if choice is None:
                st.warning("Bitte wähle, wovon du dich abmelden möchtest.", icon=":material/info:")
            else:
                publicctx.act(
                    unsubscribe,
                    token,
                    choice,
                    success="Du bist abgemeldet. Was schon auf dem Weg zu dir war, haben wir gestoppt.",
                )
