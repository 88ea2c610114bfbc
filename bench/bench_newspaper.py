"""Zeitungsversand speed at 1M contacts: batch preview for all Germany (goal ≤ 2 s), creating the
batch's orders (≥ 50,000 orders, goal ≤ 10 s), label PDF for 5,000 addresses (goal ≤ 15 s).

python -m bench.bench_newspaper [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Everything runs in one transaction that is rolled back: the benchmark databases stay unchanged.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bench.common import rolled_back_session, run_on_databases, settle, timed
from db.models import Contact
from db.queries import newspaper as q
from db.queries.newspaper import BatchFilter
from db.types import utcnow
from services.core.scope import Scope
from services.newspaper import editions, orders, workflow
from services.newspaper.documents import labels_pdf
from services.newspaper.packing_pdf import packing_pdf

TEAM = Scope(role="team", username="bench")
TARGET_ORDERS = 50_000


def run(url: str, name: str) -> None:
    """Run the three measurements on one database inside a rolled-back transaction."""
    settle(url, "dispatch_order", "activity")
    with rolled_back_session(url) as s:
        n = s.scalar(select(func.count()).select_from(Contact))
        print(f"{name}: {n:,} contacts")
        ed = editions.create_edition(s, TEAM, "Bench", "", date(2025, 1, 1), 50_000_000, 10)
        pv = timed(
            "batch preview, all Germany, reach 15 km",
            lambda: orders.preview_batch(s, TEAM, ed, BatchFilter(reach_km=15.0)),
        )
        print(f"    → {pv.people:,} people, {pv.copies:,} copies")
        # Widen the reach until the batch is close to 50,000 people, so the insert is measured at that size.
        reach = 15.0
        while pv.people > TARGET_ORDERS * 1.25 and reach < 60:
            reach += 2.5
            pv = orders.preview_batch(s, TEAM, ed, BatchFilter(reach_km=reach))
        flt = BatchFilter(reach_km=reach)
        made = timed(
            f"confirm batch (recount under lock + insert orders and timeline), reach {reach:g} km",
            lambda: orders.confirm_batch(s, TEAM, ed, flt, 1, pv.people, pv.copies),
        )
        print(f"    → {made:,} orders created")
        moved = timed(
            f"approve all {made:,} requested orders (one UPDATE)",
            lambda: workflow.transition_all(s, TEAM, ed, "requested", "approved", made).moved,
        )
        print(f"    → {moved:,} orders approved")
        frame = timed("load 5,000 addresses", lambda: q.orders_frame(s, TEAM, ed, ["approved"], limit=5000))
        rows = list(frame[["name", "street", "plz", "city"]].itertuples(index=False, name=None))
        pdf = timed(f"label PDF for {len(rows):,} addresses", lambda: labels_pdf(rows))
        print(f"    → {len(pdf) / 1e6:.1f} MB, {-(-len(rows) // 24)} sheets")
        packing = timed(
            f"packing list PDF for {len(frame):,} orders", lambda: packing_pdf(frame, 10, "Bench", utcnow())
        )
        print(f"    → {len(packing) / 1e6:.1f} MB")


if __name__ == "__main__":
    run_on_databases(__doc__, run)
