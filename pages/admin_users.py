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
CHOOSE = "Bitte wählen"
CREATE_FIELDS = ("username", "display", "email", "role", "land", "kv", "password")


def _area_fields(prefix: str, role: str | None) -> None:
    """The Land field for the role Landesverband, the KV field for the role Kreisverband; none otherwise."""
    # Not in an st.form: the field must follow the role at once. Both keep their value in
    # session_state, so an error leaves them as typed.
    if role == "land":
        st.selectbox("Landesverband", list(lands), None, lands.get, key=f"{prefix}_land", placeholder=CHOOSE)
    elif role == "kreis":
        st.selectbox("Kreisverband", list(kvs), None, kvs.get, key=f"{prefix}_kv", placeholder=CHOOSE)


def _chosen_area(prefix: str, role: str | None) -> tuple[str | None, int | None]:
    get = st.session_state.get
    return (get(f"{prefix}_land") if role == "land" else None, get(f"{prefix}_kv") if role == "kreis" else None)


def _empty_create_fields() -> None:
    # Set, not pop: a popped key lets the browser send the old text back on the next run.
    for field in CREATE_FIELDS:
        st.session_state[f"create_{field}"] = None if field in ("role", "land", "kv") else ""


def _create() -> None:
    # A callback: on success the fields empty before they are drawn; on an error they keep what was typed.
    get = st.session_state.get
    role = get("create_role")
    land, kv = _chosen_area("create", role)
    appctx.act(
        accounts.create_user,
        get("create_username", ""),
        get("create_display", ""),
        role,
        get("create_password", ""),
        get("create_email", ""),
        land,
        kv,
        key="create_user",
        rerun=False,
        then=lambda _id: _empty_create_fields(),
        success="Das Konto ist angelegt.",
    )


with st.expander("Neue:n Benutzer:in anlegen", icon=":material/person_add:", expanded=True):
    st.text_input("Benutzername", help=accounts.USERNAME_RULES, key="create_username")
    st.text_input("Anzeigename", key="create_display")
    st.text_input("E-Mail", key="create_email", help="Für Testmails an dich selbst, z. B. bei Aktionsaufrufen.")
    new_role = st.selectbox("Rolle", list(ROLES), None, ROLES.get, key="create_role", placeholder=CHOOSE)
    _area_fields("create", new_role)
    st.text_input("Erstes Passwort", type="password", help="Mindestens 10 Zeichen.", key="create_password")
    st.button("Anlegen", type="primary", key="create_submit", on_click=_create)
    appctx.errors("create_user")

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
    "Benutzer:in",
    list(by_id),
    None,
    lambda i: f"{by_id[i].username} ({by_id[i].display_name})",
    key="edit_user",
    placeholder=CHOOSE,
)


def _prefill(target: accounts.UserRow) -> None:
    # Keys carry the user's id: choosing another user draws fresh fields filled with that user's values.
    prefix = f"edit_{target.id}"
    st.session_state.setdefault(f"{prefix}_role", target.role)
    st.session_state.setdefault(f"{prefix}_land", target.land_code if target.role == "land" else None)
    st.session_state.setdefault(f"{prefix}_kv", target.kv_id)


def _save_role(user_id: int) -> None:
    prefix = f"edit_{user_id}"
    role = st.session_state.get(f"{prefix}_role")
    land, kv = _chosen_area(prefix, role)
    appctx.act(
        accounts.set_role_and_area,
        user_id,
        role,
        land,
        kv,
        key="edit_role",
        rerun=False,
        success="Rolle und Gebiet sind gespeichert.",
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
    with st.container(border=True):
        _prefill(target)
        role = st.selectbox("Rolle", list(ROLES), None, ROLES.get, key=f"edit_{target.id}_role", placeholder=CHOOSE)
        _area_fields(f"edit_{target.id}", role)
        st.button("Rolle und Gebiet speichern", key="save_role", on_click=_save_role, args=(target.id,))
        appctx.errors("edit_role")
    with st.form("reset_form", clear_on_submit=True):
        new_pw = st.text_input("Neues Passwort", type="password")
        if st.form_submit_button("Passwort zurücksetzen"):
            appctx.act(accounts.reset_password, target.id, new_pw, success="Das Passwort ist neu gesetzt.")
