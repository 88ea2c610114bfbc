"""Linksaktive: find a person in your area and open their card."""
import streamlit as st

import appctx
from components.contact_card import contact_card
from components.contact_picker import contact_picker
from services.contacts import open_contact, search_contacts
from services.errors import UserError

user = appctx.guard("pages/kontakte.py")
st.title("Linksaktive")
st.caption(f"Gebiet: {user.area}")


def _search(query: str, page: int):
    with appctx.db_session() as s:
        return search_contacts(s, user.scope, query, page)


try:
    contact_id = contact_picker(_search, key="kontakte")
    if contact_id is None:
        st.session_state.pop("kontakte_card", None)
    else:
        card = st.session_state.get("kontakte_card")
        if card is None or card.id != contact_id:
            # Opening is audited once per pick, not again on every rerun of the same card.
            with appctx.db_session() as s:
                card = open_contact(s, user.scope, contact_id)
            st.session_state["kontakte_card"] = card
        st.divider()
        contact_card(card)
except UserError as exc:
    appctx.show_error(exc)
