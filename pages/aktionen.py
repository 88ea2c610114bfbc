"""Aktionsaufrufe (kreis, land, team, admin): write a call, see whom it reaches, send it once, record the answers."""

import streamlit as st

import appctx
from components import call_form
from components.charts import ranked_bars
from components.figures import metric_row
from components.fresh_select import fresh_selectbox
from components.text import plain
from domain.enums import TOPICS
from domain.formatting import format_datetime, format_int, format_people
from services.calls import responses as call_responses
from services.calls import workflow as calls
from services.core.settings import get_settings
from services.newspaper.regions import region_choices

user = appctx.guard("pages/aktionen.py")
st.title("Aktionsaufrufe")
st.caption(
    f"Ein Aufruf geht per E-Mail an alle Linksaktiven der Region, die sich für eines seiner Themen "
    f"interessieren und in Aufrufe per E-Mail eingewilligt haben – an niemanden öfter als "
    f"{get_settings().max_calls_per_30_days}-mal in 30 Tagen. Jeder Aufruf wird nur einmal verschickt."
)
appctx.flash()

lands, kvs = appctx.read(region_choices)
land_names = dict(lands)
kv_names = {kid: name for kid, name, _ in kvs}
levels = appctx.read(calls.region_levels)
OUTBOX = "Die Mails liegen im Postausgang und gehen mit dem nächsten Lauf des Mailversands raus."
LIST_TAB, NEW_TAB = "Aufrufe", "Neuer Aufruf"


def _opened(call_id: int) -> None:
    # The new draft: the form empties and the list tab opens with the draft chosen, so the user
    # goes on with it (test mail, count, send); a second click finds an empty form.
    call_form.clear("cta")
    st.session_state["cta_call"] = call_id
    st.session_state["cta_tab"] = LIST_TAB


def _create() -> None:
    # A callback runs before the widgets: on success it can empty the form, so a second click
    # has nothing to submit (the service also refuses an identical draft).
    appctx.act(
        calls.create_call,
        call_form.form_from_state("cta"),
        key="cta",
        rerun=False,
        then=_opened,
        success="Der Aufruf ist als Entwurf angelegt und hier geöffnet. Schick dir eine Testmail, "
        "zähle die Empfänger:innen und verschicke ihn dann.",
    )


def _update(call_id: int) -> None:
    appctx.act(
        calls.update_draft,
        call_id,
        call_form.form_from_state("cta_edit"),
        key="cta_edit",
        rerun=False,
        then=lambda _: st.session_state.pop("cta_preview_data", None),  # the audience may have changed
        success="Entwurf gespeichert. Zähle die Empfänger:innen vor dem Senden neu.",
    )


tab_list, tab_new = st.tabs([LIST_TAB, NEW_TAB], key="cta_tab", on_change="rerun")

with tab_new:
    call_form.call_form("cta", levels, land_names, kv_names)
    st.button("Aufruf anlegen", type="primary", key="cta_create", on_click=_create)
    appctx.errors("cta")


def _region_label(c: calls.CallInfo) -> str:
    if c.region_level == "kv":
        return kv_names.get(c.kv_id, "Kreisverband")
    if c.region_level == "land":
        return land_names.get(c.land_code, c.land_code or "")
    return "bundesweit"


def _call_label(c: calls.CallInfo) -> str:
    state = f"verschickt {format_datetime(c.sent_at)}" if c.sent_at else "Entwurf"
    return f"{c.title} · {_region_label(c)} · {state}"


def _ask_to_send(call_id: int, recipients: int) -> None:
    st.session_state["cta_confirm"] = (call_id, recipients)


def _by_kv(pv: calls.AudiencePreview) -> None:
    st.markdown("**Empfänger:innen nach Kreisverband**")
    if len(pv.by_kv) > 1:
        top = 20
        chart = pv.by_kv.rename(columns={"Empfänger:innen": "Anzahl"})[["Kreisverband", "Anzahl"]]
        ranked_bars(chart, "Kreisverband", "Anzahl", limit=top)
        if len(pv.by_kv) > top:
            st.caption(f"Im Diagramm die {top} Kreisverbände mit den meisten Empfänger:innen; alle in der Tabelle.")
    st.dataframe(pv.by_kv, hide_index=True, width="stretch")


def _send_step(c: calls.CallInfo, pv: calls.AudiencePreview) -> None:
    n = format_int(pv.recipients)
    if st.session_state.get("cta_confirm") != (c.id, pv.recipients):
        st.button(
            f"An {format_people(pv.recipients)} senden …",
            type="primary",
            key="cta_send",
            icon=":material/send:",
            on_click=_ask_to_send,
            args=(c.id, pv.recipients),
        )
        return
    # Nothing goes out before this second, explicit click.
    st.warning(
        f"**An {format_people(pv.recipients)} senden?** Jede:r bekommt die Mail einmal; ein verschickter Aufruf "
        "lässt sich nicht zurückholen.",
        icon=":material/warning:",
    )
    row = st.container(horizontal=True)
    if row.button(f"Ja, an {n} senden", type="primary", key="cta_send_confirm", icon=":material/send:"):
        st.session_state.pop("cta_confirm", None)
        st.session_state.pop("cta_preview_data", None)
        # Tens of thousands of recipients take seconds: say what is going on meanwhile.
        with st.spinner(f"Der Aufruf wird an {format_people(pv.recipients)} verschickt …"):
            appctx.act(
                calls.send,
                c.id,
                pv.recipients,
                success=lambda made: f"Der Aufruf ist an {format_people(made)} unterwegs. {OUTBOX}",
            )
    if row.button("Abbrechen", key="cta_send_cancel"):
        st.session_state.pop("cta_confirm", None)
        st.rerun()


def _draft(c: calls.CallInfo) -> None:
    with st.expander("Entwurf bearbeiten"):
        if st.session_state.get("cta_edit_loaded") != c.id:  # another draft chosen: load it into the form
            call_form.load("cta_edit", c)
            st.session_state["cta_edit_loaded"] = c.id
        call_form.call_form("cta_edit", levels, land_names, kv_names)
        st.button("Entwurf speichern", key="cta_update", on_click=_update, args=(c.id,))
        appctx.errors("cta_edit")
    if st.button(
        "Testmail an mich",
        icon=":material/forward_to_inbox:",
        key="cta_test_mail",
        help="Schickt dir den Entwurf so, wie ihn die Empfänger:innen bekommen, an die E-Mail-Adresse "
        "deines Kontos. Das zählt nicht als Versand.",
    ):
        appctx.act(
            calls.send_test_mail,
            c.id,
            success="Die Testmail an deine eigene Adresse liegt im Postausgang und geht mit dem nächsten "
            "Lauf des Mailversands raus. Der Aufruf bleibt ein Entwurf; die Testmail zählt nicht als Versand.",
        )
    st.caption("Gezählt wird beim Klick und beim Senden noch einmal: Weicht die Zahl ab, wird nichts gesendet.")
    if st.button("Empfänger:innen zählen", icon=":material/preview:", key="cta_preview"):
        st.session_state.pop("cta_confirm", None)
        with st.spinner("Empfänger:innen werden gezählt …"):
            st.session_state["cta_preview_data"] = (c.id, appctx.read(calls.preview, c.id))
    stored = st.session_state.get("cta_preview_data")
    if stored and stored[0] == c.id:
        pv = stored[1]
        metric_row([("Empfänger:innen", pv.recipients), ("ausgelassen (Limit erreicht)", pv.at_limit)])
        if pv.recipients:
            _by_kv(pv)
        if not pv.sample.empty:
            with st.expander(f"Stichprobe: {len(pv.sample)} der Empfänger:innen"):
                st.dataframe(pv.sample, hide_index=True, width="stretch")
        if pv.recipients:
            _send_step(c, pv)
    if st.button("Entwurf löschen", key="cta_delete"):
        appctx.act(calls.delete_draft, c.id, success="Entwurf gelöscht.")


def _sent(c: calls.CallInfo) -> None:
    by_response, table = appctx.read(call_responses.figures, c.id)
    reached = sum(by_response.values())
    answered = [(label, by_response.get(code, 0)) for code, label in call_responses.RESPONSES.items()]
    metric_row([("erreicht", reached), *answered, ("ohne Antwort", by_response.get("", 0))])
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Antwort eintragen")
    search = st.text_input("Empfänger:in suchen (Name, E-Mail oder PLZ)", key="cta_search")
    found = appctx.read(call_responses.find_recipients, c.id, search)
    if not found:
        st.info("Niemand gefunden." if search else "Dieser Aufruf hat in deinem Gebiet niemanden erreicht.")
        return
    labels = {did: label for did, label, _ in found}
    answers = {did: resp for did, _, resp in found}
    who = st.selectbox("Empfänger:in", list(labels), format_func=labels.get, key="cta_who")
    st.caption(f"Bisher: {call_responses.RESPONSES.get(answers[who], 'noch keine Antwort')}")
    options = ["", *call_responses.RESPONSES]
    answer = st.radio(
        "Antwort",
        options,
        horizontal=True,
        key="cta_answer",
        format_func=lambda r: call_responses.RESPONSES.get(r, "keine / zurücknehmen"),
    )
    if st.button("Antwort speichern", type="primary", key="cta_save"):
        appctx.act(call_responses.record_response, who, answer, success="Antwort gespeichert.")


with tab_list:
    all_calls = appctx.read(calls.calls)
    if not all_calls:
        st.info("Es gibt noch keinen Aufruf. Lege unter „Neuer Aufruf“ einen an.")
        st.stop()
    by_id = {c.id: c for c in all_calls}
    chosen = by_id[
        fresh_selectbox("Aufruf", list(by_id), {i: _call_label(c) for i, c in by_id.items()}, key="cta_call")
    ]
    state = f"verschickt am {format_datetime(chosen.sent_at)}" if chosen.sent_at else "Entwurf"
    topics = ", ".join(TOPICS[t] for t in chosen.topics)
    # The region may be a KV's name an admin typed: plain text, never Markdown.
    plain(f"Stand: {state} · Region: {_region_label(chosen)} · Art: {calls.MODES[chosen.mode]} · Themen: {topics}")
    with st.expander("So sieht die Mail aus"):
        st.text(f"Betreff: {chosen.title}\n\nHallo <Vorname>{calls.mail_text(chosen)}")
    if chosen.sent_at:
        _sent(chosen)
    else:
        _draft(chosen)
