"""Linksaktive: capture new people, find a person in your area, open and care for their card."""

import streamlit as st

import appctx
from components import contact_forms as forms
from components.contact_card import contact_card, show_consent_matrix
from components.contact_picker import contact_picker
from components.text import area_line
from domain.roles import may
from services.contacts.card import load_card, open_contact, search_contacts
from services.contacts.care import add_activity, grant_consent, step_status, withdraw_consent
from services.contacts.edit import create_contact, set_topics, update_master

user = appctx.guard("pages/kontakte.py")
st.title("Linksaktive")
area_line(user.area)
NEW = "kontakte_new"


def _search(query: str, page: int):
    return appctx.read(search_contacts, query, page)


def _after(key: str):
    """What follows a successful change: a fresh form, and the open card redrawn with the change."""

    def then(_result) -> None:
        forms.done(key)  # first, so an interrupted rerun cannot submit the same form again
        if (card := st.session_state.get("kontakte_card")) is not None:
            # Redraw the open card with the change; not a new 'opened' event.
            st.session_state["kontakte_card"] = appctx.read(load_card, card.id)

    return then


def _change(key: str, fn, *args, success="Gespeichert.") -> None:
    appctx.act(fn, *args, success=success, then=_after(key))


def _created(data):
    def message(created) -> str:
        # Show the new person in the search below (its widget is drawn after this, in the rerun).
        st.session_state["kontakte_query"] = data.email.strip() or data.last_name.strip()
        text = f"Erfasst ({created.kreis_name}, {created.kv_name}). Die Suche unten zeigt die Person."
        if data.source == "webformular":  # double opt-in (services.links.signup)
            text += " Sie bekommt eine Bestätigungsmail und sonst nichts, bis sie ihre Anmeldung bestätigt."
        return text

    return message


appctx.flash()

with st.expander("Neue:n Linksaktive:n erfassen", icon=":material/person_add:"):
    if (data := forms.new_contact_form(NEW)) is not None:
        _change(NEW, create_contact, data, success=_created(data))

contact_id = contact_picker(_search, key="kontakte")
if contact_id is None:
    st.session_state.pop("kontakte_card", None)
    st.stop()
card = st.session_state.get("kontakte_card")
if card is None or card.id != contact_id:
    # Opening is audited once per pick, not again on every rerun of the same card.
    card = appctx.read(open_contact, contact_id)
    st.session_state["kontakte_card"] = card
st.divider()
contact_card(card)
st.subheader("Pflegen", anchor=False)
key = f"kontakte_{card.id}"
with st.expander("Stammdaten und Adresse ändern", icon=":material/edit:"):
    if (data := forms.master_form(f"{key}_master", card)) is not None:
        _change(
            f"{key}_master",
            update_master,
            card.id,
            data,
            success=lambda fields: "Gespeichert." if fields else "Nichts geändert.",
        )
with st.expander("Status ändern", icon=":material/trending_up:"):
    if (step := forms.status_form(f"{key}_status", card, may(user.role, "contacts.step_back"))) is not None:
        _change(f"{key}_status", step_status, card.id, *step, success="Status geändert.")
with st.expander("Eintrag im Verlauf", icon=":material/edit_note:"):
    if (entry := forms.activity_form(f"{key}_note")) is not None:
        _change(f"{key}_note", add_activity, card.id, *entry, success="Eingetragen.")
with st.expander("Einwilligungen erteilen oder widerrufen", icon=":material/verified:"):
    show_consent_matrix(card)
    if (consent := forms.grant_form(f"{key}_grant", card.source)) is not None:
        _change(f"{key}_grant", grant_consent, card.id, consent, success="Einwilligung eingetragen.")
    st.divider()
    if (which := forms.withdraw_form(f"{key}_withdraw", card)) is not None:
        _change(f"{key}_withdraw", withdraw_consent, card.id, *which, success="Widerruf eingetragen.")
with st.expander("Themen ändern", icon=":material/label:"):
    if (topics := forms.topics_form(f"{key}_topics", card)) is not None:
        _change(f"{key}_topics", set_topics, card.id, topics, success="Themen gespeichert.")
