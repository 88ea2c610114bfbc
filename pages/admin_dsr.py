"""Datenschutz-Anfragen (admin): register GDPR requests, watch the one-month deadline, carry them out."""

import pandas as pd
import streamlit as st

import appctx
from components.contact_picker import contact_picker
from domain.formatting import format_date, format_datetime
from services.contacts import card as contacts
from services.privacy import access as dsr_access
from services.privacy import erasure as dsr_erasure
from services.privacy import objection as dsr_objection
from services.privacy import requests as dsr

appctx.guard("pages/admin_dsr.py")
st.title("Datenschutz-Anfragen")
st.caption(
    "Auskunft (Art. 15), Berichtigung (Art. 16), Löschung (Art. 17) und Widerspruch (Art. 21 DSGVO). "
    "Antwortfrist: ein Monat ab Eingang (Art. 12 Abs. 3). Jeder Schritt steht im Audit-Log – "
    "dort nur mit Nummern, nie mit Namen."
)
appctx.flash()


def _search(query: str, page: int):
    return appctx.read(contacts.search_contacts, query, page)


def _keep_export(rid: int):
    def then(result: tuple[bytes, str]) -> None:
        payload, name = result
        st.session_state["dsr_export"] = (payload, name, rid)

    return then


with st.expander("Neue Anfrage erfassen", icon=":material/add:"):
    contact_id = contact_picker(_search, key="dsr_picker", label="Person suchen (Name, E-Mail oder PLZ)")
    kind = st.selectbox("Art der Anfrage", list(dsr.KINDS), format_func=dsr.KINDS.get, key="dsr_kind")
    received = st.date_input(
        "Eingegangen am", value="today", max_value="today", format="DD.MM.YYYY", key="dsr_received"
    )
    note = st.text_input("Notiz (Eingangsweg, Identitätsprüfung – keine Namen, Adressen oder Nummern)", key="dsr_note")
    if st.button("Anfrage erfassen", key="dsr_register", disabled=contact_id is None):
        appctx.act(
            dsr.register_request,
            contact_id,
            kind,
            received,
            note,
            success=lambda rid: f"Anfrage Nr. {rid} ist erfasst.",
        )

shown = st.radio(
    "Anzeigen",
    ["open", "done", "rejected", "all"],
    horizontal=True,
    key="dsr_filter",
    format_func=lambda s: {"all": "alle"}.get(s) or dsr.STATUSES[s],
)
rows = appctx.read(dsr.list_requests, None if shown == "all" else shown)
open_rows = rows if shown == "open" else appctx.read(dsr.list_requests, "open")
overdue = sum(r.overdue for r in open_rows)
c1, c2 = st.columns(2)
c1.metric("Offene Anfragen", len(open_rows))
c2.metric("Davon überfällig", overdue)
if overdue:
    st.warning(
        f"{overdue} offene Anfrage(n) haben die Monatsfrist überschritten. Bitte sofort bearbeiten.",
        icon=":material/alarm:",
    )
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                "Nr.": [r.id for r in rows],
                "Art": [dsr.KINDS[r.kind] for r in rows],
                "Person": [r.person for r in rows],
                "Eingang": [format_datetime(r.received_at) for r in rows],
                "Frist": [format_date(r.deadline) for r in rows],
                "Status": [("überfällig" if r.overdue else dsr.STATUSES[r.status]) for r in rows],
                "Erledigt": [format_datetime(r.completed_at) for r in rows],
                "Notiz": [r.note for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("Keine Anfragen in dieser Auswahl.")

if export := st.session_state.get("dsr_export"):
    data, name, rid = export
    # The export is personal data: once downloaded it is dropped from the server session.
    st.download_button(
        f"Auskunft Nr. {rid} herunterladen (JSON)",
        data,
        file_name=name,
        mime="application/json",
        key="dsr_download",
        icon=":material/download:",
        on_click=lambda: st.session_state.pop("dsr_export", None),
    )

st.subheader("Anfrage bearbeiten")
if not open_rows:
    st.info("Keine offene Anfrage.")
    st.stop()
by_id = {r.id: r for r in open_rows}
rid = st.selectbox(
    "Offene Anfrage",
    list(by_id),
    key="dsr_pick_request",
    format_func=lambda i: (
        f"Nr. {i} · {dsr.KINDS[by_id[i].kind]} · {by_id[i].person} · Frist {format_date(by_id[i].deadline)}"
    ),
)
req = by_id[rid]
if req.kind == "access":
    st.write(
        "Erzeugt eine JSON-Datei mit allem, was über die Person gespeichert ist: Stammdaten, Themen, "
        "jede Einwilligung, Zeitleiste, Zeitungsbestellungen mit Versandadresse, Hilfsangebote, "
        "Vermittlungen, Freigaben, Aktionsaufrufe, Mails und Datenschutz-Anfragen."
    )
    st.caption(
        "Erzeugen markiert die Anfrage als erledigt und wird im Audit-Log vermerkt. "
        "Schick die Datei nur auf einem sicheren Weg an die Person."
    )
    if st.button("Auskunft erzeugen", key="dsr_access", type="primary"):
        # Building the export is the audited step that completes the request, so it is an action.
        appctx.act(
            dsr_access.build_access_export,
            rid,
            then=_keep_export(rid),
            success=f"Auskunft Nr. {rid} ist erzeugt und die Anfrage erledigt.",
        )
elif req.kind == "erasure":
    plan = appctx.read(dsr_erasure.plan, rid)
    st.write(
        f"Gelöscht werden die Person, {plan.consents} Einwilligungen, {plan.activities} Einträge der "
        f"Zeitleiste, {plan.offers} Hilfsangebote mit {plan.assignments} Vermittlungen, {plan.shares} "
        f"Freigaben, {plan.call_deliveries} Aktionsaufruf-Zustellungen und {plan.mails_deleted} noch "
        f"nicht versandte Mails an sie."
    )
    st.write(
        f"Bei {plan.orders_blanked} Zeitungsbestellungen werden Name, Straße, Begründung und "
        f"Sendungsnummer entfernt (PLZ, Ort, Exemplare und Status bleiben für den Bestand); "
        f"{plan.orders_cancelled} noch nicht gepackte werden storniert. {plan.mails_blanked} Mails an "
        "oder über sie verlieren Adresse und Inhalt. Das Audit-Log und diese Anfrage bleiben – ohne Namen."
    )
    if plan.leads_blanked:
        st.write(
            f"Bei {plan.leads_blanked} Wahlkampfleitungen ist sie als Ansprechperson eingetragen (gleiche "
            "E-Mail oder Telefonnummer): Name, E-Mail und Telefon dort werden entfernt, der Bedarf bleibt."
        )
    for blocker in plan.blockers:
        st.warning(blocker, icon=":material/block:")
    confirm = st.text_input(
        f"Zur Bestätigung die PLZ der Person oder „{dsr_erasure.CONFIRM_WORD}“ eingeben", key="dsr_confirm"
    )
    if st.button("Endgültig löschen", key="dsr_erase", type="primary", disabled=bool(plan.blockers)):
        appctx.act(dsr_erasure.erase, rid, confirm, success=f"Die Person ist gelöscht; Anfrage Nr. {rid} ist erledigt.")
elif req.kind == "objection":
    pv = appctx.read(dsr_objection.preview, rid)
    st.write(
        f"Widerruft {pv.consents_withdrawn} aktive Einwilligungen, storniert {pv.orders_cancelled} noch "
        f"nicht gepackte Zeitungsbestellungen und zieht {pv.offers_withdrawn} offene Hilfsangebote zurück "
        f"({pv.assignments_cancelled} laufende Vermittlungen werden storniert, die Wahlkampfleitung "
        "bekommt Bescheid). Die Person bleibt gespeichert, bekommt aber nichts mehr."
    )
    if st.button("Widerspruch umsetzen", key="dsr_object", type="primary"):
        appctx.act(
            dsr_objection.carry_out_objection,
            rid,
            success=lambda r: (
                f"Widerspruch umgesetzt: {r.consents_withdrawn} Einwilligungen widerrufen, "
                f"{r.orders_cancelled} Bestellungen storniert, {r.offers_withdrawn} Angebote "
                "zurückgezogen."
            ),
        )
else:
    st.write("Berichtige die Daten auf der Seite der Person; halte hier fest, was geändert wurde.")
    fixed = st.text_input("Was wurde berichtigt? (z. B. „Telefonnummer korrigiert“)", key="dsr_rect_note")
    if st.button("Als erledigt markieren", key="dsr_rectify", type="primary"):
        appctx.act(dsr.complete_rectification, rid, fixed, success=f"Anfrage Nr. {rid} ist erledigt.")
with st.expander("Anfrage ablehnen"):
    reason = st.text_input("Grund (z. B. „Identität nicht nachgewiesen“)", key="dsr_reject_reason")
    if st.button("Ablehnen", key="dsr_reject"):
        appctx.act(dsr.reject_request, rid, reason, success=f"Anfrage Nr. {rid} ist abgelehnt.")
