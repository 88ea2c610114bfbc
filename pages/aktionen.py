"""Aktionsaufrufe (kreis, land, team, admin): write a call, see whom it reaches, send it once, record the answers."""
import streamlit as st

import appctx
from components import call_form
from components.figures import metric_row
from components.fresh_select import fresh_selectbox
from domain.enums import TOPICS
from services.calls import responses as call_responses, workflow as calls
from domain.errors import UserError
from domain.formatting import format_datetime
from services.newspaper.regions import region_choices
from services.core.settings import get_settings

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
levels = {"kreis": ["kv"], "land": ["land", "kv"]}.get(user.role, list(calls.REGION_LEVELS))


def _create() -> None:
    # A callback runs before the widgets: on success it can empty the form, so a second click
    # has nothing to submit (the service also refuses an identical draft).
    try:
        with appctx.db_session() as s:
            calls.create_call(s, user.scope, call_form.form_from_state("cta"))
    except UserError as exc:
        st.session_state["cta_error"] = exc
        return
    call_form.clear("cta")
    st.session_state["cta_flash"] = ("Der Aufruf ist als Entwurf angelegt. Prüfe unter „Aufrufe“, wen er erreicht, "
                                     "und verschicke ihn dort.")


def _update(call_id: int) -> None:
    try:
        with appctx.db_session() as s:
            calls.update_draft(s, user.scope, call_id, call_form.form_from_state("cta_edit"))
    except UserError as exc:
        st.session_state["cta_edit_error"] = exc
        return
    st.session_state.pop("cta_preview_data", None)  # the audience may have changed
    st.session_state["cta_flash"] = "Entwurf gespeichert. Zähle die Empfänger:innen vor dem Senden neu."


tab_list, tab_new = st.tabs(["Aufrufe", "Neuer Aufruf"])

with tab_new:
    call_form.call_form("cta", levels, land_names, kv_names)
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
    state = f"verschickt {format_datetime(c.sent_at)}" if c.sent_at else "Entwurf"
    return f"{c.title} · {_region_label(c)} · {state}"


def _draft(c: calls.CallInfo) -> None:
    with st.expander("Entwurf bearbeiten"):
        if st.session_state.get("cta_edit_loaded") != c.id:  # another draft chosen: load it into the form
            call_form.load("cta_edit", c)
            st.session_state["cta_edit_loaded"] = c.id
        call_form.call_form("cta_edit", levels, land_names, kv_names)
        st.button("Entwurf speichern", key="cta_update", on_click=_update, args=(c.id,))
        if "cta_edit_error" in st.session_state:
            appctx.show_error(st.session_state.pop("cta_edit_error"))
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
        by_response, table = call_responses.figures(s, user.scope, c.id)
    reached = sum(by_response.values())
    answered = [(label, by_response.get(code, 0)) for code, label in call_responses.RESPONSES.items()]
    metric_row([("erreicht", reached), *answered, ("ohne Antwort", by_response.get("", 0))])
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Antwort eintragen")
    search = st.text_input("Empfänger:in suchen (Name, E-Mail oder PLZ)", key="cta_search")
    with appctx.db_session() as s:
        found = call_responses.find_recipients(s, user.scope, c.id, search)
    if not found:
        st.info("Niemand gefunden." if search else "Dieser Aufruf hat in deinem Gebiet niemanden erreicht.")
        return
    labels = {did: label for did, label, _ in found}
    answers = {did: resp for did, _, resp in found}
    who = st.selectbox("Empfänger:in", list(labels), format_func=labels.get, key="cta_who")
    st.caption(f"Bisher: {call_responses.RESPONSES.get(answers[who], 'noch keine Antwort')}")
    options = ["", *call_responses.RESPONSES]
    answer = st.radio("Antwort", options, horizontal=True, key="cta_answer",
                      format_func=lambda r: call_responses.RESPONSES.get(r, "keine / zurücknehmen"))
    if st.button("Antwort speichern", type="primary", key="cta_save"):
        appctx.run_action(user, call_responses.record_response, who, answer, flash_key="cta_flash",
                          success="Antwort gespeichert.")


with tab_list:
    try:
        with appctx.db_session() as s:
            all_calls = calls.calls(s, user.scope)
        if not all_calls:
            st.info("Es gibt noch keinen Aufruf. Lege unter „Neuer Aufruf“ einen an.")
        else:
            by_id = {c.id: c for c in all_calls}
            chosen = by_id[fresh_selectbox("Aufruf", list(by_id), {i: _call_label(c) for i, c in by_id.items()},
                                           key="cta_call")]
            state = f"verschickt am {format_datetime(chosen.sent_at)}" if chosen.sent_at else "Entwurf"
            topics = ", ".join(TOPICS[t] for t in chosen.topics)
            st.markdown(f"**Stand:** {state} · **Region:** {_region_label(chosen)} · "
                        f"**Art:** {calls.MODES[chosen.mode]} · **Themen:** {topics}")
            with st.expander("So sieht die Mail aus"):
                st.text(f"Betreff: {chosen.title}\n\nHallo <Vorname>{calls.mail_text(chosen)}")
            if chosen.sent_at:
                _sent(chosen)
            else:
                _draft(chosen)
    except UserError as exc:
        appctx.show_error(exc)
