"""The dispatch-order state machine: requested → approved → packed → shipped → delivered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import DispatchOrder, NewspaperBulkChange
from db.queries import newspaper as q
from db.queries import newspaper_consent as cq
from db.queries import newspaper_undo as uq
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
# The usual next step of an order: what the Versand page offers first.
FORWARD = {"requested": "approved", "approved": "packed", "packed": "shipped", "shipped": "delivered"}
# Steps that take orders out of the flow: in bulk they ask for a confirmation naming the count.
STOPPING = frozenset({"cancelled", "returned"})
# Steps towards the letterbox: each checks the consent again (DESIGN §3.7). A withdrawal cancels open
# orders when it happens; this catches what reached the ledger another way (a lapse, an erasure, a merge).
SENDING = frozenset({"approved", "packed", "shipped"})


@dataclass(frozen=True)
class StepDone:
    """What a step did: orders moved to the new status, and orders stopped because the consent is gone."""

    moved: int
    stopped: int = 0


def targets(old: str) -> list[str]:
    """The statuses an order in old may go to, the forward step first (the page's default)."""
    step = FORWARD.get(old)
    rest = sorted(TRANSITIONS.get(old, frozenset()) - {step})
    return ([step] if step else []) + rest


def next_source(old: str, new: str) -> str:
    """The status the Versand page shows after a step: the orders' new one, if they can move on from it."""
    return new if new not in STOPPING and TRANSITIONS.get(new) else old


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


def transition_orders(
    session: Session, scope: Scope, order_ids, new_status: str, tracking_number: str = ""
) -> StepDone:
    """Move all given orders to new_status (all or none), audited; orders without consent are cancelled instead."""
    require_action(scope, "newspaper.dispatch")
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        raise ValidationError("Bitte wähle mindestens eine Bestellung aus.")
    tracking = _checked_tracking(new_status, tracking_number)
    rows = session.execute(
        select(DispatchOrder.id, DispatchOrder.status, DispatchOrder.edition_id).where(DispatchOrder.id.in_(ids))
    ).all()
    if len(rows) != len(ids):
        raise NotFoundError(f"{len(ids) - len(rows)} der gewählten Bestellungen gibt es nicht (mehr).")
    groups: dict[tuple[int, str], list[int]] = {}
    for oid, old, edition_id in rows:
        groups.setdefault((edition_id, old), []).append(oid)
    for _, old in groups:
        check_transition(old, new_status)
    stopped: list[int] = []
    if new_status in SENDING:
        for (edition_id, old), group in sorted(groups.items()):
            lacking = cq.lacking_consent(session, edition_id, old, group)
            if cq.cancel(session, lacking, old, utcnow()) != len(lacking):
                _changed_meanwhile(session)
            stopped += lacking
            gone = set(lacking)
            groups[(edition_id, old)] = [i for i in group if i not in gone]
    moving = sorted(set(ids) - set(stopped))
    olds = sorted({old for _, old in groups})
    values = _new_values(new_status, tracking)
    # The status condition makes the update atomic against a colleague acting at the same moment.
    result = session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.id.in_(moving), DispatchOrder.status.in_(olds))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(moving):
        _changed_meanwhile(session)
    changes = [
        _record_change(session, scope, edition_id, old, new_status, group, bool(tracking))
        for (edition_id, old), group in sorted(groups.items())
        if group
    ]
    _record_stopped(session, scope, stopped, new_status)
    audit.record(
        session,
        scope,
        f"newspaper_order_{new_status}",
        "dispatch_order",
        moving[0] if len(moving) == 1 else "",
        count=len(moving),
        order_ids=moving[:500],
        tracking=bool(tracking),
        bulk_change_ids=changes,
    )
    session.commit()
    return StepDone(len(moving), len(stopped))


def transition_all(
    session: Session,
    scope: Scope,
    edition_id: int,
    old_status: str,
    new_status: str,
    expected: int,
    tracking_number: str = "",
) -> StepDone:
    """Move every order of the edition in old_status to new_status (all or none), audited.

    expected is the count the page showed on its button: when a colleague has changed the
    orders since, nothing is changed, so the figure the user confirmed is the one carried out.
    On a step towards the letterbox, orders whose person no longer consents are cancelled instead.
    """
    require_action(scope, "newspaper.dispatch")
    check_transition(old_status, new_status)
    tracking = _checked_tracking(new_status, tracking_number)
    if expected <= 0:
        raise ValidationError("In diesem Status gibt es keine Bestellungen.")
    q.lock_edition(session, edition_id)  # first statement: no order enters or leaves the status meanwhile
    stopped = cq.lacking_consent(session, edition_id, old_status) if new_status in SENDING else []
    cq.cancel(session, stopped, old_status, utcnow())
    ids = uq.order_ids_in_status(session, edition_id, old_status)
    done = q.move_all_in_status(session, edition_id, old_status, _new_values(new_status, tracking))
    if done + len(stopped) != expected or len(ids) != done:
        session.rollback()
        raise ConflictError(
            f"Im Status „{ORDER_STATUSES[old_status]}“ sind jetzt {done + len(stopped)} statt {expected} Bestellungen – "
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
        bulk_change_id=_record_change(session, scope, edition_id, old_status, new_status, ids, bool(tracking))
        if ids
        else None,
    )
    _record_stopped(session, scope, stopped, new_status)
    session.commit()
    return StepDone(done, len(stopped))


def _changed_meanwhile(session: Session) -> None:
    session.rollback()
    raise ConflictError(
        "Jemand hat diese Bestellungen gerade geändert. Bitte lade die Liste neu; es wurde nichts geändert."
    )


def _record_stopped(session: Session, scope: Scope, stopped: list[int], step: str) -> None:
    # Not part of the step's bulk change: an undo of the step must not bring these orders back.
    if stopped:
        audit.record(
            session,
            scope,
            "newspaper_order_cancelled_no_consent",
            "dispatch_order",
            stopped[0] if len(stopped) == 1 else "",
            count=len(stopped),
            order_ids=stopped[:500],
            at_step=step,
        )


def _record_change(
    session: Session, scope: Scope, edition_id: int, old: str, new: str, ids: list[int], tracking: bool
) -> int:
    # Kept for the undo (services.newspaper.undo): exactly which orders moved, by whom, when.
    change = NewspaperBulkChange(
        edition_id=edition_id,
        from_status=old,
        to_status=new,
        order_ids=sorted(ids),
        count=len(ids),
        tracking_set=tracking,
        user_id=scope.user_id,
        created_at=utcnow(),
    )
    session.add(change)
    session.flush()
    return change.id


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
