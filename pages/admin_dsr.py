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


def _keep_export(export: dsr_access.AccessExport) -> None:
    # Both files of the export, until each is downloaded or the request is marked as sent.
    st.session_state["dsr_export"] = {
        "rid": export.request_id,
        "pdf": (export.pdf, export.pdf_name),
        "json": (export.json, export.json_name),
    }


def _downloads(rid: int) -> None:
    """The files of the export just made for this request, each offered until it is downloaded."""
    export = st.session_state.get("dsr_export")
    if not export or export["rid"] != rid:
        return
    # The export is personal data: each file is dropped from the server session once downloaded.
    files = {"pdf": ("PDF", "application/pdf"), "json": ("JSON", "application/json")}
    for col, (kind, (label, mime)) in zip(st.columns(2), files.items(), strict=True):
        if kind in export:
            data, name = export[kind]
            col.download_button(
                f"Auskunft Nr. {rid} als {label} herunterladen",
                data,
                file_name=name,
                mime=mime,
                key=f"dsr_download_{kind}",
                icon=":material/download:",
                on_click=_drop_file(kind),
            )


def _drop_file(kind: str):
    def drop() -> None:
        export = st.session_state.get("dsr_export") or {}
        export.pop(kind, None)
        if not {"pdf", "json"} & set(export):
            st.session_state.pop("dsr_export", None)

    return drop


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
        "Erzeugt die Auskunft als lesbares PDF und als JSON-Datei (gleicher Inhalt, deutsch): Stammdaten, "
        "Themen, jede Einwilligung, Zeitleiste, Zeitungsbestellungen mit Versandadresse, Hilfsangebote, "
        "Vermittlungen, Freigaben, Aktionsaufrufe, Mails und Datenschutz-Anfragen."
    )
    st.caption(
        "Schick die Dateien nur auf einem sicheren Weg an die Person. Erledigt ist die Anfrage erst, "
        "wenn du sie als versendet markierst; beides steht im Audit-Log."
    )
    made = appctx.read(dsr_access.export_made, rid)
    if st.button(
        "Auskunft erneut erzeugen" if made else "Auskunft erzeugen",
        key="dsr_access",
        type="secondary" if made else "primary",
        icon=":material/description:",
    ):
        with st.spinner(f"Die Auskunft Nr. {rid} wird erzeugt (PDF und JSON) …"):
            appctx.act(
                dsr_access.build_access_export,
                rid,
                then=_keep_export,
                success=(
                    f"Auskunft Nr. {rid} ist erzeugt (PDF und JSON). Lade sie herunter, schick sie der Person "
                    "und markiere die Anfrage dann als versendet."
                ),
            )
    _downloads(rid)
    if st.button(
        "Als versendet markieren",
        key="dsr_access_sent",
        type="primary" if made else "secondary",
        disabled=not made,
        icon=":material/send:",
        help=None if made else "Erzeuge zuerst die Auskunft.",
    ):
        appctx.act(
            dsr_access.mark_access_sent,
            rid,
            then=lambda _: st.session_state.pop("dsr_export", None),
            success=f"Auskunft Nr. {rid} ist als versendet markiert; die Anfrage ist erledigt.",
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
        with st.spinner("Die Person und ihre Daten werden gelöscht …"):
            appctx.act(
                dsr_erasure.erase, rid, confirm, success=f"Die Person ist gelöscht; Anfrage Nr. {rid} ist erledigt."
            )
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
