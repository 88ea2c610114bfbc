"""Shared parts of the benchmarks: a rolled-back session for writes, the command line, a process's memory."""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from db.engine import make_engine

SQLITE_1M = "/tmp/bench_1m.sqlite"
PG_1M = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(label: str, fn):
    """Run fn, print its wall time under label, return its result."""
    t = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - t:.2f} s", flush=True)
    return result


def settle(url: str, *tables: str) -> None:
    """PostgreSQL: VACUUM (ANALYZE) tables so each run starts as after a fresh seed.

    A rolled-back run leaves dead rows behind; without this the next run sees a table that is
    no longer "empty" to the planner and measures an easier case than the first batch of a new
    database.
    """
    eng = make_engine(url)
    if eng.dialect.name == "postgresql":
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    eng.dispose()


@contextmanager
def rolled_back_session(url: str):
    """A session whose commits are savepoints of one outer transaction that is rolled back at the end,
    so a benchmark can write without changing the benchmark database."""
    eng = make_engine(url)
    conn = eng.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        conn.close()
        eng.dispose()


def run_on_databases(doc: str, run) -> None:
    """Parse --sqlite/--pg (empty skips one) and call run(url, name) for each database."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--sqlite", default=SQLITE_1M, help="SQLite file; empty skips SQLite")
    ap.add_argument("--pg", default=PG_1M, help="PostgreSQL URL; empty skips PostgreSQL")
    args = ap.parse_args()
    if args.sqlite:
        run(f"sqlite:///{args.sqlite}", "SQLite")
    if args.pg:
        run(args.pg, "PostgreSQL")
