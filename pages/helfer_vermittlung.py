"""Helfer:innen-Vermittlung: optimal matching of offers to needs, then accept, reject and hand over."""

import pandas as pd
import streamlit as st

import appctx
from components.charts import ranked_bars
from components.figures import decimal_columns
from components.text import area_line
from domain.enums import SKILLS
from domain.formatting import format_decimal, format_int, format_percent
from services.matching.handover import ASK_FIRST, accept, hand_over, manual_assign, set_status
from services.matching.run import run_matching
from services.matching.views import assignments_view, gap_by_kreis, open_by_kreis, plain_outcome

user = appctx.guard("pages/helfer_vermittlung.py")
st.title("Helfer:innen-Vermittlung")
area_line(user.area, "Die Vermittlung ist optimal: sie maximiert die Passung insgesamt.")
appctx.flash()

# Pages only queue mails; the sender process (python -m scripts.send_mail) delivers them.
OUTBOX = ("info", "Die Mails liegen im Postausgang und gehen mit dem nächsten Lauf des Mailversands raus.")


def _act(fn, *args, message: str, mails: bool = False) -> None:
    """Run one service call; after the rerun its message, the outbox note and the consent warning show."""

    def success(result) -> list[tuple[str, str]]:
        flash = [("success", message.format(r=result))]
        if mails:
            flash.append(OUTBOX)
        if getattr(result, "ask_first", 0) or result is False:
            flash.append(("warning", ASK_FIRST))
        return flash

    appctx.act(fn, *args, success=success)


def _keep_run(result) -> None:
    st.session_state["helfer_run"] = result


if st.button("Vermittlung berechnen", type="primary", icon=":material/hub:"):
    with st.spinner("Berechne die Vermittlung aller offenen Angebote …"):
        appctx.act(
            run_matching,
            then=_keep_run,
            success=lambda r: f"Vermittlung berechnet: {format_int(r.created)} Vorschläge.",
        )

run = st.session_state.get("helfer_run")
if run is not None:
    st.subheader("Ergebnis der letzten Berechnung")
    out = plain_outcome(run.optimal)
    c = st.columns(3)
    c[0].metric("vermittelt", format_int(out["placed"]), help="Helfer:innen, die einen Vorschlag bekommen")
    c[1].metric("offen", format_int(out["open"]), help="Gebrauchte Helfer:innen, für die noch niemand passt")
    mean_km = "–" if out["mean_km"] is None else f"{format_decimal(out['mean_km'], 1)} km"
    c[2].metric("Ø Entfernung", mean_km, help="Mittlere Entfernung zwischen Helfer:in und Wahlkampfleitung")
    if user.role in ("admin", "team"):
        with st.expander("Vergleich mit der einfachen Zuordnung (für das Team)"):
            c = st.columns(4)
            c[0].metric("Passung optimal", format_int(run.optimal.total_fit))
            c[1].metric(
                "Passung gierig",
                format_int(run.greedy.total_fit),
                delta=f"{format_percent(run.ratio or 0)} des Optimums",
                delta_color="off",
                help="Gierig: nimmt immer das gerade beste Paar, ohne an die anderen zu denken",
            )
            c[2].metric("offen optimal", format_int(run.optimal.needs_left_open))
            c[3].metric("offen gierig", format_int(run.greedy.needs_left_open))
    st.caption(
        f"{format_int(run.offers)} offene Angebote, {format_int(run.leads)} Wahlkampfleitungen, "
        f"{format_int(run.edges)} mögliche Paare; {format_int(run.created)} Vorschläge in {format_decimal(run.seconds, 2)} s. Bestätigte Vermittlungen bleiben, "
        "abgelehnte Paare werden nicht erneut vorgeschlagen."
    )

proposed = appctx.read(assignments_view, statuses=("proposed",))
accepted = appctx.read(assignments_view, statuses=("contacted", "confirmed"))
by_kreis = appctx.read(open_by_kreis)

COLS = {
    "id": "Nr.",
    "kv": "Kreisverband",
    "skill_label": "Fähigkeit",
    "person": "Person",
    "score": "Passung",
    "distance_km": "km",
    "reason": "Begründung",
}

st.subheader(f"Vorschläge ({format_int(len(proposed))})")
kv_names = sorted(set(proposed["kv"]))
kv_pick = st.selectbox("Vorschläge für Kreisverband", ["alle", *kv_names], key="proposal_kv")
if kv_pick != "alle":
    proposed = proposed[proposed["kv"] == kv_pick]
if proposed.empty:
    st.info("Keine offenen Vorschläge. Berechne die Vermittlung.")
else:
    table = proposed[list(COLS)].rename(columns=COLS)
    table.insert(0, "auswählen", False)
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=list(COLS.values()),
        column_config=decimal_columns(table),
        key="proposal_editor",
    )
    picked = [int(i) for i in edited.loc[edited["auswählen"], "Nr."]]
    c1, c2, c3 = st.columns(3)
    if c1.button(f"Ausgewählte annehmen ({len(picked)})", disabled=not picked):
        _act(accept, picked, message="{r.accepted} angenommen, {r.shared} an den Kreisverband übergeben.", mails=True)
    if c2.button(f"Ausgewählte ablehnen ({len(picked)})", disabled=not picked):
        _act(set_status, picked, "declined", message="{r} abgelehnt.")
    if c3.button(f"Alle {format_int(len(proposed))} annehmen"):
        _act(
            accept,
            [int(i) for i in proposed["id"]],
            message="{r.accepted} angenommen, {r.shared} an den Kreisverband übergeben.",
            mails=True,
        )

st.subheader(f"Angenommen ({format_int(len(accepted))})")
if accepted.empty:
    st.info("Noch keine angenommenen Vermittlungen.")
else:
    st.dataframe(
        accepted[["id", "kv", "skill_label", "status_label", "person", "sichtbar"]].rename(
            columns={**COLS, "status_label": "Status", "sichtbar": "KV sieht die Person"}
        ),
        hide_index=True,
        width="stretch",
    )
    if not accepted["sichtbar"].all():
        st.warning(ASK_FIRST)
    c1, c2, c3, c4 = st.columns(4)
    aid = c1.selectbox("Vermittlung Nr.", [int(i) for i in accepted["id"]], key="accepted_pick")
    if c2.button("bestätigen"):
        _act(set_status, [aid], "confirmed", message="Vermittlung bestätigt.", mails=True)
    if c3.button("stornieren"):
        _act(set_status, [aid], "cancelled", message="Vermittlung storniert.", mails=True)
    if c4.button("Weitergabe nachholen"):
        _act(hand_over, aid, message="Weitergabe geprüft.")

with st.expander("Manuell vermitteln"), st.form("manual_form"):
    c1, c2, c3 = st.columns(3)
    offer_id = c1.number_input("Angebot Nr.", min_value=1, step=1)
    lead_id = c2.number_input("Wahlkampfleitung Nr.", min_value=1, step=1)
    skill = c3.selectbox("Fähigkeit", list(SKILLS), format_func=SKILLS.get)
    if st.form_submit_button("Vorschlagen"):
        _act(manual_assign, int(offer_id), int(lead_id), skill, message="Vorschlag {r.id} angelegt.")

st.subheader("Offene Bedarfe und Angebote je Kreis")
if by_kreis.empty:
    st.info("Keine offenen Bedarfe oder Angebote.")
else:
    gaps = gap_by_kreis(by_kreis)
    table = pd.DataFrame(
        {
            "Kreis": gaps["name"],
            "Lücke": gaps["luecke"].astype(int),
            "offene Bedarfe": gaps["offene_bedarfe"].astype(int),
            "offene Angebote": gaps["offene_angebote"].astype(int),
        }
    )
    ranked_bars(table, "Kreis", "Lücke", limit=25)
    st.caption("Lücke = offene Bedarfe minus offene Angebote; die 25 Kreise mit der größten Lücke (nur Anzahlen).")
    st.dataframe(table, hide_index=True, width="stretch")
