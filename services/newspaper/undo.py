"""Undo of a bulk status change of newspaper orders, for UNDO_MINUTES after it (audited both ways)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import NewspaperBulkChange
from db.queries import newspaper as q
from db.queries import newspaper_undo as uq
from db.types import utcnow
from domain.enums import ORDER_STATUSES
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit
from services.core.scope import Scope, require_action
from services.newspaper.workflow import TIMESTAMP_COLUMN

UNDO_MINUTES = 10


@dataclass(frozen=True)
class UndoOffer:
    """A bulk change the user may still undo: how many orders went from which status to which, until when."""

    change_id: int
    count: int
    from_status: str
    to_status: str
    until: datetime


def last_undoable(session: Session, scope: Scope, edition_id: int, now: datetime | None = None) -> UndoOffer | None:
    """The user's newest bulk change of the edition that is not undone and younger than UNDO_MINUTES."""
    require_action(scope, "newspaper.dispatch")
    now = now or utcnow()
    who = (
        NewspaperBulkChange.user_id.is_(None) if scope.user_id is None else NewspaperBulkChange.user_id == scope.user_id
    )
    change = session.scalar(
        select(NewspaperBulkChange)
        .where(
            NewspaperBulkChange.edition_id == edition_id,
            who,
            NewspaperBulkChange.undone_at.is_(None),
            NewspaperBulkChange.created_at > now - timedelta(minutes=UNDO_MINUTES),
        )
        .order_by(NewspaperBulkChange.created_at.desc(), NewspaperBulkChange.id.desc())
        .limit(1)
    )
    if change is None:
        return None
    until = change.created_at + timedelta(minutes=UNDO_MINUTES)
    return UndoOffer(change.id, change.count, change.from_status, change.to_status, until)


def undo_change(session: Session, scope: Scope, change_id: int, now: datetime | None = None) -> int:
    """Move the change's orders that are still in its new status back (all or none); returns how many.

    Orders that left the new status since are not touched. Undoing a cancellation or a return
    sets the copies aside again: when the stock no longer covers them, nothing is changed.
    """
    require_action(scope, "newspaper.dispatch")
    now = now or utcnow()
    change = session.get(NewspaperBulkChange, change_id)
    if change is None:
        raise NotFoundError("Diese Änderung gibt es nicht.")
    edition = q.lock_edition(session, change.edition_id)  # serialises against orders, batches and other steps
    session.refresh(change)
    new = ORDER_STATUSES[change.to_status]
    if change.undone_at is not None:
        raise ConflictError("Diese Änderung ist schon rückgängig gemacht.")
    if now - change.created_at > timedelta(minutes=UNDO_MINUTES):
        raise ValidationError(
            f"Rückgängig machen geht nur {UNDO_MINUTES} Minuten lang; diese Änderung ist älter. "
            "Es wurde nichts geändert."
        )
    rows = uq.orders_still_in(session, list(change.order_ids), change.to_status)
    if not rows:
        raise ValidationError(f"Keine dieser Bestellungen steht noch auf „{new}“ – es gibt nichts zurückzunehmen.")
    ids = [oid for oid, _, _ in rows]
    if change.to_status in q.RELEASED and change.from_status not in q.RELEASED:
        _check_reserve(session, edition, change, rows)
    values = {"status": change.from_status, TIMESTAMP_COLUMN[change.to_status]: None}
    if change.tracking_set:
        values["tracking_number"] = ""
    done = uq.move_orders(session, ids, change.to_status, values)
    if done != len(ids):
        session.rollback()
        raise ConflictError("Jemand hat diese Bestellungen gerade geändert. Es wurde nichts geändert.")
    change.undone_at = now
    change.undone_by = scope.user_id
    audit.record(
        session,
        scope,
        "newspaper_bulk_undo",
        "newspaper_edition",
        change.edition_id,
        bulk_change_id=change.id,
        count=done,
        skipped=change.count - done,
        from_status=change.to_status,
        to_status=change.from_status,
    )
    session.commit()
    return done


def _check_reserve(session: Session, edition, change: NewspaperBulkChange, rows) -> None:
    # The orders come back into the flow: their copies must fit the stock again, and nobody
    # may have got a new order of the edition meanwhile (one open order per person).
    need = sum(copies for _, copies, _ in rows)
    available = edition.copies_in_stock - q.reserved_copies(session, edition.id)
    if need > available:
        raise ConflictError(
            f"Nicht genug Bestand, um das zurückzunehmen: {available} Exemplare frei, {need} nötig. "
            "Es wurde nichts geändert."
        )
    contacts = [cid for _, _, cid in rows if cid is not None]
    if change.to_status == "cancelled" and (
        clash := uq.contacts_with_other_open_order(session, change.edition_id, contacts)
    ):
        raise ConflictError(
            f"{clash} dieser Personen haben inzwischen eine neue Bestellung dieser Ausgabe. Es wurde nichts geändert."
        )
