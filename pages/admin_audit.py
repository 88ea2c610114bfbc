"""Audit-Log (admin): who did what when; filter by user, action and date range; paged."""

import streamlit as st

import appctx
from domain.audit_actions import action_label, details_text, object_label
from domain.formatting import format_datetime
from services.admin.audit_log import known_actions, list_events

appctx.guard("pages/admin_audit.py")
st.title("Audit-Log")

actions = sorted(appctx.read(known_actions), key=lambda a: action_label(a).casefold())
c1, c2, c3, c4 = st.columns(4)
who = c1.text_input("Benutzername", key="audit_user")
action = c2.selectbox(
    "Aktion", ["", *actions], format_func=lambda a: action_label(a) if a else "alle", key="audit_action"
)
since = c3.date_input("von", value=None, format="DD.MM.YYYY", key="audit_since")
until = c4.date_input("bis", value=None, format="DD.MM.YYYY", key="audit_until")
filters = (who, action, since, until)
if st.session_state.get("audit_filters") != filters:
    st.session_state["audit_filters"] = filters
    st.session_state["audit_page"] = 0
page = st.session_state.get("audit_page", 0)
df, has_next = appctx.read(list_events, who, action, since, until, page)
if df.empty:
    st.info("Keine Einträge für diese Auswahl.")
else:
    st.dataframe(
        df.assign(
            at=df["at"].map(format_datetime),
            action=df["action"].map(action_label),
            object_type=df["object_type"].map(object_label),
            details=df["details"].map(details_text),
        ).rename(
            columns={
                "at": "Zeit",
                "username": "Benutzer:in",
                "action": "Aktion",
                "object_type": "Objekt",
                "object_id": "ID",
                "details": "Details",
            }
        ),
        hide_index=True,
        width="stretch",
    )
back, info, forward = st.columns([1, 2, 1])
if back.button("Zurück", disabled=page == 0, key="audit_back"):
    st.session_state["audit_page"] = page - 1
    st.rerun()
info.caption(f"Seite {page + 1}")
if forward.button("Weiter", disabled=not has_next, key="audit_next"):
    st.session_state["audit_page"] = page + 1
    st.rerun()
