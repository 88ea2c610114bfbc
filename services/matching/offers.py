"""Volunteer offers: record one for a contact with consent, withdraw it, list them (history kept)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.enums import AVAILABILITY, SKILLS
from db.models import Activity, Assignment, Contact, OfferSkill, VolunteerOffer
from db.queries.consent import active_consent_filter
from db.types import utcnow
from services import audit
from services.errors import ConflictError, NotFoundError, ValidationError
from services.matching import notify, workflow
from services.scope import Scope, apply_scope, require_persons

NO_CONSENT = "Diese Person hat keine aktive Einwilligung zur Mithilfe; ein Angebot kann nicht erfasst werden."


@dataclass
class OfferInput:
    """What the offer form sends."""

    skills: list[str]
    period_start: date
    period_end: date
    availability: list[str] = field(default_factory=list)
    travel_radius_km: float = 10.0
    hours_per_week: float = 2.0
    note: str = ""


def volunteers(session: Session, scope: Scope, name: str = "", limit: int = 50) -> dict[int, str]:
    """Contacts in scope with an active volunteering consent, optionally filtered by name."""
    stmt = apply_scope(select(Contact.id, Contact.first_name, Contact.last_name, Contact.plz)
                       .where(active_consent_filter("volunteering", None)), scope)
    if name.strip():
        pat = f"%{name.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Contact.last_name).like(pat), func.lower(Contact.first_name).like(pat)))
    stmt = stmt.order_by(Contact.last_name, Contact.first_name, Contact.id).limit(limit)
    return {r.id: f"{r.last_name}, {r.first_name} ({r.plz})" for r in session.execute(stmt)}


def _validate(data: OfferInput) -> None:
    if not data.skills:
        raise ValidationError("Bitte wähle mindestens eine Fähigkeit.")
    if bad := [s for s in data.skills if s not in SKILLS] + [a for a in data.availability if a not in AVAILABILITY]:
        raise ValidationError(f"Unbekannte Angabe: {', '.join(bad)}.")
    if data.period_end < data.period_start:
        raise ValidationError("Das Ende des Zeitraums liegt vor seinem Anfang.")
    if not 0 <= data.travel_radius_km <= 300:
        raise ValidationError("Der Umkreis muss zwischen 0 und 300 km liegen.")
    if not 0 < data.hours_per_week <= 60:
        raise ValidationError("Die Stunden pro Woche müssen zwischen 0 und 60 liegen.")


def _refuse_duplicate_offer(session: Session, contact_id: int, data: OfferInput) -> None:
    # A form sent twice (or from two tabs) must not record the same offer twice (DESIGN §3.4).
    open_offers = session.scalars(select(VolunteerOffer).where(
        VolunteerOffer.contact_id == contact_id, VolunteerOffer.withdrawn_at.is_(None),
        VolunteerOffer.period_start == data.period_start, VolunteerOffer.period_end == data.period_end))
    wanted = set(data.skills)
    for offer in open_offers:
        if {s.skill for s in offer.skills} == wanted:
            raise ConflictError("Dieses Hilfsangebot ist schon erfasst (gleiche Fähigkeiten und gleicher Zeitraum). "
                                "Es wurde nichts doppelt angelegt.")


def create_offer(session: Session, scope: Scope, contact_id: int, data: OfferInput) -> int:
    """Record an offer for a contact in scope that has an active volunteering consent; audited."""
    require_persons(scope)
    _validate(data)
    contact = session.scalar(apply_scope(select(Contact).where(Contact.id == contact_id), scope))
    if contact is None:
        raise NotFoundError("Diese Person gibt es nicht oder sie liegt außerhalb deines Bereichs.")
    if not notify.has_consent(session, contact_id, "volunteering"):
        raise ValidationError(NO_CONSENT)
    _refuse_duplicate_offer(session, contact_id, data)
    offer = VolunteerOffer(contact_id=contact_id, availability=",".join(a for a in AVAILABILITY if a in data.availability),
                           travel_radius_km=float(data.travel_radius_km), period_start=data.period_start,
                           period_end=data.period_end, hours_per_week=float(data.hours_per_week),
                           note=data.note.strip(), created_at=utcnow(),
                           skills=[OfferSkill(skill=s) for s in sorted(set(data.skills))])
    session.add(offer)
    session.flush()
    session.add(Activity(contact_id=contact_id, kind="volunteer_offer", note="Hilfe angeboten",
                         ref_type="volunteer_offer", ref_id=offer.id, user_id=scope.user_id))
    audit.record(session, scope, "offer_create", "volunteer_offer", offer.id, contact_id=contact_id)
    session.commit()
    return offer.id


def withdraw_offer(session: Session, scope: Scope, offer_id: int) -> int:
    """Withdraw an offer (it stays in the history); its active assignment is cancelled. Returns cancelled count."""
    require_persons(scope)
    offer = session.scalar(apply_scope(select(VolunteerOffer).join(Contact, Contact.id == VolunteerOffer.contact_id)
                                       .where(VolunteerOffer.id == offer_id), scope))
    if offer is None:
        raise NotFoundError("Dieses Angebot gibt es nicht oder es liegt außerhalb deines Bereichs.")
    if offer.withdrawn_at is not None:
        raise ConflictError("Dieses Angebot ist schon zurückgezogen.")
    now = utcnow()
    offer.withdrawn_at = now
    active = list(session.scalars(select(Assignment).where(Assignment.offer_id == offer_id,
                                                           Assignment.status.in_(workflow.ACTIVE))))
    for a in active:
        old = a.status
        workflow.apply_transition(a, "cancelled", now)
        # The lead learns that the helper is gone; the volunteer withdrew and needs no mail.
        notify.status_mails(session, a, old, "cancelled", to_volunteer=False)
    audit.record(session, scope, "offer_withdraw", "volunteer_offer", offer_id, cancelled=len(active))
    session.commit()
    return len(active)


def _offers_select(scope: Scope, include_withdrawn: bool, *cols):
    stmt = apply_scope(select(*cols).select_from(VolunteerOffer).join(Contact, Contact.id == VolunteerOffer.contact_id),
                       scope)
    return stmt if include_withdrawn else stmt.where(VolunteerOffer.withdrawn_at.is_(None))


def count_offers(session: Session, scope: Scope, include_withdrawn: bool = False) -> int:
    """How many offers in scope the list pages through."""
    return int(session.scalar(_offers_select(scope, include_withdrawn, func.count(VolunteerOffer.id))))


def offers_frame(session: Session, scope: Scope, include_withdrawn: bool = False, limit: int = 50,
                 offset: int = 0) -> pd.DataFrame:
    """One page of offers in scope, newest first, with skills and state (offen / vermittelt / abgelaufen / zurückgezogen)."""
    if limit < 1 or offset < 0:
        raise ValidationError("Ungültige Seite.")
    stmt = _offers_select(scope, include_withdrawn, VolunteerOffer.id, VolunteerOffer.contact_id, Contact.first_name,
                          Contact.last_name, Contact.plz, VolunteerOffer.availability, VolunteerOffer.travel_radius_km,
                          VolunteerOffer.period_start, VolunteerOffer.period_end, VolunteerOffer.hours_per_week,
                          VolunteerOffer.note, VolunteerOffer.created_at, VolunteerOffer.withdrawn_at)
    # created_at, id: a total order, so pages neither repeat nor skip an offer.
    df = pd.read_sql(stmt.order_by(VolunteerOffer.created_at.desc(), VolunteerOffer.id.desc())
                     .limit(limit).offset(offset), session.connection())
    ids = [int(i) for i in df["id"]]
    skills: dict[int, list[str]] = {}
    busy: set[int] = set()
    if ids:
        for oid, sk in session.execute(select(OfferSkill.offer_id, OfferSkill.skill).where(OfferSkill.offer_id.in_(ids))):
            skills.setdefault(oid, []).append(SKILLS.get(sk, sk))
        busy = set(session.scalars(select(Assignment.offer_id).where(
            Assignment.offer_id.in_(ids), Assignment.status.in_(workflow.ACTIVE))))
    today = date.today()
    df["skills"] = [", ".join(sorted(skills.get(int(i), []))) for i in df["id"]]
    df["state"] = ["zurückgezogen" if pd.notna(w) else "vermittelt" if int(i) in busy
                   else "abgelaufen" if e < today else "offen"
                   for i, w, e in zip(df["id"], df["withdrawn_at"], df["period_end"])]
    return df
