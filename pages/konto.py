"""Mein Konto: who I am and changing my own password."""

import streamlit as st

import appctx
from components.text import plain
from domain.roles import ROLE_LABELS
from services.core.auth import change_my_password

user = appctx.guard("pages/konto.py")
st.title("Mein Konto")
# The display name and area were typed by an admin: plain text, never Markdown.
plain(f"{user.display_name} ({user.username}) · {ROLE_LABELS[user.role]} · {user.area}")
appctx.flash()

st.subheader("Passwort ändern")
with st.form("change_password", clear_on_submit=True):
    old = st.text_input("Bisheriges Passwort", type="password")
    new = st.text_input("Neues Passwort", type="password", help="Mindestens 10 Zeichen, gern ein langer Satz.")
    repeat = st.text_input("Neues Passwort wiederholen", type="password")
    submitted = st.form_submit_button("Passwort ändern")
if submitted:
    appctx.act(change_my_password, old, new, repeat, success="Dein Passwort wurde geändert.")
