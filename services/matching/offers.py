"""Volunteer offers: record one for a contact with consent, withdraw it, list them (history kept)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.models import Activity, OfferSkill, VolunteerOffer
from db.queries.matching import offers as q
from db.types import utcnow
from domain.enums import AVAILABILITY, SKILLS
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit, validate
from services.core.scope import Scope, require_persons
from services.matching import notify, workflow

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
    return {
        r.id: f"{r.last_name}, {r.first_name} ({r.plz})"
        for r in q.volunteer_rows(session, scope, validate.search(name), limit)
    }


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
    validate.text(data.note, "offer.note")


def _refuse_duplicate_offer(session: Session, contact_id: int, data: OfferInput) -> None:
    # A form sent twice (or from two tabs) must not record the same offer twice (DESIGN §3.4).
    open_offers = q.open_offers_of_contact(session, contact_id, data.period_start, data.period_end)
    wanted = set(data.skills)
    for offer in open_offers:
        if {s.skill for s in offer.skills} == wanted:
            raise ConflictError(
                "Dieses Hilfsangebot ist schon erfasst (gleiche Fähigkeiten und gleicher Zeitraum). "
                "Es wurde nichts doppelt angelegt."
            )


def create_offer(session: Session, scope: Scope, contact_id: int, data: OfferInput) -> int:
    """Record an offer for a contact in scope that has an active volunteering consent; audited."""
    require_persons(scope)
    _validate(data)
    contact = q.contact_in_scope(session, scope, contact_id)
    if contact is None:
        raise NotFoundError("Diese Person gibt es nicht oder sie liegt außerhalb deines Bereichs.")
    if not notify.has_consent(session, contact_id, "volunteering"):
        raise ValidationError(NO_CONSENT)
    _refuse_duplicate_offer(session, contact_id, data)
    offer = VolunteerOffer(
        contact_id=contact_id,
        availability=",".join(a for a in AVAILABILITY if a in data.availability),
        travel_radius_km=float(data.travel_radius_km),
        period_start=data.period_start,
        period_end=data.period_end,
        hours_per_week=float(data.hours_per_week),
        note=validate.text(data.note, "offer.note"),
        created_at=utcnow(),
        skills=[OfferSkill(skill=s) for s in sorted(set(data.skills))],
    )
    session.add(offer)
    session.flush()
    session.add(
        Activity(
            contact_id=contact_id,
            kind="volunteer_offer",
            note="Hilfe angeboten",
            ref_type="volunteer_offer",
            ref_id=offer.id,
            user_id=scope.user_id,
        )
    )
    audit.record(session, scope, "offer_create", "volunteer_offer", offer.id, contact_id=contact_id)
    session.commit()
    return offer.id


def withdraw_offer(session: Session, scope: Scope, offer_id: int) -> int:
    """Withdraw an offer (it stays in the history); its active assignment is cancelled. Returns cancelled count."""
    require_persons(scope)
    offer = q.offer_in_scope(session, scope, offer_id)
    if offer is None:
        raise NotFoundError("Dieses Angebot gibt es nicht oder es liegt außerhalb deines Bereichs.")
    if offer.withdrawn_at is not None:
        raise ConflictError("Dieses Angebot ist schon zurückgezogen.")
    now = utcnow()
    offer.withdrawn_at = now
    active = q.active_assignments_of_offer(session, offer_id)
    for a in active:
        old = a.status
        workflow.apply_transition(a, "cancelled", now)
        # The lead learns that the helper is gone; the volunteer withdrew and needs no mail.
        notify.status_mails(session, a, old, "cancelled", to_volunteer=False)
    audit.record(session, scope, "offer_withdraw", "volunteer_offer", offer_id, cancelled=len(active))
    session.commit()
    return len(active)


def count_offers(session: Session, scope: Scope, include_withdrawn: bool = False) -> int:
    """How many offers in scope the list pages through."""
    return q.offer_count(session, scope, include_withdrawn)


def offers_frame(
    session: Session, scope: Scope, include_withdrawn: bool = False, limit: int = 50, offset: int = 0
) -> pd.DataFrame:
    """One page of offers in scope, newest first, with skills and state (offen / vermittelt / abgelaufen / zurückgezogen)."""
    if limit < 1 or offset < 0:
        raise ValidationError("Ungültige Seite.")
    df = q.offers_page(session, scope, include_withdrawn, limit, offset)
    ids = [int(i) for i in df["id"]]
    skills: dict[int, list[str]] = {}
    busy: set[int] = set()
    if ids:
        for oid, sk in q.offer_skill_pairs(session, ids):
            skills.setdefault(oid, []).append(SKILLS.get(sk, sk))
        busy = q.busy_offer_ids(session, ids)
    today = date.today()
    df["skills"] = [", ".join(sorted(skills.get(int(i), []))) for i in df["id"]]
    df["state"] = [
        "zurückgezogen" if pd.notna(w) else "vermittelt" if int(i) in busy else "abgelaufen" if e < today else "offen"
        for i, w, e in zip(df["id"], df["withdrawn_at"], df["period_end"])
    ]
    return df
