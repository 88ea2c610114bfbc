"""Kreisverbände (admin): which Kreise each KV covers; move a Kreis, create and rename KVs."""
import pandas as pd
import streamlit as st

import appctx
from services.admin import kv_coverage
from services.admin.accounts import land_choices

user = appctx.guard("pages/admin_kv.py")
st.title("Kreisverbände")
st.caption("Jeder Kreis gehört zu genau einem Kreisverband. Wechselt ein Kreis, wechseln seine "
           "Linksaktiven und Geschäftsstellen mit.")


def _act(fn, *args, success: str) -> None:
    result = appctx.run_action(user, fn, *args, success=success)
    if isinstance(result, kv_coverage.MoveResult):
        st.info(f"{result.contacts_moved} Linksaktive und {result.offices_moved} Geschäftsstellen wechseln mit.")


with appctx.db_session() as s:
    lands = land_choices(s)
land = st.selectbox("Landesverband", list(lands), format_func=lands.get, key="kv_land")
with appctx.db_session() as s:
    kvs = kv_coverage.kvs_of_land(s, land)

with st.expander("Kreis einem anderen Kreisverband zuordnen", icon=":material/swap_horiz:"):
    with appctx.db_session() as s:
        table = kv_coverage.coverage(s, user.scope, land)
    kreise = dict(zip(table["ags"], table["kreis"] + " (" + table["kv_name"] + ")"))
    with st.form("move_kreis"):
        ags = st.selectbox("Kreis", list(kreise), format_func=kreise.get)
        target = st.selectbox("Neuer Kreisverband", list(kvs), format_func=kvs.get)
        if st.form_submit_button("Zuordnen"):
            _act(kv_coverage.move_kreis, ags, target, success="Zuordnung gespeichert.")

with st.expander("Neuen Kreisverband anlegen", icon=":material/add:"):
    with st.form("create_kv", clear_on_submit=True):
        name = st.text_input("Name", placeholder="KV …")
        if st.form_submit_button("Anlegen"):
            _act(kv_coverage.create_kv, name, land, success=f"{name} wurde angelegt.")

with st.expander("Kreisverband umbenennen", icon=":material/edit:"):
    with st.form("rename_kv"):
        kv_id = st.selectbox("Kreisverband", list(kvs), format_func=kvs.get)
        new_name = st.text_input("Neuer Name")
        if st.form_submit_button("Umbenennen"):
            _act(kv_coverage.rename_kv, kv_id, new_name, success="Name gespeichert.")

with appctx.db_session() as s:
    table = kv_coverage.coverage(s, user.scope, land)
st.dataframe(pd.DataFrame({"Kreisverband": table["kv_name"], "Kreis": table["kreis"], "AGS": table["ags"],
                           "Linksaktive": table["contacts"]}), hide_index=True, width="stretch")
