"""The dispatch-order state machine: requested → approved → packed → shipped → delivered."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import DispatchOrder
from db.queries import newspaper as q
from db.types import utcnow
from domain.enums import ORDER_STATUSES
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit, validate
from services.core.scope import Scope, require_action

# Allowed next states; cancelled, returned and delivered are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"packed", "cancelled"}),
    "packed": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered", "returned"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
    "returned": frozenset(),
}
TIMESTAMP_COLUMN = {
    "approved": "approved_at",
    "packed": "packed_at",
    "shipped": "shipped_at",
    "delivered": "delivered_at",
    "cancelled": "cancelled_at",
    "returned": "returned_at",
}
MAX_TRACKING_LEN = validate.field("order.tracking_number").limit


def allowed(old: str, new: str) -> bool:
    """Whether an order may go from old to new."""
    return new in TRANSITIONS.get(old, frozenset())


def check_transition(old: str, new: str) -> None:
    """Refuse a forbidden transition with a German ValidationError."""
    if new not in ORDER_STATUSES:
        raise ValidationError(f"Unbekannter Status „{new}“.")
    if not allowed(old, new):
        raise ValidationError(
            f"Eine Bestellung im Status „{ORDER_STATUSES.get(old, old)}“ kann nicht auf "
            f"„{ORDER_STATUSES[new]}“ gesetzt werden."
        )


def transition_orders(session: Session, scope: Scope, order_ids, new_status: str, tracking_number: str = "") -> int:
    """Move all given orders to new_status (all or none), audited; returns how many changed."""
    require_action(scope, "newspaper.dispatch")
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        raise ValidationError("Bitte wähle mindestens eine Bestellung aus.")
    tracking = _checked_tracking(new_status, tracking_number)
    rows = session.execute(
        select(DispatchOrder.status, func.count()).where(DispatchOrder.id.in_(ids)).group_by(DispatchOrder.status)
    ).all()
    found = sum(n for _, n in rows)
    if found != len(ids):
        raise NotFoundError(f"{len(ids) - found} der gewählten Bestellungen gibt es nicht (mehr).")
    for old, _ in rows:
        check_transition(old, new_status)
    olds = [old for old, _ in rows]
    values = _new_values(new_status, tracking)
    # The status condition makes the update atomic against a colleague acting at the same moment.
    result = session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.id.in_(ids), DispatchOrder.status.in_(olds))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        session.rollback()
        raise ConflictError(
            "Jemand hat diese Bestellungen gerade geändert. Bitte lade die Liste neu; es wurde nichts geändert."
        )
    audit.record(
        session,
        scope,
        f"newspaper_order_{new_status}",
        "dispatch_order",
        ids[0] if len(ids) == 1 else "",
        count=len(ids),
        order_ids=ids[:500],
        tracking=bool(tracking),
    )
    session.commit()
    return len(ids)


def transition_all(
    session: Session,
    scope: Scope,
    edition_id: int,
    old_status: str,
    new_status: str,
    expected: int,
    tracking_number: str = "",
) -> int:
    """Move every order of the edition in old_status to new_status (all or none), audited.

    expected is the count the page showed on its button: when a colleague has changed the
    orders since, nothing is changed, so the figure the user confirmed is the one carried out.
    """
    require_action(scope, "newspaper.dispatch")
    check_transition(old_status, new_status)
    tracking = _checked_tracking(new_status, tracking_number)
    if expected <= 0:
        raise ValidationError("In diesem Status gibt es keine Bestellungen.")
    done = q.move_all_in_status(session, edition_id, old_status, _new_values(new_status, tracking))
    if done != expected:
        session.rollback()
        raise ConflictError(
            f"Im Status „{ORDER_STATUSES[old_status]}“ sind jetzt {done} statt {expected} Bestellungen – "
            "jemand hat gerade etwas geändert. Bitte prüfe die Liste und versuche es noch einmal; "
            "es wurde nichts geändert."
        )
    audit.record(
        session,
        scope,
        f"newspaper_order_{new_status}",
        "newspaper_edition",
        edition_id,
        count=done,
        from_status=old_status,
        tracking=bool(tracking),
    )
    session.commit()
    return done


def _checked_tracking(new_status: str, tracking_number: str) -> str:
    # A tracking number belongs to the shipping step only, and fits the column.
    tracking = validate.text(tracking_number, "order.tracking_number")
    if tracking and new_status != "shipped":
        raise ValidationError("Eine Sendungsnummer gibt es nur beim Versand.")
    return tracking


def _new_values(new_status: str, tracking: str) -> dict:
    values = {"status": new_status, TIMESTAMP_COLUMN[new_status]: utcnow()}
    if tracking:
        values["tracking_number"] = tracking
    return values
