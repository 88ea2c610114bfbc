"""Befragungen (all roles): write a survey and send it like a call (admin, team, land, kreis); read its results
(leitung: counts only, small ones hidden, no free text)."""

import streamlit as st

import appctx
from components import survey_form
from components.figures import metric_row
from components.fresh_select import fresh_selectbox
from components.survey_results import question_result
from components.text import plain
from domain.enums import TOPICS
from domain.formatting import BERLIN, format_date, format_datetime, format_int, format_people
from domain.roles import may
from services.calls import workflow as calls
from services.newspaper.regions import region_choices
from services.surveys import results as survey_results
from services.surveys import workflow as surveys
from services.surveys.questions import KINDS

user = appctx.guard("pages/befragungen.py")
writes = may(user.role, "surveys.write")
st.title("Befragungen")
if writes:
    st.caption(
        "Eine Befragung ist ein Aktionsaufruf mit 1 bis 10 Fragen: Sie geht wie ein Aufruf an alle der Region "
        "mit einem ihrer Themen und einer Einwilligung für Aufrufe per E-Mail. Jede:r antwortet über den "
        "persönlichen Link in der Mail, einmal, und kann die Antwort bis zum Ende der Befragung ändern."
    )
else:
    st.caption(
        "Ergebnisse der Befragungen, bundesweit und je Land. Zahlen unter 5 sind ausgeblendet, dazu so viele "
        "andere, dass sich keine zurückrechnen lässt; Freitext-Antworten werden nicht gezeigt."
    )
appctx.flash()
LIST_TAB, NEW_TAB = "Befragungen", "Neue Befragung"
CSV_READY = "survey_csv_ready"

lands, kvs = appctx.read(region_choices)
land_names = dict(lands)
kv_names = {kid: name for kid, name, _ in kvs}
levels = appctx.read(calls.region_levels) if writes else []


def _opened(call_id: int) -> None:
    survey_form.clear("svy")
    st.session_state["svy_pick"] = call_id
    st.session_state["svy_tab"] = LIST_TAB


def _create() -> None:
    appctx.act(
        surveys.create_survey,
        survey_form.form_from_state("svy"),
        key="svy",
        rerun=False,
        then=_opened,
        success="Die Befragung ist als Entwurf angelegt und hier geöffnet. Prüf die Mail, zähle die "
        "Empfänger:innen und verschicke sie dann.",
    )


def _region_label(s: surveys.SurveyView) -> str:
    if s.region_level == "kv":
        return kv_names.get(s.kv_id, "Kreisverband")
    if s.region_level == "land":
        return land_names.get(s.land_code, s.land_code or "Land")
    return "bundesweit"


def _ask(call_id: int, n: int) -> None:
    st.session_state["svy_confirm"] = (call_id, n)


def _draft(s: surveys.SurveyView) -> None:
    with st.expander("Fragen", expanded=True):
        for n, q in enumerate(s.questions, start=1):
            extra = f": {' · '.join(q.options)}" if q.options else ""
            st.text(f"{n}. {q.text} ({KINDS[q.kind]}){extra}")
    st.caption("Gezählt wird beim Klick und beim Senden noch einmal: Weicht die Zahl ab, wird nichts gesendet.")
    if st.button("Empfänger:innen zählen", icon=":material/preview:", key="svy_count"):
        st.session_state.pop("svy_confirm", None)
        with st.spinner("Empfänger:innen werden gezählt …"):
            st.session_state["svy_preview"] = (s.id, appctx.read(surveys.preview, s.id))
    stored = st.session_state.get("svy_preview")
    if stored and stored[0] == s.id:
        pv = stored[1]
        metric_row([("Empfänger:innen", pv.recipients), ("ausgelassen (Limit erreicht)", pv.at_limit)])
        if pv.recipients:
            st.dataframe(pv.by_kv, hide_index=True, width="stretch")
        if not pv.sample.empty:
            with st.expander(f"Stichprobe: {len(pv.sample)} der Empfänger:innen"):
                st.dataframe(pv.sample, hide_index=True, width="stretch")
        if pv.recipients and st.session_state.get("svy_confirm") != (s.id, pv.recipients):
            st.button(
                f"An {format_people(pv.recipients)} senden …",
                type="primary",
                key="svy_send",
                icon=":material/send:",
                on_click=_ask,
                args=(s.id, pv.recipients),
            )
        elif pv.recipients:
            st.warning(
                f"**An {format_people(pv.recipients)} senden?** Jede:r bekommt die Befragung einmal; eine verschickte "
                "Befragung lässt sich nicht zurückholen.",
                icon=":material/warning:",
            )
            row = st.container(horizontal=True)
            if row.button(f"Ja, an {format_int(pv.recipients)} senden", type="primary", key="svy_send_confirm"):
                st.session_state.pop("svy_confirm", None)
                st.session_state.pop("svy_preview", None)
                # Tens of thousands of recipients take seconds: say what is going on meanwhile.
                with st.spinner(f"Die Befragung wird an {format_people(pv.recipients)} verschickt …"):
                    appctx.act(
                        surveys.send,
                        s.id,
                        pv.recipients,
                        success=lambda made: (
                            f"Die Befragung ist an {format_people(made)} unterwegs. Die Mails liegen im "
                            "Postausgang und gehen mit dem nächsten Lauf des Mailversands raus."
                        ),
                    )
            if row.button("Abbrechen", key="svy_send_cancel"):
                st.session_state.pop("svy_confirm", None)
                st.rerun()
    if st.button("Entwurf löschen", key="svy_delete"):
        appctx.act(surveys.delete_draft, s.id, success="Entwurf gelöscht.")


def _keep_csv(wanted):
    return lambda data: st.session_state.__setitem__(CSV_READY, (wanted, data))


def _exports(s: surveys.SurveyView) -> None:
    row = st.container(horizontal=True)
    if row.button("Ergebnisse als CSV", icon=":material/table_view:", key="svy_export"):
        appctx.act(survey_results.export_counts, s.id, success=[], rerun=False, then=_keep_csv(("counts", s.id)))
    if user.sees_persons and row.button("Freitexte als CSV", icon=":material/notes:", key="svy_export_text"):
        appctx.act(survey_results.export_texts, s.id, success=[], rerun=False, then=_keep_csv(("texts", s.id)))
    ready = st.session_state.get(CSV_READY)
    if ready and ready[0][1] == s.id:
        kind = ready[0][0]
        st.download_button(
            "CSV herunterladen",
            data=ready[1],
            file_name=f"befragung_{s.id}_{'freitexte' if kind == 'texts' else 'ergebnisse'}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="svy_download",
            on_click=lambda: st.session_state.pop(CSV_READY, None),
        )


def _results(s: surveys.SurveyView) -> None:
    res = appctx.read(survey_results.results, s.id)
    metric_row([("haben geantwortet", res.respondents)])
    _exports(s)
    for qr in res.questions:
        question_result(qr)


if writes:
    tab_list, tab_new = st.tabs([LIST_TAB, NEW_TAB], key="svy_tab", on_change="rerun")
    with tab_new:
        survey_form.survey_form("svy", levels, land_names, kv_names)
        st.button("Befragung anlegen", type="primary", key="svy_create", on_click=_create)
        appctx.errors("svy")
else:
    tab_list = st.container()

with tab_list:
    every = appctx.read(surveys.surveys)
    if not writes:
        every = [s for s in every if s.sent_at is not None]
    if not every:
        st.info("Es gibt noch keine Befragung." + (" Lege unter „Neue Befragung“ eine an." if writes else ""))
        st.stop()
    by_id = {s.id: s for s in every}
    labels = {
        k: f"{s.title} · {_region_label(s)} · "
        + (f"verschickt {format_datetime(s.sent_at)}" if s.sent_at else "Entwurf")
        for k, s in by_id.items()
    }
    chosen = by_id[fresh_selectbox("Befragung", list(by_id), labels, key="svy_pick")]
    until = format_date(chosen.ends_at.astimezone(BERLIN).date()) if chosen.ends_at else "–"
    state = f"verschickt am {format_datetime(chosen.sent_at)}" if chosen.sent_at else "Entwurf"
    topics = ", ".join(TOPICS[t] for t in chosen.topics)
    plain(f"Stand: {state} · läuft bis {until} · Region: {_region_label(chosen)} · Themen: {topics}")
    if writes:
        with st.expander("So sieht die Mail aus", expanded=chosen.sent_at is None):
            subject, body = appctx.read(surveys.mail_preview, chosen.id)
            st.caption("Die Links in dieser Vorschau gehören zu niemandem; jede Mail bekommt die Links ihrer Person.")
            st.text(f"Betreff: {subject}\n\n{body}")
    if chosen.sent_at:
        _results(chosen)
    else:
        _draft(chosen)
