"""Aktionsaufrufe at 1M contacts: counting a national call's audience under the 30-day limit, and
sending it (deliveries, queued mails, timeline entries) in one transaction; a Land's call as well.

python -m bench.bench_calls [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Everything runs in one transaction that is rolled back: the benchmark databases stay unchanged.
"""
from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contact
from db.engine import make_engine
from services import calls
from services.scope import Scope

TEAM = Scope(role="team", username="bench")


def _timed(label: str, fn):
    t = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - t:.2f} s")
    return result


def _form(title: str, topics: tuple[str, ...], level: str = "national", land: str | None = None) -> calls.CallForm:
    return calls.CallForm(title=title, body="Komm vorbei und mach mit!", mode="online", topics=topics,
                          region_level=level, land_code=land)


def run(url: str, name: str) -> None:
    """Measure on one database inside a rolled-back transaction."""
    eng = make_engine(url)
    conn = eng.connect()
    outer = conn.begin()
    s = Session(bind=conn, join_transaction_mode="create_savepoint")
    try:
        print(f"{name}: {s.scalar(select(func.count()).select_from(Contact)):,} contacts")
        land = calls.create_call(s, TEAM, _form("Sachsen", ("pflege",), "land", "14"))
        pv = _timed("preview, Land Sachsen, topic Pflege", lambda: calls.preview(s, TEAM, land))
        print(f"    → {pv.recipients:,} recipients")
        first = calls.create_call(s, TEAM, _form("Miete", ("miete",)))
        pv = _timed("preview, all Germany, topic Miete", lambda: calls.preview(s, TEAM, first))
        print(f"    → {pv.recipients:,} recipients, {pv.at_limit:,} at the limit")
        made = _timed("send (recount under lock + deliveries, mails, timeline)",
                      lambda: calls.send(s, TEAM, first, pv.recipients))
        print(f"    → {made:,} mails queued")
        second = calls.create_call(s, TEAM, _form("Miete und Pflege", ("miete", "pflege")))
        pv = _timed("preview of a second call, two topics, after the first was sent",
                    lambda: calls.preview(s, TEAM, second))
        print(f"    → {pv.recipients:,} recipients, {pv.at_limit:,} at the limit")
    finally:
        s.close()
        outer.rollback()
        conn.close()
        eng.dispose()


def main() -> None:
    """Parse arguments and run on each database given."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sqlite", default="/tmp/bench_1m.sqlite")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m")
    args = ap.parse_args()
    if args.sqlite:
        run(f"sqlite:///{args.sqlite}", "SQLite")
    if args.pg:
        run(args.pg, "PostgreSQL")


if __name__ == "__main__":
    main()
