"""Undo of bulk status changes on SQLite and PostgreSQL: exact, time-limited, stock-safe, audited both ways."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, DispatchOrder, NewspaperBulkChange
from db.queries.newspaper import BatchFilter
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.core.scope import Scope
from services.newspaper import editions, orders, undo, workflow

REACH = 15.0
TEAM = Scope(role="team", user_id=None, username="team")


def _batch(session, stock=1_000_000, land="14"):
    """An edition with a batch of requested orders in one Land; returns (edition id, order ids)."""
    ed = editions.create_edition(session, TEAM, "Undo-Test", "", date(2024, 5, 1), stock, 10)
    flt = BatchFilter(reach_km=REACH, land_code=land)
    pv = orders.preview_batch(session, TEAM, ed, flt)
    assert pv.people >= 5
    orders.confirm_batch(session, TEAM, ed, flt, 1, pv.people, pv.copies)
    ids = list(session.scalars(select(DispatchOrder.id).where(DispatchOrder.edition_id == ed)))
    return ed, sorted(ids)


def _statuses(session, ids):
    rows = session.execute(select(DispatchOrder.id, DispatchOrder.status).where(DispatchOrder.id.in_(ids)))
    return dict(rows.all())


def _audits(session, action):
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_forward_step_of_all_is_undone_exactly(session):
    ed, ids = _batch(session)
    before = _audits(session, "newspaper_bulk_undo")
    workflow.transition_all(session, TEAM, ed, "requested", "approved", len(ids))
    offer = undo.last_undoable(session, TEAM, ed)
    assert offer is not None and offer.count == len(ids)
    assert (offer.from_status, offer.to_status) == ("requested", "approved")
    change = session.get(NewspaperBulkChange, offer.change_id)
    assert sorted(change.order_ids) == ids
    assert undo.undo_change(session, TEAM, offer.change_id) == len(ids)
    assert set(_statuses(session, ids).values()) == {"requested"}
    assert (
        session.scalar(select(func.count()).where(DispatchOrder.id.in_(ids), DispatchOrder.approved_at.is_not(None)))
        == 0
    )
    assert _audits(session, "newspaper_bulk_undo") == before + 1
    assert undo.last_undoable(session, TEAM, ed) is None
    with pytest.raises(ConflictError, match="schon rückgängig"):
        undo.undo_change(session, TEAM, offer.change_id)


def test_undo_is_refused_after_ten_minutes(session):
    ed, ids = _batch(session)
    workflow.transition_all(session, TEAM, ed, "requested", "approved", len(ids))
    offer = undo.last_undoable(session, TEAM, ed)
    later = offer.until + timedelta(seconds=1)
    assert undo.last_undoable(session, TEAM, ed, now=later) is None
    with pytest.raises(ValidationError, match="10 Minuten"):
        undo.undo_change(session, TEAM, offer.change_id, now=later)
    assert set(_statuses(session, ids).values()) == {"approved"}
    # Just within the window it still works.
    assert undo.undo_change(session, TEAM, offer.change_id, now=offer.until - timedelta(seconds=1)) == len(ids)


def test_undo_moves_back_only_orders_still_in_the_new_status(session):
    ed, ids = _batch(session)
    chosen = ids[:3]
    workflow.transition_orders(session, TEAM, chosen, "approved")
    offer = undo.last_undoable(session, TEAM, ed)
    workflow.transition_orders(session, TEAM, chosen[:1], "packed")
    # The newest change is the single packing step; the approval of three is the one before it.
    change_id = session.scalar(
        select(NewspaperBulkChange.id).where(
            NewspaperBulkChange.edition_id == ed, NewspaperBulkChange.to_status == "approved"
        )
    )
    assert offer.change_id == change_id
    assert undo.undo_change(session, TEAM, change_id) == 2
    assert _statuses(session, chosen) == {chosen[0]: "packed", chosen[1]: "requested", chosen[2]: "requested"}
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "newspaper_bulk_undo").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["count"] == 2 and event.details["skipped"] == 1


def test_undoing_a_cancellation_sets_the_copies_aside_again_or_refuses(session):
    ed, ids = _batch(session)
    need = len(ids) * 10
    editions.set_stock(session, TEAM, ed, need)
    assert orders.available_copies(session, ed) == 0
    workflow.transition_all(session, TEAM, ed, "requested", "cancelled", len(ids))
    assert orders.available_copies(session, ed) == need
    offer = undo.last_undoable(session, TEAM, ed)
    editions.set_stock(session, TEAM, ed, need - 10)  # one order's copies went elsewhere meanwhile
    with pytest.raises(ConflictError, match="Nicht genug Bestand"):
        undo.undo_change(session, TEAM, offer.change_id)
    assert set(_statuses(session, ids).values()) == {"cancelled"}
    editions.set_stock(session, TEAM, ed, need)
    assert undo.undo_change(session, TEAM, offer.change_id) == len(ids)
    assert orders.available_copies(session, ed) == 0
    assert (
        session.scalar(select(func.count()).where(DispatchOrder.id.in_(ids), DispatchOrder.cancelled_at.is_not(None)))
        == 0
    )


def test_undoing_a_cancellation_refuses_when_the_person_has_a_new_order(session):
    ed, ids = _batch(session)
    order = session.get(DispatchOrder, ids[0])
    workflow.transition_orders(session, TEAM, [order.id], "cancelled")
    offer = undo.last_undoable(session, TEAM, ed)
    orders.create_single_order(session, TEAM, ed, order.contact_id, 1, REACH)
    with pytest.raises(ConflictError, match="neue Bestellung"):
        undo.undo_change(session, TEAM, offer.change_id)
    assert session.get(DispatchOrder, order.id, populate_existing=True).status == "cancelled"


def test_undoing_shipping_clears_the_tracking_number(session):
    ed, ids = _batch(session)
    workflow.transition_all(session, TEAM, ed, "requested", "approved", len(ids))
    workflow.transition_all(session, TEAM, ed, "approved", "packed", len(ids))
    workflow.transition_all(session, TEAM, ed, "packed", "shipped", len(ids), "DHL-123")
    offer = undo.last_undoable(session, TEAM, ed)
    assert offer.from_status == "packed"
    undo.undo_change(session, TEAM, offer.change_id)
    rows = session.execute(
        select(DispatchOrder.status, DispatchOrder.tracking_number, DispatchOrder.shipped_at).where(
            DispatchOrder.id.in_(ids)
        )
    ).all()
    assert {tuple(r) for r in rows} == {("packed", "", None)}


def test_undo_offer_is_per_user_and_team_only(session):
    ed, ids = _batch(session)
    workflow.transition_all(session, TEAM, ed, "requested", "approved", len(ids))
    other = Scope(role="team", user_id=-1, username="jemand")
    assert undo.last_undoable(session, other, ed) is None
    kreis = Scope(role="kreis", user_id=None, username="kv", kv_id=1)
    with pytest.raises(PermissionDenied):
        undo.last_undoable(session, kreis, ed)


def test_forward_targets_come_first():
    assert workflow.targets("approved")[0] == "packed"
    assert workflow.targets("packed")[0] == "shipped"
    assert workflow.targets("requested") == ["approved", "cancelled"]
    assert workflow.next_source("requested", "approved") == "approved"
    assert workflow.next_source("approved", "cancelled") == "approved"
    assert workflow.next_source("shipped", "delivered") == "shipped"
