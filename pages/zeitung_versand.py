"""Zeitungsversand (team): approve, pack, ship orders in bulk and download the shipping documents."""

import streamlit as st

import appctx
from components.edition_select import edition_select
from domain.enums import ORDER_STATUSES
from domain.formatting import format_int
from services.newspaper import editions as ed_service
from services.newspaper import workflow
from services.newspaper.documents import DOCUMENT_STATUSES, MAX_DOCUMENT_ORDERS, build_document
from services.newspaper.listing import order_table
from services.newspaper.regions import region_choices

user = appctx.guard("pages/zeitung_versand.py")
st.title("Zeitungsversand")
appctx.flash()

edition_id = edition_select(
    appctx.read(ed_service.edition_list),
    "np_ship_edition",
    "Es gibt noch keine Ausgabe. Lege sie unter „Zeitungsausgaben“ an.",
)

fig = appctx.read(ed_service.figures, edition_id)
st.caption(" · ".join(f"{ORDER_STATUSES[k]}: {n}" for k, (n, _) in fig.by_status.items()))

st.subheader("Status ändern")
c1, c2 = st.columns(2)
source = c1.selectbox(
    "Bestellungen im Status",
    [k for k, v in workflow.TRANSITIONS.items() if v],
    format_func=ORDER_STATUSES.get,
    key="np_ship_source",
)
target = c2.selectbox(
    "setzen auf", sorted(workflow.TRANSITIONS[source]), format_func=ORDER_STATUSES.get, key="np_ship_target"
)
table = appctx.read(order_table, edition_id, [source])
names = dict(zip(table["Nr."], table["Name"]))
chosen = st.multiselect(
    "Nur diese Bestellungen (leer = alle im Status)",
    table["Nr."].tolist(),
    format_func=lambda i: f"{i} · {names.get(i, '')}",
    key="np_ship_chosen",
    placeholder="Bitte auswählen",
)
tracking = st.text_input("Sendungsnummer (optional)", key="np_ship_tracking") if target == "shipped" else ""
n_all = fig.by_status[source][0]
n = len(chosen) if chosen else n_all


def _moved(done: int) -> str:
    return f"{done} Bestellungen sind jetzt „{ORDER_STATUSES[target]}“."


if st.button(f"{n} Bestellungen auf „{ORDER_STATUSES[target]}“ setzen", disabled=n == 0, type="primary"):
    # The message shows after the rerun that draws the new lists.
    if chosen:
        appctx.act(workflow.transition_orders, chosen, target, tracking, success=_moved)
    else:
        appctx.act(workflow.transition_all, edition_id, source, target, n_all, tracking, success=_moved)
if table.empty:
    st.info(f"Keine Bestellungen im Status „{ORDER_STATUSES[source]}“.")
else:
    st.dataframe(table, hide_index=True, width="stretch")
    if n_all > len(table):
        st.caption(
            f"Die Liste zeigt die ersten {format_int(len(table))} von {format_int(n_all)} Bestellungen "
            "(nach PLZ); „setzen“ ohne Auswahl gilt für alle."
        )

st.subheader("Versanddokumente")
lands = dict(appctx.read(region_choices)[0])
d1, d2 = st.columns(2)
doc_statuses = d1.multiselect(
    "Bestellungen im Status",
    list(ORDER_STATUSES),
    default=list(DOCUMENT_STATUSES),
    format_func=ORDER_STATUSES.get,
    key="np_doc_statuses",
    placeholder="Bitte auswählen",
)
doc_land = d2.selectbox(
    "Bundesland", [None, *lands], format_func=lambda c: lands.get(c, "ganz Deutschland"), key="np_doc_land"
)
st.caption(
    f"Ein Dokument fasst bis zu {format_int(MAX_DOCUMENT_ORDERS)} Bestellungen; für mehr teile den "
    "Versand nach Bundesland auf. Jeder Download wird im Audit-Log vermerkt."
)
docs = [
    ("labels", "Adressetiketten (PDF)"),
    ("packing_pdf", "Packliste (PDF)"),
    ("packing", "Packliste (CSV)"),
    ("postal", "CSV für Post-Einlieferung"),
]
# A document built for other settings is not offered: it would not hold what the form shows.
wanted = (edition_id, tuple(doc_statuses), doc_land)


def _keep(kind: str):
    def then(document) -> None:
        st.session_state[f"np_doc_{kind}_data"] = (wanted, document)

    return then


# Two per row: four in a row cut the button labels off.
cells = [col for _ in range(len(docs) // 2) for col in st.columns(2)]
for col, (kind, label) in zip(cells, docs):
    if col.button(f"{label} erzeugen", key=f"np_doc_{kind}"):
        with col:
            # No message and no rerun: the download button appears right below; an error shows here.
            appctx.act(
                build_document, edition_id, kind, doc_statuses, doc_land, success=[], then=_keep(kind), rerun=False
            )
    stored = st.session_state.get(f"np_doc_{kind}_data")
    if stored and stored[0] == wanted:
        data, name, mime = stored[1]
        col.download_button(f"{label} herunterladen", data, file_name=name, mime=mime, key=f"np_dl_{kind}")
