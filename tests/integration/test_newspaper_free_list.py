"""The list of people with a right to free shipping, and ordering for several, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import Activity, AuditEvent, Contact, DispatchOrder, User
from db.queries.newspaper import BatchFilter, batch_count
from domain.errors import ConflictError, NotFoundError, PermissionDenied
from services.core.scope import Scope, scope_for
from services.newspaper import editions, free_list, orders

REACH = 15.0
NEAR = 5.0  # a smaller reach (the setting's lowest bound): some of Leipzig's people then qualify
TEAM = Scope(role="team", user_id=None, username="team")


def _scope(session, username):
    return scope_for(session.scalar(select(User).where(User.username == username)))


def _edition(session, stock=1_000_000):
    return editions.create_edition(session, TEAM, "Frei-Test", "", date(2024, 6, 1), stock, 10)


def _orders(session, ed):
    return session.scalar(select(func.count()).select_from(DispatchOrder).where(DispatchOrder.edition_id == ed))


def test_each_role_sees_its_own_area_with_the_batch_rules(session):
    ed = _edition(session)
    kreis, land = _scope(session, "kv-goerlitz"), _scope(session, "lv-sachsen")
    mine = free_list.free_list(session, kreis, ed, REACH)
    assert mine.count > 0 and mine.count == batch_count(session, kreis, ed, BatchFilter(reach_km=REACH))
    kvs = set(session.scalars(select(Contact.kv_id).where(Contact.id.in_(mine.people["id"].tolist()))))
    assert kvs == {kreis.kv_id}
    lands = free_list.free_list(session, land, ed, REACH)
    everyone = free_list.free_list(session, TEAM, ed, REACH)
    assert mine.count <= lands.count < everyone.count
    with pytest.raises(PermissionDenied):
        free_list.free_list(session, _scope(session, "leitung"), ed, REACH)


def test_kreis_orders_several_through_the_order_path(session):
    ed = _edition(session)
    kreis = _scope(session, "kv-leipzig")
    before = free_list.free_list(session, kreis, ed, NEAR)  # Leipzig has an office near nearly everyone
    chosen = before.people["id"].tolist()[:3]
    assert len(chosen) == 3
    assert free_list.order_for(session, kreis, ed, chosen, 2, NEAR) == 3
    made = session.execute(
        select(DispatchOrder.contact_id, DispatchOrder.status, DispatchOrder.copies, DispatchOrder.created_by).where(
            DispatchOrder.edition_id == ed
        )
    ).all()
    assert sorted(c for c, *_ in made) == sorted(chosen)
    assert {(s, n, u) for _, s, n, u in made} == {("requested", 20, kreis.user_id)}
    timeline = session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.contact_id.in_(chosen), Activity.kind == "newspaper_order")
    )
    assert timeline >= 3
    assert session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "newspaper_free_list_order")
    )
    after = free_list.free_list(session, kreis, ed, NEAR)
    assert after.count == before.count - 3 and not set(chosen) & set(after.people["id"])


def test_all_or_nothing_when_one_no_longer_qualifies(session):
    ed = _edition(session)
    kreis = _scope(session, "lv-sachsen")
    chosen = free_list.free_list(session, kreis, ed, REACH).people["id"].tolist()[:4]
    orders.create_single_order(session, kreis, ed, chosen[0], 1, REACH)  # a colleague was faster
    with pytest.raises(ConflictError, match="1 der gewählten Personen"):
        free_list.order_for(session, kreis, ed, chosen, 1, REACH)
    assert _orders(session, ed) == 1
    # Ordering twice for the same people doubles nothing either.
    free_list.order_for(session, kreis, ed, chosen[1:], 1, REACH)
    with pytest.raises(ConflictError):
        free_list.order_for(session, kreis, ed, chosen[1:], 1, REACH)
    assert _orders(session, ed) == 4


def test_kreis_cannot_order_for_people_of_another_kv(session):
    ed = _edition(session)
    kreis = _scope(session, "kv-leipzig")
    other = free_list.free_list(session, _scope(session, "kv-goerlitz"), ed, REACH).people["id"].tolist()[:1]
    mine = free_list.free_list(session, kreis, ed, NEAR).people["id"].tolist()[:1]
    assert other and mine
    with pytest.raises(NotFoundError):
        free_list.order_for(session, kreis, ed, mine + other, 1, NEAR)
    assert _orders(session, ed) == 0


def test_short_stock_orders_nothing(session):
    ed = _edition(session, stock=25)
    kreis = _scope(session, "lv-sachsen")
    chosen = free_list.free_list(session, kreis, ed, REACH).people["id"].tolist()[:3]
    with pytest.raises(ConflictError, match="Nicht genug Bestand"):
        free_list.order_for(session, kreis, ed, chosen, 1, REACH)
    assert _orders(session, ed) == 0


def test_nobody_left_gives_an_empty_list(session):
    ed = _edition(session)
    kreis = _scope(session, "kv-goerlitz")
    people = free_list.free_list(session, kreis, ed, REACH)
    ids = people.people["id"].tolist()
    assert 0 < people.count == len(ids)  # a KV's list fits one step in the test data
    free_list.order_for(session, kreis, ed, ids, 1, REACH)
    empty = free_list.free_list(session, kreis, ed, REACH)
    assert empty.count == 0 and empty.people.empty
