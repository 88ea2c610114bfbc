"""Übersicht speed at 1M contacts: build_overview for team, a Land, a Kreis and leitung (goal < 1 s).

python -m bench.bench_overview [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Seeds a database first when it holds fewer than --contacts contacts (read-only otherwise).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from db.engine import make_engine
from db.models import Contact, User
from services.core.runtime import session_scope
from services.core.scope import scope_for
from services.overview.figures import build_overview, clear_cache

USERS = ("team", "lv-sachsen", "kv-leipzig", "leitung")


def _contacts(url: str) -> int:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Contact)) or 0
    except (OperationalError, ProgrammingError):
        return 0
    finally:
        eng.dispose()


def ensure_seeded(url: str, contacts: int) -> None:
    """Seed the database with the demo seeder unless it already has the contacts."""
    have = _contacts(url)
    if have >= contacts:
        return
    print(f"{url}: {have} contacts, seeding {contacts} …", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.seed_demo",
            "--contacts",
            str(contacts),
            "--database-url",
            url,
            *(["--reset"] if have else []),
        ],
        check=True,
    )


def bench(url: str, repeat: int) -> None:
    """Print build_overview times per user (first run and best of repeat)."""
    eng = make_engine(url)
    print(f"\n{eng.dialect.name}: {_contacts(url):,} contacts")
    for username in USERS:
        times = []
        with session_scope(eng) as s:
            scope = scope_for(s.scalar(select(User).where(User.username == username)))
            for _ in range(repeat):
                clear_cache()  # the page caches; the goal is about the uncached queries
                started = time.perf_counter()
                ov = build_overview(s, scope, 15.0)
                times.append(time.perf_counter() - started)
        started = time.perf_counter()
        with session_scope(eng) as s:
            build_overview(s, scope, 20.0)  # cached figures, another reach
        cached = time.perf_counter() - started
        print(
            f"  {username:<12} uncached first {times[0] * 1000:7.1f} ms   best {min(times) * 1000:7.1f} ms"
            f"   cached {cached * 1000:6.1f} ms"
            f"   total shown {ov.total if ov.total is not None else '< 5'}"
        )
    eng.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on the databases given."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sqlite", default="/tmp/bench_1m.sqlite")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m")
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    for url in (f"sqlite:///{args.sqlite}" if args.sqlite else None, args.pg or None):
        if url:
            ensure_seeded(url, args.contacts)
            bench(url, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
