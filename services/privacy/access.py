"""Art. 15 access: everything stored about a person, in German, as JSON and as a readable PDF (admin, audited).

Making the files does not close the request: it is done when staff mark it as sent (mark_access_sent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import DataSubjectRequest
from db.queries import info as info_queries
from db.queries import privacy as q
from db.queries.contacts import search as contact_queries
from db.types import utcnow
from domain.enums import (
    ACTIVITY_KINDS,
    ASSIGNMENT_STATUSES,
    AVAILABILITY,
    CHANNELS,
    MAIL_STATUSES,
    ORDER_STATUSES,
    PURPOSES,
    SKILLS,
    SOURCES,
    STATUSES,
    TOPICS,
)
from domain.errors import ConflictError, NotFoundError
from domain.formatting import format_date, format_datetime
from services.core import audit
from services.core.scope import Scope, require_action
from services.mail.outbox import CANCEL_REASONS
from services.privacy.access_pdf import access_pdf
from services.privacy.requests import KINDS, close, load_open
from services.privacy.requests import STATUSES as REQUEST_STATUSES
from services.surveys.answers import person_answers

FORMAT_VERSION = 2  # 2: German keys and values, Berlin times, PDF beside the JSON
CONTROLLER = "Linksaktiv Cockpit"
RIGHTS = (
    "Du kannst verlangen, dass falsche Angaben berichtigt werden (Art. 16 DSGVO), dass deine Daten gelöscht "
    "werden (Art. 17) oder ihre Verarbeitung eingeschränkt wird (Art. 18), und du kannst sie in dieser Form "
    "mitnehmen (Art. 20). Einwilligungen kannst du jederzeit für die Zukunft widerrufen, und du kannst der "
    "Nutzung deiner Daten widersprechen (Art. 21). Außerdem kannst du dich bei einer Datenschutz-"
    "Aufsichtsbehörde beschweren (Art. 77)."
)


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj, *columns: str, **extra) -> dict:
    """A record's columns (ISO dates) plus extra keys."""
    out = {c: _iso(getattr(obj, c)) for c in columns}
    out.update({k: _iso(v) for k, v in extra.items()})
    return out


def collect(session: Session, contact_id: int) -> dict:
    """Everything stored about the contact, as a JSON-ready dict (no audit, no role check)."""
    row = q.contact_with_places(session, contact_id)
    if row is None:
        raise NotFoundError("Diese Person ist nicht (mehr) gespeichert.")
    c, kreis, kv, land = row
    offers = q.offers(session, contact_id)
    skills = q.offer_skills(session, [o.id for o in offers])
    assignments = q.assignments(session, contact_id)
    return {
        "contact": _row(
            c,
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "street",
            "plz",
            "city",
            "kreis_ags",
            "kv_id",
            "land_code",
            "status",
            "contact_since",
            "active_since",
            "member_since",
            "source",
            "created_at",
            "updated_at",
            kreis=kreis,
            kreisverband=kv,
            land=land,
        ),
        "topics": [{"code": t, "label": TOPICS.get(t, t)} for t in contact_queries.topics(session, contact_id)],
        "consents": [
            _row(
                r,
                "id",
                "purpose",
                "channel",
                "granted_at",
                "withdrawn_at",
                "source",
                "evidence",
                purpose_label=PURPOSES.get(r.purpose, r.purpose),
                channel_label=CHANNELS.get(r.channel, r.channel) if r.channel else None,
            )
            for r in contact_queries.consents(session, contact_id)
        ],
        "activities": [
            _row(a, "id", "kind", "occurred_at", "note", "ref_type", "ref_id")
            for a in q.activities(session, contact_id)
        ],
        "dispatch_orders": [
            _row(
                o,
                "id",
                "edition_id",
                "copies",
                "status",
                "ship_name",
                "ship_street",
                "ship_plz",
                "ship_city",
                "free_shipping",
                "override_reason",
                "tracking_number",
                "requested_at",
                "approved_at",
                "packed_at",
                "shipped_at",
                "delivered_at",
                "cancelled_at",
                "returned_at",
                edition_title=title,
            )
            for o, title in q.dispatch_orders(session, contact_id)
        ],
        "volunteer_offers": [
            _row(
                o,
                "id",
                "availability",
                "travel_radius_km",
                "period_start",
                "period_end",
                "hours_per_week",
                "note",
                "created_at",
                "withdrawn_at",
                skills=skills.get(o.id, []),
            )
            for o in offers
        ],
        "assignments": [
            _row(
                a,
                "id",
                "offer_id",
                "lead_id",
                "skill",
                "status",
                "score",
                "distance_km",
                "reason",
                "proposed_at",
                "contacted_at",
                "confirmed_at",
                "declined_at",
                "cancelled_at",
                lead_kreisverband=lead_kv,
            )
            for a, lead_kv in assignments
        ],
        "contact_shares": [
            _row(s, "id", "kv_id", "reason", "ref_id", "granted_at", "revoked_at", kreisverband=name)
            for s, name in q.shares(session, contact_id)
        ],
        "call_deliveries": [
            _row(d, "id", "call_id", "channel", "sent_at", "responded_at", "response", call_title=title)
            for d, title in q.call_deliveries(session, contact_id)
        ],
        "info_deliveries": [
            {"info_id": i, "info_title": title, "sent_at": _iso(at)}
            for i, title, at in info_queries.deliveries_of(session, contact_id)
        ],
        "survey_answers": person_answers(session, contact_id),
        "campaign_leads_as_contact": [
            _row(
                ld,
                "id",
                "kv_id",
                "contact_name",
                "contact_email",
                "contact_phone",
                "plz",
                "period_start",
                "period_end",
                "note",
            )
            for ld in q.leads_with_contact(session, contact_id, c.email, c.phone)
        ],
        "mails": [
            _row(
                m,
                "id",
                "to_addr",
                "subject",
                "body",
                "purpose",
                "channel",
                "status",
                "cancel_reason",
                "created_at",
                "sent_at",
                "cancelled_at",
            )
            for m in q.mails(session, contact_id, c.email, [a.id for a, _ in assignments])
        ],
        "data_subject_requests": [
            _row(r, "id", "kind", "status", "received_at", "completed_at", "note", kind_label=KINDS.get(r.kind, r.kind))
            for r in q.requests_of(session, contact_id)
        ],
    }


# ---- The German document: section by section, field by field (key in collect() → German label, kind).
# Kinds: "text" as stored, "date" 24.12.2026, "datetime" 24.12.2026, 18:30 (Berlin), "bool" ja/nein,
# a dict of German labels for codes, "skills"/"availability" lists of codes, "number" as stored.
MAIL_STATUS_LABELS = {**MAIL_STATUSES, "cancelled": "nicht versandt"}
MAIL_PURPOSES = {**PURPOSES, "service": "Mitteilung zur Mithilfe", "confirmation": "Bestätigung der Anmeldung"}
ACTIVITY_REFS = {
    "call_to_action": "Aktionsaufruf",
    "dispatch_order": "Zeitungsbestellung",
    "volunteer_offer": "Hilfsangebot",
    "assignment": "Vermittlung",
    "contact": "zusammengeführter Eintrag",
}
SHARE_REASONS = {"volunteer_handover": "Übergabe als Helfer:in"}
CALL_RESPONSES = {"accepted": "zugesagt", "declined": "abgesagt", "attended": "teilgenommen"}

CONTACT_FIELDS = (
    ("id", "Nummer", "number"),
    ("first_name", "Vorname", "text"),
    ("last_name", "Nachname", "text"),
    ("email", "E-Mail", "text"),
    ("phone", "Telefon", "text"),
    ("street", "Straße", "text"),
    ("plz", "PLZ", "text"),
    ("city", "Ort", "text"),
    ("kreis", "Kreis", "text"),
    ("kreis_ags", "Kreisschlüssel", "text"),
    ("kreisverband", "Kreisverband", "text"),
    ("land", "Bundesland", "text"),
    ("status", "Status", STATUSES),
    ("contact_since", "Kontakt seit", "date"),
    ("active_since", "Aktiv seit", "date"),
    ("member_since", "Mitglied seit", "date"),
    ("source", "Quelle", SOURCES),
    ("created_at", "Angelegt am", "datetime"),
    ("updated_at", "Zuletzt geändert am", "datetime"),
)

# (key in collect(), German section title, fields)
SECTIONS = (
    (
        "consents",
        "Einwilligungen",
        (
            ("id", "Nummer", "number"),
            ("purpose", "Zweck", PURPOSES),
            ("channel", "Kanal", CHANNELS),
            ("granted_at", "Erteilt am", "datetime"),
            ("withdrawn_at", "Widerrufen am", "datetime"),
            ("source", "Quelle", SOURCES),
            ("evidence", "Nachweis", "text"),
        ),
    ),
    (
        "activities",
        "Zeitleiste",
        (
            ("id", "Nummer", "number"),
            ("kind", "Art", ACTIVITY_KINDS),
            ("occurred_at", "Zeitpunkt", "datetime"),
            ("note", "Notiz", "text"),
            ("ref_type", "Bezug", ACTIVITY_REFS),
            ("ref_id", "Bezug Nr.", "number"),
        ),
    ),
    (
        "dispatch_orders",
        "Zeitungsbestellungen",
        (
            ("id", "Nummer", "number"),
            ("edition_title", "Ausgabe", "text"),
            ("copies", "Exemplare", "number"),
            ("status", "Status", ORDER_STATUSES),
            ("ship_name", "Name auf der Sendung", "text"),
            ("ship_street", "Straße", "text"),
            ("ship_plz", "PLZ", "text"),
            ("ship_city", "Ort", "text"),
            ("free_shipping", "Versandkostenfrei", "bool"),
            ("override_reason", "Begründung", "text"),
            ("tracking_number", "Sendungsnummer", "text"),
            ("requested_at", "Angefragt am", "datetime"),
            ("approved_at", "Freigegeben am", "datetime"),
            ("packed_at", "Gepackt am", "datetime"),
            ("shipped_at", "Versandt am", "datetime"),
            ("delivered_at", "Zugestellt am", "datetime"),
            ("cancelled_at", "Storniert am", "datetime"),
            ("returned_at", "Zurückgekommen am", "datetime"),
        ),
    ),
    (
        "volunteer_offers",
        "Hilfsangebote",
        (
            ("id", "Nummer", "number"),
            ("skills", "Tätigkeiten", "skills"),
            ("availability", "Verfügbarkeit", "availability"),
            ("travel_radius_km", "Umkreis (km)", "number"),
            ("period_start", "Von", "date"),
            ("period_end", "Bis", "date"),
            ("hours_per_week", "Stunden pro Woche", "number"),
            ("note", "Notiz", "text"),
            ("created_at", "Erfasst am", "datetime"),
            ("withdrawn_at", "Zurückgezogen am", "datetime"),
        ),
    ),
    (
        "assignments",
        "Vermittlungen",
        (
            ("id", "Nummer", "number"),
            ("offer_id", "Hilfsangebot Nr.", "number"),
            ("lead_id", "Bedarf Nr.", "number"),
            ("lead_kreisverband", "Kreisverband des Bedarfs", "text"),
            ("skill", "Tätigkeit", SKILLS),
            ("status", "Status", ASSIGNMENT_STATUSES),
            ("score", "Passung", "number"),
            ("distance_km", "Entfernung (km)", "number"),
            ("reason", "Begründung", "text"),
            ("proposed_at", "Vorgeschlagen am", "datetime"),
            ("contacted_at", "Kontaktiert am", "datetime"),
            ("confirmed_at", "Bestätigt am", "datetime"),
            ("declined_at", "Abgelehnt am", "datetime"),
            ("cancelled_at", "Storniert am", "datetime"),
        ),
    ),
    (
        "contact_shares",
        "Freigaben für andere Kreisverbände",
        (
            ("id", "Nummer", "number"),
            ("kreisverband", "Kreisverband", "text"),
            ("reason", "Grund", SHARE_REASONS),
            ("ref_id", "Bezug Nr.", "number"),
            ("granted_at", "Freigegeben am", "datetime"),
            ("revoked_at", "Zurückgenommen am", "datetime"),
        ),
    ),
    (
        "call_deliveries",
        "Aktionsaufrufe",
        (
            ("id", "Nummer", "number"),
            ("call_title", "Aufruf", "text"),
            ("channel", "Kanal", CHANNELS),
            ("sent_at", "Gesendet am", "datetime"),
            ("response", "Antwort", CALL_RESPONSES),
            ("responded_at", "Geantwortet am", "datetime"),
        ),
    ),
    (
        "info_deliveries",
        "Linksaktiv-Infos",
        (
            ("info_id", "Info Nr.", "number"),
            ("info_title", "Info", "text"),
            ("sent_at", "Gesendet am", "datetime"),
        ),
    ),
    (
        "survey_answers",
        "Antworten auf Befragungen",
        (
            ("survey_title", "Befragung", "text"),
            ("question", "Frage", "text"),
            ("answer", "Antwort", "text"),
            ("answered_at", "Beantwortet am", "datetime"),
            ("changed_at", "Zuletzt geändert am", "datetime"),
        ),
    ),
    (
        "campaign_leads_as_contact",
        "Als Ansprechperson eines Bedarfs",
        (
            ("id", "Nummer", "number"),
            ("contact_name", "Name", "text"),
            ("contact_email", "E-Mail", "text"),
            ("contact_phone", "Telefon", "text"),
            ("plz", "PLZ", "text"),
            ("period_start", "Von", "date"),
            ("period_end", "Bis", "date"),
            ("note", "Notiz", "text"),
        ),
    ),
    (
        "mails",
        "E-Mails",
        (
            ("id", "Nummer", "number"),
            ("to_addr", "An", "text"),
            ("subject", "Betreff", "text"),
            ("body", "Text", "text"),
            ("purpose", "Zweck", MAIL_PURPOSES),
            ("channel", "Kanal", CHANNELS),
            ("status", "Status", MAIL_STATUS_LABELS),
            ("cancel_reason", "Grund, warum sie nicht versandt wurde", CANCEL_REASONS),
            ("created_at", "Erstellt am", "datetime"),
            ("sent_at", "Gesendet am", "datetime"),
            ("cancelled_at", "Nicht versandt seit", "datetime"),
        ),
    ),
    (
        "data_subject_requests",
        "Datenschutz-Anfragen",
        (
            ("id", "Nummer", "number"),
            ("kind", "Art", KINDS),
            ("status", "Status", REQUEST_STATUSES),
            ("received_at", "Eingegangen am", "datetime"),
            ("completed_at", "Erledigt am", "datetime"),
            ("note", "Notiz", "text"),
        ),
    ),
)


def _value(raw, kind):
    """One stored value as the German document shows it (None stays None)."""
    if raw is None or raw == "":
        return None
    if isinstance(kind, dict):
        return kind.get(raw, raw)
    if kind == "datetime":
        return format_datetime(datetime.fromisoformat(raw) if isinstance(raw, str) else raw)
    if kind == "date":
        return format_date(date.fromisoformat(raw[:10]) if isinstance(raw, str) else raw)
    if kind == "bool":
        return "ja" if raw else "nein"
    if kind == "skills":
        return [SKILLS.get(s, s) for s in raw]
    if kind == "availability":
        return [AVAILABILITY.get(a, a) for a in str(raw).split(",") if a]
    return raw


def _german(record: dict, fields) -> dict:
    return {label: _value(record.get(key), kind) for key, label, kind in fields}


def german_document(data: dict, request_id: int, at: datetime) -> dict:
    """The German access document from collect()'s data: German keys, labels for codes, Berlin times."""
    doc = {
        "Auskunft": {
            "Anfrage-Nr.": request_id,
            "Erstellt am": format_datetime(at),
            "Rechtsgrundlage": "Art. 15 DSGVO",
            "Verantwortlich": CONTROLLER,
            "Zeitangaben": "Ortszeit Berlin",
            "Formatversion": FORMAT_VERSION,
        },
        "Stammdaten": _german(data["contact"], CONTACT_FIELDS),
        "Themen": [t["label"] for t in data["topics"]],
    }
    for key, title, fields in SECTIONS:
        doc[title] = [_german(r, fields) for r in data.get(key, [])]  # a section added later: empty in older data
    doc["Deine Rechte"] = RIGHTS
    return doc


@dataclass(frozen=True)
class AccessExport:
    """The two files of one access export: the same German content as JSON and as PDF."""

    request_id: int
    json: bytes
    json_name: str
    pdf: bytes
    pdf_name: str


def build_access_export(session: Session, scope: Scope, request_id: int) -> AccessExport:
    """The Art. 15 export of an open access request as German JSON and PDF; audited (commits), request stays open."""
    require_action(scope, "privacy.requests")
    req = load_open(session, request_id, "access")
    contact_id = req.contact_id
    now = utcnow()
    data = collect(session, contact_id)
    doc = german_document(data, req.id, now)
    payload = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    pdf = access_pdf(doc)
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    audit.record(
        session,
        scope,
        "dsr_access_exported",
        "data_subject_request",
        req.id,
        contact_id=contact_id,
        bytes=len(payload),
        pdf_bytes=len(pdf),
        **counts,
    )
    session.commit()
    stem = f"auskunft-{req.id}-{now.strftime('%Y%m%d')}"
    return AccessExport(req.id, payload, f"{stem}.json", pdf, f"{stem}.pdf")


def mark_access_sent(session: Session, scope: Scope, request_id: int) -> None:
    """Close an access request once its export went to the person (after an export was made); audited."""
    require_action(scope, "privacy.requests")
    req = session.get(DataSubjectRequest, int(request_id))
    if req is not None and req.contact_id is None and req.status == "open" and req.kind == "access":
        # The person was erased after the export was made: the answer that went out still closes it.
        if not q.access_exported(session, req.id):
            raise ConflictError("Die Person ist gelöscht, bevor eine Auskunft erzeugt wurde. Lehne die Anfrage ab.")
    else:
        req = load_open(session, request_id, "access")
        if not q.access_exported(session, req.id):
            raise ConflictError(
                "Erzeuge zuerst die Auskunft und schick sie der Person; dann markiere sie als versendet."
            )
    close(session, req, "done")
    audit.record(session, scope, "dsr_access_sent", "data_subject_request", req.id, contact_id=req.contact_id)
    session.commit()


def export_made(session: Session, scope: Scope, request_id: int) -> bool:
    """Whether an access export was made for the request (then it can be marked as sent)."""
    require_action(scope, "privacy.requests")
    return q.access_exported(session, int(request_id))
