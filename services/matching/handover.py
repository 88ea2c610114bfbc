"""Handover: accept or reject proposals, confirm or cancel, manual assignments, notify by mail.

Handing a volunteer to another KV is an explicit, audited act (DESIGN §3.1): it creates a
ContactShare only when the volunteer has an active `pass_to_branch` consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Assignment, CampaignLead, Contact, ContactShare, VolunteerOffer
from db.queries.matching import assignments as q
from db.types import utcnow
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit
from services.core.scope import Scope, require_action
from services.geo.places import haversine_km
from services.matching import inputs, notify, workflow
from services.matching.run import fit_percent
from services.matching.solver import TOPIC_MAX, explain, fit_points
from services.matching.solver import Lead as SLead
from services.matching.solver import Offer as SOffer

ASK_FIRST = (
    "Die Person hat der Weitergabe an eine Gliederung nicht zugestimmt. Das Linksaktiv-Team "
    "fragt sie zuerst; erst mit ihrer Einwilligung sieht der Kreisverband Name und Kontaktdaten."
)


@dataclass
class HandoverResult:
    """Per accepted assignment: whether the lead's KV now sees the person."""

    accepted: int
    shared: int
    ask_first: int


def _load(session: Session, scope: Scope, ids) -> list[Assignment]:
    """Assignments by id inside the scope (lead in the area, volunteer visible); NotFoundError otherwise."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError("Bitte wähle mindestens eine Vermittlung aus.")
    rows = q.assignments_in_scope(session, scope, ids)
    if len(rows) != len(ids):
        raise NotFoundError(
            "Mindestens eine Vermittlung gibt es nicht (mehr) oder sie liegt außerhalb deines Bereichs."
        )
    return rows


def _share(session: Session, scope: Scope, a: Assignment, contact: Contact, lead: CampaignLead) -> bool:
    """Create the ContactShare for the lead's KV when consent allows; True when the KV sees the person."""
    if contact.kv_id == lead.kv_id:
        return True
    if not notify.has_consent(session, contact.id, "pass_to_branch"):
        return False
    if not notify.lead_sees(session, contact, lead):
        share = ContactShare(
            contact_id=contact.id,
            kv_id=lead.kv_id,
            reason="volunteer_handover",
            ref_id=a.id,
            granted_by=scope.user_id,
            granted_at=utcnow(),
        )
        session.add(share)
        session.flush()
        audit.record(
            session,
            scope,
            "volunteer_handover",
            "contact",
            contact.id,
            kv_id=lead.kv_id,
            assignment_id=a.id,
            share_id=share.id,
        )
    return True


def accept(session: Session, scope: Scope, ids) -> HandoverResult:
    """Accept proposals (→ contacted): hand over where consent allows, notify both sides; audited."""
    require_action(scope, "volunteers.match")
    rows, now = _load(session, scope, ids), utcnow()
    shared = ask = 0
    for a in rows:
        workflow.apply_transition(a, "contacted", now)
        contact = session.get(Contact, session.get(VolunteerOffer, a.offer_id).contact_id)
        lead = session.get(CampaignLead, a.lead_id)
        ok = _share(session, scope, a, contact, lead)
        shared, ask = shared + ok, ask + (not ok)
        mails = notify.accepted_mails(session, a, contact, lead, ok)
        audit.record(session, scope, "assignment_accept", "assignment", a.id, shared=ok, mails=mails)
    if len(rows) > 1:
        audit.record(session, scope, "assignment_batch", "assignment", "", action_name="accept", count=len(rows))
    session.commit()
    return HandoverResult(len(rows), shared, ask)


def hand_over(session: Session, scope: Scope, assignment_id: int) -> bool:
    """Retry the handover of an accepted assignment (after the volunteer agreed); True when shared."""
    require_action(scope, "volunteers.match")
    a = _load(session, scope, [assignment_id])[0]
    if a.status not in ("contacted", "confirmed"):
        raise ConflictError("Nur angenommene Vermittlungen können übergeben werden.")
    contact = session.get(Contact, session.get(VolunteerOffer, a.offer_id).contact_id)
    ok = _share(session, scope, a, contact, session.get(CampaignLead, a.lead_id))
    session.commit()
    return ok


def set_status(session: Session, scope: Scope, ids, new_status: str) -> int:
    """Move assignments to declined, confirmed or cancelled (one or many); audited; mails on confirm/cancel."""
    require_action(scope, "volunteers.match")
    if new_status not in ("declined", "confirmed", "cancelled"):
        raise ValidationError("Diese Statusänderung gibt es hier nicht.")
    rows, now = _load(session, scope, ids), utcnow()
    for a in rows:  # all are checked before the commit: one refused step changes nothing
        old = a.status
        workflow.apply_transition(a, new_status, now)
        mails = notify.status_mails(session, a, old, new_status)
        audit.record(session, scope, f"assignment_{new_status}", "assignment", a.id, mails=mails)
    if len(rows) > 1:
        audit.record(session, scope, "assignment_batch", "assignment", "", action_name=new_status, count=len(rows))
    session.commit()
    return len(rows)


def manual_assign(
    session: Session, scope: Scope, offer_id: int, lead_id: int, skill: str, today: date | None = None
) -> Assignment:
    """Propose one pair by hand; the same constraints as the matching hold (German errors otherwise)."""
    require_action(scope, "volunteers.match")
    today = today or date.today()
    offers = {o.id: o for o in inputs.open_offers(session, scope, today)}
    leads = {ld.id: ld for ld in inputs.open_leads(session, scope, today)}
    if offer_id not in offers:
        raise NotFoundError(
            "Dieses Angebot ist nicht offen (zurückgezogen, abgelaufen, schon vermittelt "
            "oder ohne Einwilligung) oder liegt außerhalb deines Bereichs."
        )
    if lead_id not in leads:
        raise NotFoundError("Diese Wahlkampfleitung ist nicht offen oder liegt außerhalb deines Bereichs.")
    o, ld = offers[offer_id], leads[lead_id]
    km = _check_pair(session, o, ld, skill)
    points = fit_points(km, o.radius_km, min(len(o.topics & ld.topics), TOPIC_MAX), o.availability)
    a = Assignment(
        offer_id=o.id,
        lead_id=ld.id,
        skill=skill,
        score=fit_percent(points),
        distance_km=round(km, 1),
        reason="manuell: " + explain(o, ld, skill, km),
        manual=True,
        status="proposed",
        proposed_at=utcnow(),
    )
    session.add(a)
    try:
        session.flush()
    except IntegrityError as exc:  # a parallel action gave the offer an active assignment
        session.rollback()
        raise ConflictError("Dieses Angebot hat inzwischen schon eine aktive Vermittlung.") from exc
    audit.record(session, scope, "assignment_manual", "assignment", a.id, offer_id=o.id, lead_id=ld.id, skill=skill)
    session.commit()
    return a


def _check_pair(session: Session, o: SOffer, ld: SLead, skill: str) -> float:
    """German error unless the pair meets the matching's constraints; returns its distance in km."""
    if skill not in o.skills:
        raise ValidationError("Die Person bietet diese Fähigkeit nicht an.")
    if ld.open_needs.get(skill, 0) <= 0:
        raise ValidationError("Die Wahlkampfleitung braucht für diese Fähigkeit niemanden mehr.")
    if o.start > ld.end or ld.start > o.end:
        raise ValidationError("Die Zeiträume von Angebot und Bedarf überschneiden sich nicht.")
    km = float(haversine_km(o.lat, o.lon, ld.lat, ld.lon))
    if km > o.radius_km:
        raise ValidationError("Die Wahlkampfleitung liegt außerhalb des Umkreises, den die Person angegeben hat.")
    if (o.id, ld.id) in q.declined_pairs(session):
        raise ConflictError("Diese Vermittlung wurde schon einmal abgelehnt.")
    return km
