"""Benutzer:innen (admin): create users, change role and area, deactivate, reset password, unlock."""

import pandas as pd
import streamlit as st

import appctx
from domain.formatting import format_datetime
from domain.roles import ROLE_LABELS as ROLES
from services.admin import accounts

appctx.guard("pages/admin_users.py")
st.title("Benutzer:innen")
appctx.flash()

lands = appctx.read(accounts.land_choices)
kvs = appctx.read(accounts.kv_choices)

with (
    st.expander("Neue:n Benutzer:in anlegen", icon=":material/person_add:"),
    st.form("create_user", clear_on_submit=True),
):
    username = st.text_input("Benutzername", help=accounts.USERNAME_RULES)
    display = st.text_input("Anzeigename")
    email = st.text_input("E-Mail")
    role = st.selectbox("Rolle", list(ROLES), format_func=ROLES.get, key="create_role")
    land = st.selectbox(
        "Landesverband (für Rolle Landesverband)",
        [None, *lands],
        format_func=lambda c: "–" if c is None else lands[c],
        key="create_land",
    )
    kv = st.selectbox(
        "Kreisverband (für Rolle Kreisverband)",
        [None, *kvs],
        format_func=lambda k: "–" if k is None else kvs[k],
        key="create_kv",
    )
    password = st.text_input("Erstes Passwort", type="password", help="Mindestens 10 Zeichen.")
    if st.form_submit_button("Anlegen"):
        appctx.act(
            accounts.create_user,
            username,
            display,
            role,
            password,
            email,
            land,
            kv,
            success="Das Konto ist angelegt.",
        )

users = appctx.read(accounts.list_users)
st.dataframe(
    pd.DataFrame(
        {
            "Benutzername": [u.username for u in users],
            "Name": [u.display_name for u in users],
            "Rolle": [ROLES[u.role] for u in users],
            "Gebiet": [u.area for u in users],
            "Aktiv": ["ja" if u.active else "nein" for u in users],
            "Gesperrt bis": [format_datetime(u.locked_until) for u in users],
            "Fehlversuche": [u.failed_logins for u in users],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Benutzer:in bearbeiten")
by_id = {u.id: u for u in users}
chosen = st.selectbox(
    "Benutzer:in", list(by_id), format_func=lambda i: f"{by_id[i].username} ({by_id[i].display_name})", key="edit_user"
)
if chosen is not None:
    target = by_id[chosen]
    cols = st.columns(4)
    if target.active:
        if cols[0].button("Deaktivieren", key="deactivate"):
            appctx.act(accounts.deactivate, target.id, success="Das Konto ist deaktiviert.")
    elif cols[0].button("Reaktivieren", key="reactivate"):
        appctx.act(accounts.reactivate, target.id, success="Das Konto ist wieder aktiv.")
    if cols[1].button("Entsperren", key="unlock"):
        appctx.act(accounts.unlock, target.id, success="Das Konto ist entsperrt.")
    if cols[2].button("Überall abmelden", key="revoke"):
        appctx.act(accounts.log_out_everywhere, target.id, success="Das Konto ist überall abgemeldet.")
    with st.form("role_form"):
        new_role = st.selectbox("Rolle", list(ROLES), index=list(ROLES).index(target.role), format_func=ROLES.get)
        new_land = st.selectbox("Landesverband", [None, *lands], format_func=lambda c: "–" if c is None else lands[c])
        new_kv = st.selectbox("Kreisverband", [None, *kvs], format_func=lambda k: "–" if k is None else kvs[k])
        if st.form_submit_button("Rolle und Gebiet speichern"):
            appctx.act(
                accounts.set_role_and_area,
                target.id,
                new_role,
                new_land,
                new_kv,
                success="Rolle und Gebiet sind gespeichert.",
            )
    with st.form("reset_form", clear_on_submit=True):
        new_pw = st.text_input("Neues Passwort", type="password")
        if st.form_submit_button("Passwort zurücksetzen"):
            appctx.act(accounts.reset_password, target.id, new_pw, success="Das Passwort ist neu gesetzt.")
