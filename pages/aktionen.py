"""Aktionsaufrufe (land, team, admin): write a call, see whom it reaches, send it once, record the answers."""
from datetime import time

import streamlit as st

import appctx
from components.figures import metric_row
from db.enums import TOPICS
from services import calls
from services.errors import UserError
from services.formatting import format_datetime
from services.newspaper.regions import region_choices
from services.settings import get_settings

user = appctx.guard("pages/aktionen.py")
st.title("Aktionsaufrufe")
st.caption(f"Ein Aufruf geht per E-Mail an alle Linksaktiven der Region, die sich für eines seiner Themen "
           f"interessieren und in Aufrufe per E-Mail eingewilligt haben – an niemanden öfter als "
           f"{get_settings().max_calls_per_30_days}-mal in 30 Tagen. Jeder Aufruf wird nur einmal verschickt.")
appctx.show_flash("cta_flash")

with appctx.db_session() as s:
    lands, kvs = region_choices(s, user.scope)
land_names = dict(lands)
kv_names = {kid: name for kid, name, _ in kvs}
levels = ["land", "kv"] if user.role == "land" else list(calls.REGION_LEVELS)

FORM_KEYS = ("cta_title", "cta_body", "cta_topics", "cta_link", "cta_day", "cta_end")


def _create() -> None:
    # A callback runs before the widgets: on success it can empty the form, so a second click
    # has nothing to submit (the service also refuses an identical draft).
    get = st.session_state.get
    day = get("cta_day")
    form = calls.CallForm(title=get("cta_title", ""), body=get("cta_body", ""), mode=get("cta_mode", "online"),
                          topics=tuple(get("cta_topics", ())), region_level=get("cta_level"),
                          land_code=get("cta_land") if get("cta_level") == "land" else None,
                          kv_id=get("cta_kv") if get("cta_level") == "kv" else None, start_day=day,
                          start_time=get("cta_time") if day else None, end_day=get("cta_end"), link=get("cta_link", ""))
    try:
        with appctx.db_session() as s:
            calls.create_call(s, user.scope, form)
    except UserError as exc:
        st.session_state["cta_error"] = exc
        return
    for key in FORM_KEYS:
        st.session_state.pop(key, None)
    st.session_state["cta_flash"] = ("Der Aufruf ist als Entwurf angelegt. Prüfe unter „Aufrufe“, wen er erreicht, "
                                     "und verschicke ihn dort.")


tab_list, tab_new = st.tabs(["Aufrufe", "Neuer Aufruf"])

with tab_new:
    st.text_input("Titel (Betreff der Mail)", key="cta_title", max_chars=calls.MAX_TITLE)
    st.text_area("Text", key="cta_body", height=160, max_chars=calls.MAX_BODY,
                 help="Die Mail beginnt mit „Hallo <Vorname>,“; Ort, Zeit und Link werden angehängt.")
    c1, c2 = st.columns(2)
    c1.radio("Art", list(calls.MODES), format_func=calls.MODES.get, horizontal=True, key="cta_mode")
    c2.multiselect("Themen", list(TOPICS), format_func=TOPICS.get, key="cta_topics", placeholder="Bitte auswählen")
    r1, r2 = st.columns(2)
    level = r1.selectbox("Region", levels, format_func=calls.REGION_LEVELS.get, key="cta_level")
    if level == "land":
        r2.selectbox("Land", list(land_names), format_func=land_names.get, key="cta_land")
    elif level == "kv":
        r2.selectbox("Kreisverband", list(kv_names), format_func=kv_names.get, key="cta_kv")
    d1, d2, d3 = st.columns(3)
    d1.date_input("Datum (optional bei online)", value=None, format="DD.MM.YYYY", key="cta_day")
    d2.time_input("Uhrzeit", value=time(18, 0), key="cta_time")
    d3.date_input("bis (optional)", value=None, format="DD.MM.YYYY", key="cta_end")
    st.text_input("Link (optional)", key="cta_link", placeholder="https://")
    st.button("Aufruf anlegen", type="primary", key="cta_create", on_click=_create)
    if "cta_error" in st.session_state:
        appctx.show_error(st.session_state.pop("cta_error"))


def _region_label(c: calls.CallInfo) -> str:
    if c.region_level == "kv":
        return kv_names.get(c.kv_id, "Kreisverband")
    if c.region_level == "land":
        return land_names.get(c.land_code, c.land_code or "")
    return "bundesweit"


def _call_label(c: calls.CallInfo) -> str:
    # No sending state here: a selectbox keeps showing the label it had when chosen.
    return f"{c.title} · {_region_label(c)} · Nr. {c.id}"


def _draft(c: calls.CallInfo) -> None:
    st.caption("Gezählt wird beim Klick und beim Senden noch einmal: Weicht die Zahl ab, wird nichts gesendet.")
    if st.button("Empfänger:innen zählen", icon=":material/preview:", key="cta_preview"):
        with appctx.db_session() as s:
            st.session_state["cta_preview_data"] = (c.id, calls.preview(s, user.scope, c.id))
    stored = st.session_state.get("cta_preview_data")
    if stored and stored[0] == c.id:
        pv = stored[1]
        metric_row([("Empfänger:innen", pv.recipients), ("ausgelassen (Limit erreicht)", pv.at_limit)])
        if not pv.sample.empty:
            st.dataframe(pv.sample, hide_index=True, width="stretch")
        if pv.recipients and st.button(f"An {pv.recipients} Personen senden", type="primary", key="cta_send"):
            st.session_state.pop("cta_preview_data", None)
            appctx.run_action(user, calls.send, c.id, pv.recipients, flash_key="cta_flash",
                              success=lambda n: f"Der Aufruf ist an {n} Personen unterwegs (Mail-Ausgang).")
    if st.button("Entwurf löschen", key="cta_delete"):
        appctx.run_action(user, calls.delete_draft, c.id, flash_key="cta_flash", success="Entwurf gelöscht.")


def _sent(c: calls.CallInfo) -> None:
    with appctx.db_session() as s:
        by_response, table = calls.figures(s, user.scope, c.id)
    reached = sum(by_response.values())
    metric_row([("erreicht", reached), *[(label, by_response.get(code, 0)) for code, label in calls.RESPONSES.items()],
                ("ohne Antwort", by_response.get("", 0))])
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Antwort eintragen")
    search = st.text_input("Empfänger:in suchen (Name, E-Mail oder PLZ)", key="cta_search")
    with appctx.db_session() as s:
        found = calls.find_recipients(s, user.scope, c.id, search)
    if not found:
        st.info("Niemand gefunden." if search else "Dieser Aufruf hat in deinem Gebiet niemanden erreicht.")
        return
    labels = {did: label for did, label, _ in found}
    answers = {did: resp for did, _, resp in found}
    who = st.selectbox("Empfänger:in", list(labels), format_func=labels.get, key="cta_who")
    st.caption(f"Bisher: {calls.RESPONSES.get(answers[who], 'noch keine Antwort')}")
    options = ["", *calls.RESPONSES]
    answer = st.radio("Antwort", options, horizontal=True, key="cta_answer",
                      format_func=lambda r: calls.RESPONSES.get(r, "keine / zurücknehmen"))
    if st.button("Antwort speichern", type="primary", key="cta_save"):
        appctx.run_action(user, calls.record_response, who, answer, flash_key="cta_flash",
                          success="Antwort gespeichert.")


with tab_list:
    try:
        with appctx.db_session() as s:
            all_calls = calls.calls(s, user.scope)
        if not all_calls:
            st.info("Es gibt noch keinen Aufruf. Lege unter „Neuer Aufruf“ einen an.")
        else:
            by_id = {c.id: c for c in all_calls}
            chosen = by_id[st.selectbox("Aufruf", list(by_id), format_func=lambda i: _call_label(by_id[i]),
                                        key="cta_call")]
            state = f"verschickt am {format_datetime(chosen.sent_at)}" if chosen.sent_at else "Entwurf"
            st.markdown(f"**Stand:** {state} · **Region:** {_region_label(chosen)} · "
                        f"**Art:** {calls.MODES[chosen.mode]} · **Themen:** {', '.join(TOPICS[t] for t in chosen.topics)}")
            with st.expander("So sieht die Mail aus"):
                st.text(f"Betreff: {chosen.title}\n\nHallo <Vorname>{calls.mail_text(chosen)}")
            if chosen.sent_at:
                _sent(chosen)
            else:
                _draft(chosen)
    except UserError as exc:
        appctx.show_error(exc)
