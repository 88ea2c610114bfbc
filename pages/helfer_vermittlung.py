"""Helfer:innen-Vermittlung: optimal matching of offers to needs, then accept, reject and hand over."""
import pandas as pd
import streamlit as st

import appctx
from components.figures import decimal_columns
from domain.enums import SKILLS
from domain.errors import UserError
from domain.formatting import format_decimal, format_int, format_percent
from services.mail.sender import deliver_due
from services.matching.handover import ASK_FIRST, accept, hand_over, manual_assign, set_status
from services.matching.run import run_matching
from services.matching.views import assignments_view, open_by_kreis
from services.core.settings import get_settings

user = appctx.guard("pages/helfer_vermittlung.py")
st.title("Helfer:innen-Vermittlung")
st.caption(f"Gebiet: {user.area} · Die Vermittlung ist optimal: sie maximiert die Passung insgesamt.")

for kind, text in st.session_state.pop("helfer_flash", []):
    getattr(st, kind)(text)


def act(fn, *args, message: str, send: bool = False):
    """Run one service call, remember its message for after the rerun, show errors in place."""
    try:
        with appctx.db_session() as s:
            result = fn(s, user.scope, *args)
        flash = [("success", message.format(r=result))]
        if send:  # try to deliver at once; what fails stays in the outbox for the sender's retries
            rep = deliver_due(appctx.cockpit_engine(), get_settings())
            flash.append(("info", f"E-Mails: {rep.sent} gesendet, {rep.retry} warten auf einen neuen Versuch."))
        if getattr(result, "ask_first", 0) or result is False:
            flash.append(("warning", ASK_FIRST))
        st.session_state["helfer_flash"] = flash
        st.rerun()
    except UserError as exc:
        appctx.show_error(exc)


if st.button("Vermittlung berechnen", type="primary", icon=":material/hub:"):
    try:
        with appctx.db_session() as s:
            st.session_state["helfer_run"] = run_matching(s, user.scope)
    except UserError as exc:
        appctx.show_error(exc)

run = st.session_state.get("helfer_run")
if run is not None:
    st.subheader("Ergebnis der letzten Berechnung")
    c = st.columns(4)
    c[0].metric("Passung optimal", format_int(run.optimal.total_fit))
    c[1].metric("Passung gierig (Vergleich)", format_int(run.greedy.total_fit),
                delta=f"{format_percent(run.ratio or 0)} des Optimums", delta_color="off")
    c[2].metric("Offene Bedarfe optimal", format_int(run.optimal.needs_left_open))
    c[3].metric("Offene Bedarfe gierig", format_int(run.greedy.needs_left_open))
    st.caption(f"{run.offers} offene Angebote, {run.leads} Wahlkampfleitungen, {run.edges} mögliche Paare; "
               f"{run.created} Vorschläge in {format_decimal(run.seconds, 2)} s. Bestätigte Vermittlungen bleiben, "
               "abgelehnte Paare werden nicht erneut vorgeschlagen.")

try:
    with appctx.db_session() as s:
        proposed = assignments_view(s, user.scope, statuses=("proposed",))
        accepted = assignments_view(s, user.scope, statuses=("contacted", "confirmed"))
        by_kreis = open_by_kreis(s, user.scope)
except UserError as exc:
    appctx.show_error(exc)
    st.stop()

COLS = {"id": "Nr.", "kv": "Kreisverband", "skill_label": "Fähigkeit", "person": "Person", "score": "Passung",
        "distance_km": "km", "reason": "Begründung"}

st.subheader(f"Vorschläge ({len(proposed)})")
kv_names = sorted(set(proposed["kv"]))
kv_pick = st.selectbox("Vorschläge für Kreisverband", ["alle", *kv_names], key="proposal_kv")
if kv_pick != "alle":
    proposed = proposed[proposed["kv"] == kv_pick]
if proposed.empty:
    st.info("Keine offenen Vorschläge. Berechne die Vermittlung.")
else:
    table = proposed[list(COLS)].rename(columns=COLS)
    table.insert(0, "auswählen", False)
    edited = st.data_editor(table, hide_index=True, width="stretch", disabled=list(COLS.values()),
                            column_config=decimal_columns(table), key="proposal_editor")
    picked = [int(i) for i in edited.loc[edited["auswählen"], "Nr."]]
    c1, c2, c3 = st.columns(3)
    if c1.button(f"Ausgewählte annehmen ({len(picked)})", disabled=not picked):
        act(accept, picked, message="{r.accepted} angenommen, {r.shared} an den Kreisverband übergeben.", send=True)
    if c2.button(f"Ausgewählte ablehnen ({len(picked)})", disabled=not picked):
        act(set_status, picked, "declined", message="{r} abgelehnt.")
    if c3.button(f"Alle {len(proposed)} annehmen"):
        act(accept, [int(i) for i in proposed["id"]],
            message="{r.accepted} angenommen, {r.shared} an den Kreisverband übergeben.", send=True)

st.subheader(f"Angenommen ({len(accepted)})")
if accepted.empty:
    st.info("Noch keine angenommenen Vermittlungen.")
else:
    st.dataframe(accepted[["id", "kv", "skill_label", "status_label", "person", "sichtbar"]].rename(columns={
        **COLS, "status_label": "Status", "sichtbar": "KV sieht die Person"}), hide_index=True, width="stretch")
    if not accepted["sichtbar"].all():
        st.warning(ASK_FIRST)
    c1, c2, c3, c4 = st.columns(4)
    aid = c1.selectbox("Vermittlung Nr.", [int(i) for i in accepted["id"]], key="accepted_pick")
    if c2.button("bestätigen"):
        act(set_status, [aid], "confirmed", message="Vermittlung bestätigt.", send=True)
    if c3.button("stornieren"):
        act(set_status, [aid], "cancelled", message="Vermittlung storniert.", send=True)
    if c4.button("Weitergabe nachholen"):
        act(hand_over, aid, message="Weitergabe geprüft.")

with st.expander("Manuell vermitteln"):
    with st.form("manual_form"):
        c1, c2, c3 = st.columns(3)
        offer_id = c1.number_input("Angebot Nr.", min_value=1, step=1)
        lead_id = c2.number_input("Wahlkampfleitung Nr.", min_value=1, step=1)
        skill = c3.selectbox("Fähigkeit", list(SKILLS), format_func=SKILLS.get)
        if st.form_submit_button("Vorschlagen"):
            act(manual_assign, int(offer_id), int(lead_id), skill, message="Vorschlag {r.id} angelegt.")

st.subheader("Offene Bedarfe und Angebote je Kreis")
if by_kreis.empty:
    st.info("Keine offenen Bedarfe oder Angebote.")
else:
    top = by_kreis.sort_values("offene_bedarfe", ascending=False).head(25)
    chart = pd.DataFrame({"Kreis": top["name"], "offene Bedarfe": top["offene_bedarfe"],
                          "offene Angebote": top["offene_angebote"]})
    st.bar_chart(chart, x="Kreis", y=["offene Bedarfe", "offene Angebote"], color=["#E3000F", "#7b3294"],
                 stack=False)
    st.caption("Die 25 Kreise mit dem größten offenen Bedarf (nur Anzahlen, keine Personen). Alle Kreise "
               "mit der Lücke zwischen Bedarf und Angeboten zeigt die Helfer:innen-Karte.")
