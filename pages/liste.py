"""Liste: the Linksaktive of your area, filtered and paged on the server; open a card, export, change a topic."""

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

import appctx
from components.contact_card import contact_card
from components.contact_forms import CONSENT_OPTIONS, consent_label
from components.reach import reach_slider
from components.table_columns import table_with_column_choice
from components.text import area_line, area_name
from domain.enums import SOURCES, STATUSES, TOPICS
from domain.formatting import BERLIN, format_date, format_int
from services.contacts.card import load_card, open_contact
from services.contacts.listing import ListFilter, bulk_topic, export_list, list_choices, list_page
from services.core.settings import get_settings

user = appctx.guard("pages/liste.py")
st.title("Liste")
area_box = st.container()  # filled once the KV and Kreis filters below are read
appctx.flash()

SORT_LABELS = {"name": "Name", "plz": "PLZ", "created": "Neueste zuerst"}
ALL = "alle"
EARLIEST = date(2000, 1, 1)  # also people entered long before the Cockpit
K = "liste"


def _filters(choices) -> tuple[ListFilter, str]:
    """The filter widgets; the filter and the sort they describe."""
    with st.expander("Filter", icon=":material/filter_alt:", expanded=False):
        left, right = st.columns(2)
        statuses = left.multiselect(
            "Status", list(STATUSES), format_func=STATUSES.get, placeholder=ALL, key=f"{K}_status"
        )
        sources = right.multiselect(
            "Quelle", list(SOURCES), format_func=SOURCES.get, placeholder=ALL, key=f"{K}_source"
        )
        topics = left.multiselect("Themen", list(TOPICS), format_func=TOPICS.get, placeholder=ALL, key=f"{K}_topics")
        mode = right.radio(
            "Bei mehreren Themen",
            ["any", "all"],
            format_func={"any": "mindestens eines", "all": "alle"}.get,
            horizontal=True,
            key=f"{K}_topic_mode",
        )
        consent = left.selectbox(
            "Aktive Einwilligung",
            [None, *CONSENT_OPTIONS],
            format_func=lambda o: "keine Vorgabe" if o is None else consent_label(o),
            key=f"{K}_consent",
        )
        batches = dict(choices.batches)
        batch = right.selectbox(
            "Importstapel",
            [None, *batches],
            format_func=lambda b: ALL if b is None else batches[b],
            key=f"{K}_batch",
            disabled=not batches,
            placeholder=ALL,
        )
        since = left.date_input("Angelegt ab", value=None, min_value=EARLIEST, format="DD.MM.YYYY", key=f"{K}_from")
        until = right.date_input("Angelegt bis", value=None, min_value=EARLIEST, format="DD.MM.YYYY", key=f"{K}_to")
        kvs, kreise = dict(choices.kvs), dict(choices.kreise)
        kv_id = left.selectbox(
            "Kreisverband",
            [None, *kvs],
            format_func=lambda k: ALL if k is None else kvs[k],
            key=f"{K}_kv",
            disabled=len(kvs) < 2,
            placeholder=ALL,
        )
        ags = right.selectbox(
            "Kreis", [None, *kreise], format_func=lambda a: ALL if a is None else kreise[a], key=f"{K}_kreis"
        )
        far = left.checkbox("Nur ohne Büro in Reichweite", key=f"{K}_far")
        reach = reach_slider(get_settings().reach, right, key=f"{K}_reach") if far else None
    sort = st.radio("Sortierung", list(SORT_LABELS), format_func=SORT_LABELS.get, horizontal=True, key=f"{K}_sort")
    flt = ListFilter(
        statuses=tuple(statuses),
        topics=tuple(topics),
        topic_mode=mode,
        sources=tuple(sources),
        consent=consent,
        created_from=since,
        created_to=until,
        kreis_ags=ags,
        kv_id=kv_id,
        no_office_km=reach,
        import_batch_id=batch,
    )
    return flt, sort


def _signature(flt: ListFilter, sort: str) -> str:
    return hashlib.sha1(repr((flt, sort)).encode()).hexdigest()[:12]


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [r.last_name for r in rows],
            "Vorname": [r.first_name for r in rows],
            "PLZ": [r.plz for r in rows],
            "Ort": [r.city for r in rows],
            "Kreisverband": [r.kreisverband for r in rows],
            "Status": [STATUSES.get(r.status, r.status) for r in rows],
            "Themen": [", ".join(TOPICS.get(t, t) for t in r.topics) for r in rows],
            "angelegt am": [format_date(r.created_at.astimezone(BERLIN)) for r in rows],
        }
    )


def _go(cursor, direction: str, number: int) -> None:
    st.session_state[f"{K}_at"] = (cursor, direction, number)


def _redraw_card(_result) -> None:
    """After a change of topics: the open card shows them (redrawn, not a new 'opened' event)."""
    if (card := st.session_state.get(f"{K}_card")) is not None:
        st.session_state[f"{K}_card"] = appctx.read(load_card, card.id, fallback=None)


choices = appctx.read(list_choices)
flt, sort = _filters(choices)
area_line(
    area_name(user.area, dict(choices.kreise).get(flt.kreis_ags), dict(choices.kvs).get(flt.kv_id)), container=area_box
)
signature = _signature(flt, sort)
if st.session_state.get(f"{K}_signature") != signature:
    # New filters or sort: back to the first page; a pending confirmation or file belongs to the old list.
    st.session_state[f"{K}_signature"] = signature
    st.session_state[f"{K}_at"] = (None, "forward", 1)
    st.session_state.pop(f"{K}_bulk", None)
    st.session_state.pop(f"{K}_file", None)
cursor, direction, number = st.session_state[f"{K}_at"]
page = appctx.read(list_page, flt, sort, cursor, direction)
if not page.rows and cursor is not None:
    # The page emptied meanwhile (people moved or were erased): start again at the first page.
    _go(None, "forward", 1)
    page = appctx.read(list_page, flt, sort)
    number = 1

if not page.rows:
    st.info("Keine Linksaktiven für diese Filter.")
    st.stop()

table_with_column_choice(_table(page.rows), K, always="Name")
back, info, forward = st.columns([1, 2, 1])
if back.button("Zurück", key=f"{K}_back", disabled=page.prev_cursor is None, icon=":material/chevron_left:"):
    _go(page.prev_cursor, "back", max(number - 1, 1))
    st.rerun()
info.caption(f"Seite {format_int(number)} · {format_int(page.total)} Linksaktive")
if forward.button("Weiter", key=f"{K}_next", disabled=page.next_cursor is None, icon=":material/chevron_right:"):
    _go(page.next_cursor, "forward", number + 1)
    st.rerun()

labels = {r.id: f"{r.last_name}, {r.first_name} · {r.plz} {r.city}" for r in page.rows}
chosen = st.selectbox(
    "Linksaktive:n öffnen",
    [None, *labels],
    format_func=lambda cid: "– bitte wählen –" if cid is None else labels[cid],
    key=f"{K}_open_{signature}_{number}",
)
if chosen is None:
    st.session_state.pop(f"{K}_card", None)
else:
    card = st.session_state.get(f"{K}_card")
    if card is None or card.id != chosen:
        # Opening is audited once per pick, not again on every rerun of the same card.
        card = appctx.read(open_contact, chosen)
        st.session_state[f"{K}_card"] = card
    with st.container(border=True):
        contact_card(card)

st.subheader("Ganze Liste", anchor=False)
with st.expander("Exportieren", icon=":material/download:"):
    st.caption(f"Alle {format_int(page.total)} Linksaktiven dieser Filter, mit Adresse; der Export wird protokolliert.")
    csv_col, xlsx_col = st.columns(2)
    for col, fmt, mime in (
        (csv_col, "csv", "text/csv"),
        (xlsx_col, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        if col.button(f"{fmt.upper()} erstellen", key=f"{K}_make_{fmt}", icon=":material/description:"):
            with st.spinner(f"Erstelle die {fmt.upper()}-Datei mit {format_int(page.total)} Linksaktiven …"):
                data = appctx.read(export_list, flt, sort, fmt, fallback=None)
            if data is not None:
                st.session_state[f"{K}_file"] = (fmt, signature, data)
        made = st.session_state.get(f"{K}_file")
        if made and made[0] == fmt and made[1] == signature:
            col.download_button(
                f"{fmt.upper()} herunterladen",
                made[2],
                file_name=f"linksaktive.{fmt}",
                mime=mime,
                key=f"{K}_download_{fmt}",
                icon=":material/download:",
            )

with st.expander("Thema bei allen hinzufügen oder entfernen", icon=":material/label:"):
    topic_col, how_col = st.columns(2)
    topic = topic_col.selectbox("Thema", list(TOPICS), format_func=TOPICS.get, key=f"{K}_bulk_topic")
    add = how_col.radio(
        "Ändern",
        [True, False],
        format_func=lambda a: "hinzufügen" if a else "entfernen",
        horizontal=True,
        key=f"{K}_bulk_add",
    )
    if st.button("Weiter zur Bestätigung", key=f"{K}_bulk_check"):
        st.session_state[f"{K}_bulk"] = (topic, add, page.total, signature)
    pending = st.session_state.get(f"{K}_bulk")
    if pending and pending[3] == signature:
        p_topic, p_add, p_total, _ = pending
        verb = "hinzufügen" if p_add else "entfernen"
        st.warning(f"Thema „{TOPICS[p_topic]}“ bei {format_int(p_total)} Linksaktiven {verb}?")
        yes, no = st.columns(2)
        if yes.button(f"Ja, {verb}", key=f"{K}_bulk_yes", type="primary"):
            st.session_state.pop(f"{K}_bulk", None)  # a refused count asks for a new confirmation
            appctx.act(
                bulk_topic,
                flt,
                p_topic,
                p_add,
                p_total,
                success=lambda r, t=TOPICS[p_topic], v="hinzugefügt" if p_add else "entfernt": (
                    f"Thema „{t}“ bei {format_int(r.changed)} Linksaktiven {v}"
                    + (f" ({format_int(r.listed - r.changed)} hatten es schon so)." if r.listed != r.changed else ".")
                ),
                then=_redraw_card,
            )
        if no.button("Abbrechen", key=f"{K}_bulk_no"):
            st.session_state.pop(f"{K}_bulk", None)
            st.rerun()
