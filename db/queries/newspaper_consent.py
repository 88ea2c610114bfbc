"""Newspaper orders whose person no longer consents: found and stopped at each step of the dispatch (DESIGN §3.7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.models import Contact, DispatchOrder
from db.queries.common.chunks import in_chunks
from db.queries.contacts.consent import active_consent_filter


def lacking_consent(session: Session, edition_id: int, status: str, ids: list[int] | None = None) -> list[int]:
    """Ids of the edition's orders in status (of ids, if given) whose person has no active consent
    newspaper by post in the ledger, or is gone (erased)."""
    stmt = (
        select(DispatchOrder.id)
        .outerjoin(Contact, Contact.id == DispatchOrder.contact_id)
        .where(
            DispatchOrder.edition_id == edition_id,
            DispatchOrder.status == status,
            or_(Contact.id.is_(None), ~active_consent_filter("newspaper", "post")),
        )
    )
    if ids is None:
        return sorted(session.scalars(stmt))
    found: list[int] = []
    for chunk in in_chunks(ids):
        found += session.scalars(stmt.where(DispatchOrder.id.in_(chunk)))
    return sorted(found)


def cancel(session: Session, ids: list[int], status: str, now: datetime) -> int:
    """Cancel those of the orders that are still in status; returns how many."""
    done = 0
    for chunk in in_chunks(ids):
        done += session.execute(
            update(DispatchOrder)
            .where(DispatchOrder.id.in_(chunk), DispatchOrder.status == status)
            .values(status="cancelled", cancelled_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    return done
