"""Queries behind the volunteer offers: the volunteer picker, one offer or contact in scope, the offer list.

Every lookup of a person goes through db.scope.apply_scope (DESIGN §3.1).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Assignment, Contact, OfferSkill, VolunteerOffer
from db.queries.contacts.consent import active_consent_filter
from db.scope import Scope, apply_scope
from domain.enums import ACTIVE_ASSIGNMENT_STATUSES as ACTIVE


def volunteer_rows(session: Session, scope: Scope, name: str, limit: int) -> list:
    """Id, first name, last name, PLZ of contacts in scope with volunteering consent, by name (optional filter)."""
    stmt = apply_scope(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.plz).where(
            active_consent_filter("volunteering", None)
        ),
        scope,
    )
    if name.strip():
        pat = f"%{name.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Contact.last_name).like(pat), func.lower(Contact.first_name).like(pat)))
    stmt = stmt.order_by(Contact.last_name, Contact.first_name, Contact.id).limit(limit)
    return session.execute(stmt).all()


def contact_in_scope(session: Session, scope: Scope, contact_id: int) -> Contact | None:
    """The contact (ORM row) when it exists and lies in the scope, else None."""
    return session.scalar(apply_scope(select(Contact).where(Contact.id == contact_id), scope))


def open_offers_of_contact(
    session: Session, contact_id: int, period_start: date, period_end: date
) -> list[VolunteerOffer]:
    """The contact's offers (ORM rows) not withdrawn with exactly this period."""
    return list(
        session.scalars(
            select(VolunteerOffer).where(
                VolunteerOffer.contact_id == contact_id,
                VolunteerOffer.withdrawn_at.is_(None),
                VolunteerOffer.period_start == period_start,
                VolunteerOffer.period_end == period_end,
            )
        )
    )


def offer_in_scope(session: Session, scope: Scope, offer_id: int) -> VolunteerOffer | None:
    """The offer (ORM row) when its volunteer lies in the scope, else None."""
    return session.scalar(
        apply_scope(
            select(VolunteerOffer)
            .join(Contact, Contact.id == VolunteerOffer.contact_id)
            .where(VolunteerOffer.id == offer_id),
            scope,
        )
    )


def active_assignments_of_offer(session: Session, offer_id: int) -> list[Assignment]:
    """The offer's active assignments (ORM rows: proposed, contacted, confirmed)."""
    return list(
        session.scalars(select(Assignment).where(Assignment.offer_id == offer_id, Assignment.status.in_(ACTIVE)))
    )


def _offers_select(scope: Scope, include_withdrawn: bool, *cols):
    stmt = apply_scope(
        select(*cols).select_from(VolunteerOffer).join(Contact, Contact.id == VolunteerOffer.contact_id), scope
    )
    return stmt if include_withdrawn else stmt.where(VolunteerOffer.withdrawn_at.is_(None))


def offer_count(session: Session, scope: Scope, include_withdrawn: bool) -> int:
    """Number of offers whose volunteer lies in the scope (withdrawn ones only when asked)."""
    return int(session.scalar(_offers_select(scope, include_withdrawn, func.count(VolunteerOffer.id))))


def offers_page(session: Session, scope: Scope, include_withdrawn: bool, limit: int, offset: int) -> pd.DataFrame:
    """One page of offers in scope with the volunteer's name and PLZ, newest first."""
    stmt = _offers_select(
        scope,
        include_withdrawn,
        VolunteerOffer.id,
        VolunteerOffer.contact_id,
        Contact.first_name,
        Contact.last_name,
        Contact.plz,
        VolunteerOffer.availability,
        VolunteerOffer.travel_radius_km,
        VolunteerOffer.period_start,
        VolunteerOffer.period_end,
        VolunteerOffer.hours_per_week,
        VolunteerOffer.note,
        VolunteerOffer.created_at,
        VolunteerOffer.withdrawn_at,
    )
    # created_at, id: a total order, so pages neither repeat nor skip an offer.
    return pd.read_sql(
        stmt.order_by(VolunteerOffer.created_at.desc(), VolunteerOffer.id.desc()).limit(limit).offset(offset),
        session.connection(),
    )


def offer_skill_pairs(session: Session, offer_ids: list[int]) -> list[tuple[int, str]]:
    """(offer id, skill code) for every skill of the given offers."""
    return [
        (oid, sk)
        for oid, sk in session.execute(
            select(OfferSkill.offer_id, OfferSkill.skill).where(OfferSkill.offer_id.in_(offer_ids))
        )
    ]


def busy_offer_ids(session: Session, offer_ids: list[int]) -> set[int]:
    """Those of the given offers that have an active assignment."""
    return set(
        session.scalars(
            select(Assignment.offer_id).where(Assignment.offer_id.in_(offer_ids), Assignment.status.in_(ACTIVE))
        )
    )
