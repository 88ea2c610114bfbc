"""Art. 15 access: one JSON document with everything stored about a person (admin, audited)."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.queries import privacy as q
from db.queries.contacts import search as contact_queries
from db.types import utcnow
from domain.enums import CHANNELS, PURPOSES, TOPICS
from domain.errors import NotFoundError
from services.core import audit
from services.core.scope import Scope, require_action
from services.privacy.requests import KINDS, close, load_open

FORMAT_VERSION = 1


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


def build_access_export(session: Session, scope: Scope, request_id: int) -> tuple[bytes, str]:
    """The Art. 15 export of an open access request as UTF-8 JSON; marks it done; audited (commits)."""
    require_action(scope, "privacy.requests")
    req = load_open(session, request_id, "access")
    contact_id = req.contact_id
    now = utcnow()
    close(session, req, "done")  # the request itself appears as done in the export
    data = {
        "export": {
            "format_version": FORMAT_VERSION,
            "generated_at": now.isoformat(),
            "request_id": req.id,
            "legal_basis": "Art. 15 DSGVO",
            "controller": "Linksaktiv Cockpit",
            "times": "UTC (ISO 8601)",
        }
    }
    data.update(collect(session, contact_id))
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    audit.record(
        session,
        scope,
        "dsr_access_exported",
        "data_subject_request",
        req.id,
        contact_id=contact_id,
        bytes=len(payload),
        **counts,
    )
    session.commit()
    return payload, f"auskunft-{req.id}-{now.strftime('%Y%m%d')}.json"
