"""Zeitungsversand (team): move orders on in bulk (undo for a few minutes) and download the shipping documents."""

import streamlit as st

import appctx
from components.edition_charts import status_pipeline
from components.edition_select import edition_select
from components.table_columns import table_with_column_choice
from domain.enums import ORDER_STATUSES
from domain.formatting import format_datetime, format_int
from services.newspaper import editions as ed_service
from services.newspaper import undo, workflow
from services.newspaper.documents import DOCUMENT_STATUSES, MAX_DOCUMENT_ORDERS, build_document
from services.newspaper.listing import order_table
from services.newspaper.regions import region_choices

DOC_KINDS = [
    ("labels", "Adressetiketten (PDF)"),
    ("packing_pdf", "Packliste (PDF)"),
    ("packing", "Packliste (CSV)"),
    ("postal", "CSV für Post-Einlieferung"),
]
# What a stopping step does, for the button and its confirmation.
STOP_VERBS = {"cancelled": "stornieren", "returned": "als zurückgekommen markieren"}

user = appctx.guard("pages/zeitung_versand.py")
st.title("Zeitungsversand")
appctx.flash()

# After a step or an undo the page shows the status the orders are in now. Set before the
# widgets are drawn (a widget's value cannot change after it is drawn); documents built
# before the change would no longer match the orders, so they go too.
if (after := st.session_state.pop("np_ship_next", None)) is not None:
    st.session_state["np_ship_source"] = after
    stale = [
        k
        for k in st.session_state
        if str(k).startswith("np_ship_target_") or (str(k).startswith("np_doc_") and str(k).endswith("_data"))
    ]
    for key in ["np_ship_chosen", "np_ship_confirm", *stale]:
        st.session_state.pop(key, None)

edition_id = edition_select(
    appctx.read(ed_service.edition_list),
    "np_ship_edition",
    "Es gibt noch keine Ausgabe. Lege sie unter „Zeitungsausgaben“ an.",
)

fig = appctx.read(ed_service.figures, edition_id)
st.caption(" · ".join(f"{ORDER_STATUSES[k]}: {format_int(n)}" for k, (n, _) in fig.by_status.items()))


def _undo(change_id: int, back_to: str) -> None:
    """Undo a bulk change (a callback: it runs even when the offer has expired meanwhile, then says so)."""
    with st.spinner("Die Änderung wird rückgängig gemacht …"):
        appctx.act(
            undo.undo_change,
            change_id,
            key="np_ship_undo",
            rerun=False,
            success=lambda done: (
                f"Rückgängig gemacht: {format_int(done)} Bestellungen stehen wieder auf „{ORDER_STATUSES[back_to]}“."
            ),
            then=lambda _: st.session_state.update(np_ship_next=back_to),
        )


appctx.errors("np_ship_undo")
offer = appctx.read(undo.last_undoable, edition_id, fallback=None)
if offer is not None:
    with st.container(border=True):
        st.markdown(
            f"Du hast eben {format_int(offer.count)} Bestellungen von „{ORDER_STATUSES[offer.from_status]}“ auf "
            f"„{ORDER_STATUSES[offer.to_status]}“ gesetzt. Rückgängig machen geht bis "
            f"{format_datetime(offer.until)} Uhr."
        )
        st.button(
            "Rückgängig machen",
            icon=":material/undo:",
            key="np_ship_undo",
            on_click=_undo,
            args=(offer.change_id, offer.from_status),
        )

st.subheader("Status ändern")
c1, c2 = st.columns(2)
source = c1.selectbox(
    "Bestellungen im Status",
    [k for k, v in workflow.TRANSITIONS.items() if v],
    format_func=ORDER_STATUSES.get,
    key="np_ship_source",
    placeholder="Bitte wählen",
)
# One target select per source status: it starts at the forward step, never at cancelling.
target = c2.selectbox(
    "setzen auf",
    workflow.targets(source),
    format_func=ORDER_STATUSES.get,
    key=f"np_ship_target_{source}",
    placeholder="Bitte wählen",
)
table = appctx.read(order_table, edition_id, [source])
names = dict(zip(table["Nr."], table["Name"]))
chosen = st.multiselect(
    "Nur diese Bestellungen (leer = alle im Status)",
    table["Nr."].tolist(),
    format_func=lambda i: f"{i} · {names.get(i, '')}",
    key="np_ship_chosen",
    placeholder="Bitte wählen",
)
tracking = st.text_input("Sendungsnummer (optional)", key="np_ship_tracking") if target == "shipped" else ""
n_all = fig.by_status[source][0]
n = len(chosen) if chosen else n_all
step = (edition_id, source, target, tuple(chosen), n)


def _moved(done: workflow.StepDone) -> str:
    text = f"{format_int(done.moved)} Bestellungen sind jetzt „{ORDER_STATUSES[target]}“."
    if done.stopped == 1:
        text += (
            " 1 Bestellung wurde storniert: Die Person stimmt der Zeitung per Post nicht mehr zu (oder ist gelöscht)."
        )
    elif done.stopped:
        text += (
            f" {format_int(done.stopped)} Bestellungen wurden storniert: Diese Personen stimmen der Zeitung per Post "
            "nicht mehr zu (oder sind gelöscht)."
        )
    return text


def _run_step() -> None:
    """Carry out the step; the message and the next status show after the rerun."""
    with st.spinner(f"{format_int(n)} Bestellungen werden auf „{ORDER_STATUSES[target]}“ gesetzt …"):
        then = lambda _: st.session_state.update(np_ship_next=workflow.next_source(source, target))  # noqa: E731
        if chosen:
            appctx.act(workflow.transition_orders, chosen, target, tracking, success=_moved, then=then)
        else:
            appctx.act(workflow.transition_all, edition_id, source, target, n_all, tracking, success=_moved, then=then)


if target in workflow.STOPPING:
    verb = STOP_VERBS[target]
    pending = st.session_state.get("np_ship_confirm")
    if pending != step:
        if st.button(f"{format_int(n)} Bestellungen {verb} …", disabled=n == 0, key="np_ship_stop"):
            st.session_state["np_ship_confirm"] = step
            st.rerun()
    else:
        with st.container(border=True):
            st.warning(
                f"Willst du wirklich **{format_int(n)} Bestellungen** im Status „{ORDER_STATUSES[source]}“ {verb}? "
                f"Du kannst es danach {undo.UNDO_MINUTES} Minuten lang rückgängig machen.",
                icon=":material/warning:",
            )
            y, no = st.columns(2)
            if y.button(f"Ja, {format_int(n)} Bestellungen {verb}", type="primary", key="np_ship_confirm_yes"):
                st.session_state.pop("np_ship_confirm", None)
                _run_step()
            if no.button("Abbrechen", key="np_ship_confirm_no"):
                st.session_state.pop("np_ship_confirm", None)
                st.rerun()
elif st.button(
    f"{format_int(n)} Bestellungen auf „{ORDER_STATUSES[target]}“ setzen",
    disabled=n == 0,
    type="primary",
    key="np_ship_go",
):
    _run_step()
if table.empty:
    st.info(f"Keine Bestellungen im Status „{ORDER_STATUSES[source]}“.")
else:
    table_with_column_choice(table, "np_ship_table", always="Name")
    if n_all > len(table):
        st.caption(
            f"Die Liste zeigt die ersten {format_int(len(table))} von {format_int(n_all)} Bestellungen "
            "(nach PLZ); „setzen“ ohne Auswahl gilt für alle."
        )

st.subheader("Stand der Ausgabe")
status_pipeline(fig.by_status)

st.subheader("Versanddokumente")
lands = dict(appctx.read(region_choices)[0])
d1, d2 = st.columns(2)
doc_statuses = d1.multiselect(
    "Bestellungen im Status",
    list(ORDER_STATUSES),
    default=list(DOCUMENT_STATUSES),
    format_func=ORDER_STATUSES.get,
    key="np_doc_statuses",
    placeholder="Bitte wählen",
)
doc_land = d2.selectbox(
    "Bundesland",
    [None, *lands],
    format_func=lambda c: lands.get(c, "ganz Deutschland"),
    key="np_doc_land",
    placeholder="Bitte wählen",
)
st.caption(
    f"Ein Dokument fasst bis zu {format_int(MAX_DOCUMENT_ORDERS)} Bestellungen; für mehr teile den "
    "Versand nach Bundesland auf. Jeder Download wird im Audit-Log vermerkt."
)
# A document built for other settings is not offered: it would not hold what the form shows.
wanted = (edition_id, tuple(doc_statuses), doc_land)


def _keep(kind: str):
    def then(document) -> None:
        st.session_state[f"np_doc_{kind}_data"] = (wanted, document)

    return then


# Two per row: four in a row cut the button labels off.
cells = [col for _ in range(len(DOC_KINDS) // 2) for col in st.columns(2)]
for col, (kind, label) in zip(cells, DOC_KINDS):
    if col.button(f"{label} erzeugen", key=f"np_doc_{kind}"):
        with col, st.spinner(f"{label} wird erzeugt …"):
            # No message and no rerun: the download button appears right below; an error shows here.
            appctx.act(
                build_document, edition_id, kind, doc_statuses, doc_land, success=[], then=_keep(kind), rerun=False
            )
    stored = st.session_state.get(f"np_doc_{kind}_data")
    if stored and stored[0] == wanted:
        data, name, mime = stored[1]
        col.download_button(f"{label} herunterladen", data, file_name=name, mime=mime, key=f"np_dl_{kind}")
