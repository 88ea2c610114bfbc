"""Kreisverbände (admin): which Kreise each KV covers; move a Kreis, create and rename KVs."""

import pandas as pd
import streamlit as st

import appctx
from services.admin import kv_coverage
from services.admin.accounts import land_choices

appctx.guard("pages/admin_kv.py")
st.title("Kreisverbände")
st.caption(
    "Jeder Kreis gehört zu genau einem Kreisverband. Wechselt ein Kreis, wechseln seine "
    "Linksaktiven und Geschäftsstellen mit."
)
appctx.flash()


def _moved(result: kv_coverage.MoveResult) -> list[tuple[str, str]]:
    return [
        ("success", "Zuordnung gespeichert."),
        ("info", f"{result.contacts_moved} Linksaktive und {result.offices_moved} Geschäftsstellen wechseln mit."),
    ]


lands = appctx.read(land_choices)
land = st.selectbox("Landesverband", list(lands), format_func=lands.get, key="kv_land")
kvs = appctx.read(kv_coverage.kvs_of_land, land)
table = appctx.read(kv_coverage.coverage, land)

with st.expander("Kreis einem anderen Kreisverband zuordnen", icon=":material/swap_horiz:"):
    kreise = dict(zip(table["ags"], table["kreis"] + " (" + table["kv_name"] + ")"))
    with st.form("move_kreis"):
        ags = st.selectbox("Kreis", list(kreise), format_func=kreise.get)
        target = st.selectbox("Neuer Kreisverband", list(kvs), format_func=kvs.get)
        if st.form_submit_button("Zuordnen"):
            with st.spinner("Ordne den Kreis und seine Linksaktiven neu zu …"):
                appctx.act(kv_coverage.move_kreis, ags, target, success=_moved)

with st.expander("Neuen Kreisverband anlegen", icon=":material/add:"), st.form("create_kv", clear_on_submit=True):
    name = st.text_input("Name", placeholder="KV …")
    if st.form_submit_button("Anlegen"):
        appctx.act(kv_coverage.create_kv, name, land, success="Der Kreisverband ist angelegt.")

with st.expander("Kreisverband umbenennen", icon=":material/edit:"), st.form("rename_kv"):
    kv_id = st.selectbox("Kreisverband", list(kvs), format_func=kvs.get)
    new_name = st.text_input("Neuer Name")
    if st.form_submit_button("Umbenennen"):
        appctx.act(kv_coverage.rename_kv, kv_id, new_name, success="Name gespeichert.")

st.dataframe(
    pd.DataFrame(
        {
            "Kreisverband": table["kv_name"],
            "Kreis": table["kreis"],
            "AGS": table["ags"],
            "Linksaktive": table["contacts"],
        }
    ),
    hide_index=True,
    width="stretch",
)
