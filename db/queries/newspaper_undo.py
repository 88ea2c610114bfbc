"""Queries for bulk status changes of newspaper orders and their undo (ids in chunks)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import DispatchOrder
from db.queries.common.chunks import in_chunks


def order_ids_in_status(session: Session, edition_id: int, status: str) -> list[int]:
    """Ids of the edition's orders in status (for the record of a bulk change)."""
    stmt = select(DispatchOrder.id).where(DispatchOrder.edition_id == edition_id, DispatchOrder.status == status)
    return sorted(session.scalars(stmt))


def orders_still_in(session: Session, ids: list[int], status: str) -> list[tuple[int, int, int | None]]:
    """(id, copies, contact_id) of those of the orders that are in status now."""
    rows = []
    for chunk in in_chunks(ids):
        stmt = select(DispatchOrder.id, DispatchOrder.copies, DispatchOrder.contact_id).where(
            DispatchOrder.id.in_(chunk), DispatchOrder.status == status
        )
        rows += [tuple(r) for r in session.execute(stmt)]
    return rows


def contacts_with_other_open_order(session: Session, edition_id: int, contact_ids: list[int]) -> int:
    """How many of the contacts have an open (not cancelled) order of the edition now."""
    found: set[int] = set()
    for chunk in in_chunks(sorted(contact_ids)):
        stmt = select(DispatchOrder.contact_id).where(
            DispatchOrder.edition_id == edition_id,
            DispatchOrder.contact_id.in_(chunk),
            DispatchOrder.status != "cancelled",
        )
        found |= set(session.scalars(stmt))
    # The orders being restored are cancelled now, so every hit is another order.
    return len(found)


def move_orders(session: Session, ids: list[int], status: str, values: dict) -> int:
    """Set values on those of the orders that are in status (in chunks); returns how many."""
    done = 0
    for chunk in in_chunks(ids):
        result = session.execute(
            update(DispatchOrder)
            .where(DispatchOrder.id.in_(chunk), DispatchOrder.status == status)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        done += int(result.rowcount)
    return done
