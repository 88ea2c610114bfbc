"""Dubletten: likely duplicates of the user's area side by side, merged (nothing lost) or kept apart; a scan by hand."""

import pandas as pd
import streamlit as st

import appctx
from domain.formatting import format_int, format_percent
from services.contacts.duplicates import (
    FIELDS,
    keep_apart,
    merge,
    merge_many,
    open_count,
    review_queue,
    scan_area,
    scan_choices,
)

user = appctx.guard("pages/dubletten.py")
st.title("Dubletten")
st.caption(
    "Hier stehen Einträge deines Gebiets, die wahrscheinlich dieselbe Person sind. Beim Zusammenführen "
    "bleibt alles von beiden erhalten (Einwilligungen, Themen, Verlauf, Bestellungen); Werte, die du nicht "
    "wählst, stehen danach im Verlauf der Person. „Getrennt halten“ heißt: Dieses Paar wird nie wieder "
    "vorgeschlagen."
)
appctx.flash()

ROUND = "dubletten_round"  # bumped after every action: the table's ticks and the pair choice start afresh
CONFIRM = "dubletten_confirm"
HIGHLIGHT = "background-color: #fff3b0"


def _round() -> int:
    return st.session_state.get(ROUND, 0)


def _next_round(_result=None) -> None:
    st.session_state[ROUND] = _round() + 1


def _pairs(n: int) -> str:
    return "1 Paar" if n == 1 else f"{format_int(n)} Paare"


def _name(values: dict) -> str:
    return " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)


def _text(value) -> str:
    return "" if value is None else str(value)


count = appctx.read(open_count)
st.metric("Offene Paare", format_int(count))

with st.expander("Nach Dubletten suchen", icon=":material/search:"):
    choices = appctx.read(scan_choices)
    kv_id = land_code = None
    if not choices.whole_land:
        own = next((name for kvs in choices.kvs.values() for name in kvs.values()), "")
        st.text(f"Gesucht wird in deinem Kreisverband {own}.")
    elif choices.lands:
        codes = list(choices.lands)
        land_code = (
            st.selectbox("Land", codes, format_func=choices.lands.get, key="dubletten_scan_land")
            if len(codes) > 1
            else codes[0]
        )
        kvs = choices.kvs.get(land_code, {})
        kv_id = st.selectbox(
            "Kreisverband",
            [None, *kvs],
            key="dubletten_scan_kv",
            format_func=lambda k: f"ganzes Land {choices.lands[land_code]}" if k is None else kvs[k],
        )
    st.caption("Neue Paare kommen in die Liste unten; schon entschiedene Paare werden nicht wieder vorgeschlagen.")
    if st.button("Suche starten", icon=":material/search:", key="dubletten_scan"):
        with st.spinner("Suche läuft …"):
            appctx.act(
                scan_area,
                kv_id,
                land_code,
                then=_next_round,
                success=lambda n: (
                    f"Suche beendet: {_pairs(n)} neu gefunden." if n else "Suche beendet: keine neuen Paare gefunden."
                ),
            )

queue = appctx.read(review_queue)
if not queue:
    st.info("Keine offenen Dubletten in deinem Gebiet.")
    st.stop()

st.subheader("Vorgeschlagene Paare", anchor=False)
if count > len(queue):
    st.caption(f"Gezeigt werden die {format_int(len(queue))} wahrscheinlichsten von {format_int(count)} Paaren.")
table = pd.DataFrame(
    {
        "auswählen": False,
        "Nr.": [p.id for p in queue],
        "Ähnlichkeit": [format_percent(p.score) for p in queue],
        "Eintrag A": [_name(p.a) for p in queue],
        "Eintrag B": [_name(p.b) for p in queue],
        "PLZ": [
            p.a["plz"] if p.a["plz"] == p.b["plz"] else " / ".join(filter(None, (p.a["plz"], p.b["plz"])))
            for p in queue
        ],
    }
)
edited = st.data_editor(
    table,
    hide_index=True,
    width="stretch",
    disabled=[c for c in table if c != "auswählen"],
    key=f"dubletten_editor_{_round()}",
)
picked = [int(i) for i in edited.loc[edited["auswählen"], "Nr."]]
c1, c2 = st.columns(2)
if c1.button(f"Ausgewählte zusammenführen ({len(picked)})", disabled=not picked, key="dubletten_merge_many"):
    st.session_state[CONFIRM] = picked
if c2.button(f"Ausgewählte getrennt halten ({len(picked)})", disabled=not picked, key="dubletten_apart_many"):
    st.session_state.pop(CONFIRM, None)
    appctx.act(
        keep_apart,
        picked,
        then=_next_round,
        success=lambda n: f"{_pairs(n)} getrennt gehalten; sie werden nicht wieder vorgeschlagen.",
    )
pending = st.session_state.get(CONFIRM)
if pending and pending != picked:
    st.session_state.pop(CONFIRM)  # the ticks changed: ask again
elif pending:
    st.warning(
        f"{_pairs(len(pending))} zusammenführen? Es bleibt jeweils der ältere Eintrag mit seinen Werten, "
        "leere Felder werden aus dem anderen gefüllt. Das lässt sich nicht rückgängig machen."
    )
    yes, no = st.columns(2)
    if yes.button(f"Ja, {_pairs(len(pending))} zusammenführen", type="primary", key="dubletten_merge_many_yes"):
        st.session_state.pop(CONFIRM)
        appctx.act(
            merge_many,
            pending,
            then=_next_round,
            success=lambda n: f"{_pairs(n)} zusammengeführt. Die nicht übernommenen Werte stehen im Verlauf.",
        )
    if no.button("Abbrechen", key="dubletten_merge_many_no"):
        st.session_state.pop(CONFIRM)
        st.rerun()

st.subheader("Ein Paar prüfen", anchor=False)
by_id = {p.id: p for p in queue}
pair = by_id[
    st.selectbox(
        "Paar",
        list(by_id),
        key=f"dubletten_pair_{_round()}",
        format_func=lambda i: f"Nr. {i}: {_name(by_id[i].a)} / {_name(by_id[i].b)} ({format_percent(by_id[i].score)})",
    )
]
col_a, col_b = f"Eintrag A (Nr. {pair.a['id']})", f"Eintrag B (Nr. {pair.b['id']})"
side = pd.DataFrame(
    {col_a: [_text(pair.a[f]) for f in FIELDS], col_b: [_text(pair.b[f]) for f in FIELDS]}, index=list(FIELDS.values())
)
differing = {FIELDS[f] for f in pair.differing}
st.dataframe(
    side.style.apply(lambda row: [HIGHLIGHT if row.name in differing else ""] * len(row), axis=1), width="stretch"
)
keep, gone = sorted((pair.a["id"], pair.b["id"]))
st.text(
    f"Markiert: Felder, die sich unterscheiden. Nr. {keep} ist der ältere Eintrag und bleibt; "
    f"Nr. {gone} geht in ihm auf."
)

choice = {}
if pair.differing:
    st.caption("Welcher Wert soll bleiben?")
    for f in pair.differing:
        a_empty = _text(pair.a[f]).strip() == "" and _text(pair.b[f]).strip() != ""
        choice[f] = st.radio(
            FIELDS[f],
            ["a", "b"],
            index=1 if a_empty else 0,
            horizontal=True,
            format_func=lambda v: "Eintrag A" if v == "a" else "Eintrag B",
            key=f"dubletten_{pair.id}_{f}",
        )
c1, c2 = st.columns(2)
if c1.button("Zusammenführen", type="primary", icon=":material/join_inner:", key="dubletten_merge"):
    appctx.act(
        merge,
        pair.id,
        choice,
        then=_next_round,
        success=lambda survivor: (
            f"Zusammengeführt: Nr. {survivor} bleibt, Nr. {gone if survivor == keep else keep} ist in ihm aufgegangen."
        ),
    )
if c2.button("Getrennt halten", icon=":material/call_split:", key="dubletten_apart"):
    appctx.act(
        keep_apart,
        [pair.id],
        then=_next_round,
        success="Getrennt gehalten: Dieses Paar wird nicht wieder vorgeschlagen.",
    )
