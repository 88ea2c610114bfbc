"""Mein Konto: who I am, my own e-mail address (for test mails) and changing my own password."""

import streamlit as st

import appctx
from components.text import plain
from domain.roles import ROLE_LABELS
from services.core.auth import change_my_email, change_my_password, my_email

user = appctx.guard("pages/konto.py")
st.title("Mein Konto")
# The display name and area were typed by an admin: plain text, never Markdown.
plain(f"{user.display_name} ({user.username}) · {ROLE_LABELS[user.role]} · {user.area}")
appctx.flash()

st.subheader("E-Mail-Adresse")
with st.form("change_email"):
    email = st.text_input(
        "Deine E-Mail-Adresse",
        value=appctx.read(my_email, fallback=""),
        help="Dorthin gehen Testmails, z. B. von Aktionsaufrufen. Linksaktive sehen sie nicht.",
    )
    if st.form_submit_button("Speichern"):
        appctx.act(
            change_my_email,
            email,
            success=lambda a: "Deine E-Mail-Adresse ist gespeichert." if a else "Die E-Mail-Adresse ist entfernt.",
        )

st.subheader("Passwort ändern")
with st.form("change_password", clear_on_submit=True):
    old = st.text_input("Bisheriges Passwort", type="password")
    new = st.text_input("Neues Passwort", type="password", help="Mindestens 10 Zeichen, gern ein langer Satz.")
    repeat = st.text_input("Neues Passwort wiederholen", type="password")
    submitted = st.form_submit_button("Passwort ändern")
if submitted:
    appctx.act(change_my_password, old, new, repeat, success="Dein Passwort wurde geändert.")
