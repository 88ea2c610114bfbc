"""Each step of the newspaper dispatch checks the consent again (DESIGN §3.7), on SQLite and PostgreSQL: an order
whose person no longer consents to the newspaper by post is cancelled instead of moved, audited, and an undo of
the step does not bring it back."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from db.models import AuditEvent, Consent, DispatchOrder
from db.queries.newspaper import BatchFilter
from db.types import utcnow
from services.core.scope import Scope
from services.newspaper import editions, orders, undo, workflow

TEAM = Scope(role="team", user_id=None, username="team")
FLT = BatchFilter(reach_km=15.0, land_code="14")


def _orders(session) -> tuple[int, list[DispatchOrder]]:
    ed = editions.create_edition(session, TEAM, "Zeitung Einwilligung", "Wahl", date(2025, 1, 1), 100_000, 10)
    pv = orders.preview_batch(session, TEAM, ed, FLT)
    orders.confirm_batch(session, TEAM, ed, FLT, 1, pv.people, pv.copies)
    made = session.scalars(select(DispatchOrder).where(DispatchOrder.edition_id == ed).order_by(DispatchOrder.id)).all()
    assert len(made) > 3
    return ed, list(made)


def _withdraw_in_the_ledger(session, contact_id: int) -> None:
    """A withdrawal that reached the ledger without the card's hook (a lapse, a restore, a merge)."""
    now = utcnow() + timedelta(seconds=1)
    session.add(Consent(contact_id=contact_id, purpose="newspaper", channel="post", granted_at=now, withdrawn_at=now))
    session.commit()


def _status(session, order_id: int) -> str:
    return session.scalar(select(DispatchOrder.status).where(DispatchOrder.id == order_id))


def test_approving_all_cancels_the_order_of_someone_who_withdrew(session):
    ed, made = _orders(session)
    gone = made[1]
    _withdraw_in_the_ledger(session, gone.contact_id)

    done = workflow.transition_all(session, TEAM, ed, "requested", "approved", len(made))

    assert done == workflow.StepDone(len(made) - 1, 1)
    assert _status(session, gone.id) == "cancelled"
    assert {_status(session, o.id) for o in made if o.id != gone.id} == {"approved"}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "newspaper_order_cancelled_no_consent")).one()
    assert (
        event.details["count"] == 1
        and event.details["order_ids"] == [gone.id]
        and event.details["at_step"] == "approved"
    )
    # Undoing the approval brings back the approved orders, not the one without consent.
    offer = undo.last_undoable(session, TEAM, ed)
    undo.undo_change(session, TEAM, offer.change_id)
    assert _status(session, gone.id) == "cancelled"
    assert (
        session.scalar(
            select(func.count())
            .select_from(DispatchOrder)
            .where(DispatchOrder.edition_id == ed, DispatchOrder.status == "requested")
        )
        == len(made) - 1
    )


def test_a_packed_order_is_not_shipped_when_the_consent_went_meanwhile(session):
    ed, made = _orders(session)
    ids = [o.id for o in made[:3]]
    workflow.transition_orders(session, TEAM, ids, "approved")
    workflow.transition_orders(session, TEAM, ids, "packed")
    _withdraw_in_the_ledger(session, made[0].contact_id)

    done = workflow.transition_orders(session, TEAM, ids, "shipped", tracking_number="DHL-1")

    assert done == workflow.StepDone(2, 1)
    assert [_status(session, i) for i in ids] == ["cancelled", "shipped", "shipped"]


def test_when_nobody_consents_any_more_the_step_only_cancels(session):
    ed, made = _orders(session)
    ids = [o.id for o in made[:2]]
    for o in made[:2]:
        _withdraw_in_the_ledger(session, o.contact_id)

    assert workflow.transition_orders(session, TEAM, ids, "approved") == workflow.StepDone(0, 2)
    assert [_status(session, i) for i in ids] == ["cancelled", "cancelled"]
    # Cancelling needs no consent: a stop step is never held back.
    rest = [o.id for o in made[2:4]]
    _withdraw_in_the_ledger(session, made[2].contact_id)
    assert workflow.transition_orders(session, TEAM, rest, "cancelled") == workflow.StepDone(2, 0)
