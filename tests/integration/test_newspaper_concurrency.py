"""Two staff at the same moment on PostgreSQL: no duplicate order, the stock is never overdrawn."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from db.engine import make_engine
from db.models import DispatchOrder
from db.queries.newspaper import BatchFilter
from domain.errors import UserError
from services.core.runtime import session_scope
from services.core.scope import Scope
from services.newspaper import editions, orders, workflow
from tests.support.concurrency import run_all
from tests.support.databases import fresh_database

TEAM = Scope(role="team", username="team")
LAND = Scope(role="land", username="lv-sachsen", land_code="14")


def test_concurrent_batches_and_approvals_postgresql(tmp_path):
    from services.seed import seed_demo

    url = fresh_database("postgresql", tmp_path, suffix="newspaper_conc")
    eng = make_engine(url, pool_size=10)
    seed_demo(eng, contacts=2000, seed=7)
    flt_all = BatchFilter(reach_km=15.0)
    flt_land = BatchFilter(reach_km=15.0, land_code="14")
    with session_scope(eng) as s:
        big = editions.create_edition(s, TEAM, "Parallel", "", date(2025, 1, 1), 1_000_000, 10)
        people_all = orders.preview_batch(s, TEAM, big, flt_all).people
        people_land = orders.preview_batch(s, LAND, big, flt_land).people
        # Stock for exactly half the country: racing batches must not overdraw it.
        tight = editions.create_edition(s, TEAM, "Knapp", "", date(2025, 1, 1), (people_all // 2) * 10, 10)
    assert people_all > people_land > 0

    def batch(scope, edition, flt):
        def job():
            with session_scope(eng) as s:
                pv = orders.preview_batch(s, scope, edition, flt)
                return orders.confirm_batch(s, scope, edition, flt, 1, pv.people, pv.copies)

        return job

    def single(edition):
        def job():
            with session_scope(eng) as s:
                cid = s.scalar(
                    orders.q.batch_select(TEAM, edition, flt_land, orders.q.Contact.id)
                    .order_by(orders.q.Contact.id)
                    .limit(1)
                )
                return orders.create_single_order(s, TEAM, edition, cid, 1, 15.0) if cid else None

        return job

    results = run_all(
        [
            batch(TEAM, big, flt_all),
            batch(LAND, big, flt_land),
            batch(TEAM, big, flt_land),
            single(big),
            single(big),
            batch(TEAM, tight, flt_all),
            batch(LAND, tight, flt_land),
        ]
    )
    with session_scope(eng) as s:
        dup = s.execute(
            text(
                "SELECT edition_id, contact_id FROM dispatch_order WHERE status <> 'cancelled' "
                "GROUP BY edition_id, contact_id HAVING count(*) > 1"
            )
        ).all()
        assert dup == [], dup
        for edition in (big, tight):
            assert orders.available_copies(s, edition) >= 0
        total_big = s.scalar(select(func.count()).select_from(DispatchOrder).where(DispatchOrder.edition_id == big))
        # Orders are exactly what the successful jobs reported; a job whose preview went stale was refused.
        batches_made = [r for r in results[:3] if isinstance(r, int)]
        singles_made = [r for r in results[3:5] if isinstance(r, int)]  # order ids
        assert batches_made or singles_made
        assert total_big == sum(batches_made) + len(singles_made), (results, total_big)
        assert total_big <= people_all
        made_tight = [r for r in results[5:] if isinstance(r, int)]
        assert s.scalar(
            select(func.count()).select_from(DispatchOrder).where(DispatchOrder.edition_id == tight)
        ) == sum(made_tight)
        ids = list(s.scalars(select(DispatchOrder.id).where(DispatchOrder.edition_id == big)))

    half = len(ids) // 2
    approvals = run_all(
        [
            lambda: _approve(eng, ids[: half + 50]),
            lambda: _approve(eng, ids[half - 50 :]),
            lambda: _approve(eng, ids[: half + 50]),
        ]
    )
    with session_scope(eng) as s:
        counts = dict(
            s.execute(
                select(DispatchOrder.status, func.count())
                .where(DispatchOrder.edition_id == big)
                .group_by(DispatchOrder.status)
            ).all()
        )
    done = [r.moved for r in approvals if isinstance(r, workflow.StepDone)]
    # Overlapping approvals: all-or-nothing per action, never an order approved twice or lost.
    assert sum(done) == counts.get("approved", 0)
    assert counts.get("approved", 0) + counts.get("requested", 0) == len(ids)
    assert any(isinstance(r, UserError) for r in approvals)
    eng.dispose()


def _approve(eng, ids):
    with session_scope(eng) as s:
        return workflow.transition_orders(s, TEAM, ids, "approved")
