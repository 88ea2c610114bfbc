"""Mein Konto: who I am and changing my own password."""
import streamlit as st

import appctx
from services.core.auth import change_own_password
from domain.errors import UserError

user = appctx.guard("pages/konto.py")
st.title("Mein Konto")
st.write(f"**{user.display_name}** ({user.username}) · {appctx.ROLE_LABELS[user.role]} · {user.area}")

st.subheader("Passwort ändern")
with st.form("change_password", clear_on_submit=True):
    old = st.text_input("Bisheriges Passwort", type="password")
    new = st.text_input("Neues Passwort", type="password", help="Mindestens 10 Zeichen, gern ein langer Satz.")
    repeat = st.text_input("Neues Passwort wiederholen", type="password")
    submitted = st.form_submit_button("Passwort ändern")
if submitted:
    try:
        with appctx.db_session() as s:
            change_own_password(s, user.id, old, new, repeat)
        st.success("Dein Passwort wurde geändert.")
    except UserError as exc:
        appctx.show_error(exc)
