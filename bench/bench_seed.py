"""Benchmark: seed N contacts into fresh SQLite and PostgreSQL, then resolve all PLZ and nearest offices.

    python -m bench.bench_seed [--contacts 1000000] [--only sqlite|postgresql] [--keep] [--sqlite-dir DIR]

PostgreSQL: env BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/bench);
the database is created if missing and its public schema is dropped and rebuilt.

Beside the seed's total and its phases it prints the limit in the same run: the bulk insert of the
contact table alone (the same rows, into a copy of the table without secondary indexes, in the same
database), so the ratio of the whole seed to that floor is visible.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import inspect, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from scripts.seed_demo import TextProgress  # noqa: E402
from services.geo.places import nearest, recompute_nearest_offices, resolve_plz  # noqa: E402
from services.seed import contact_chunks, default_now, loading_connection, seed_demo  # noqa: E402
from services.seed.writer import BulkWriter  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
RESOLVE_ALL_SQL = """
SELECT p.plz, p.place, p.places, p.lat, p.lon, k.ags AS kreis_ags, k.name AS kreis_name,
       v.id AS kv_id, v.name AS kv_name, l.code AS land_code, l.name AS land_name,
       p.nearest_office_id, o.name AS nearest_office_name, p.nearest_office_km
FROM plz p JOIN kreis k ON k.ags = p.kreis_ags JOIN kreisverband v ON v.id = k.kv_id
JOIN land l ON l.code = k.land_code LEFT JOIN office o ON o.id = p.nearest_office_id
"""


def fresh_pg(url: str) -> str:
    """Create the benchmark database if missing and empty its public schema."""
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    eng = make_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url


def timed(label: str, fn, *args, **kwargs):
    """Run fn, print its wall time, return its result."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"  {label:<48} {time.perf_counter() - t0:8.3f} s", flush=True)
    return out


def load() -> str:
    """The 1-minute load average, printed beside every figure (the CPUs are shared)."""
    return f"(load {os.getloadavg()[0]:.1f})"


class Phases:
    """Progress sink: draws the bar and notes when each phase of the seed begins."""

    def __init__(self):
        """Start with no phases; the bar draws to stderr."""
        self.bar, self.marks = TextProgress(), []

    def __call__(self, fraction: float, message: str) -> None:
        """Draw; note a new phase (all 'Kontakte n/N' steps are one phase)."""
        self.bar(fraction, message)
        name = "Kontakte erzeugen und schreiben" if message.startswith("Kontakte ") else message
        if not self.marks or self.marks[-1][1] != name:
            self.marks.append((time.perf_counter(), name, os.getloadavg()[0]))

    def print(self, end: float) -> None:
        """One line per phase: its wall time and the load when it began."""
        for (t, name, la), nxt in zip(self.marks, [*self.marks[1:], (end, "", 0.0)], strict=True):
            if name != "Fertig":
                print(f"    phase {name:<42} {nxt[0] - t:8.3f} s  (load {la:.1f})")


def raw_contact_insert(engine, contacts: int, now) -> tuple[float, int]:
    """Seconds to bulk-insert the seed's contact rows alone into an index-free copy of the table, and the rows.

    The rows are generated first (not timed); the copy keeps only the primary key, as the seed's load
    does; the insert and its commit are timed; the copy is dropped afterwards.
    """
    with Session(engine) as session:
        rows = [r for _first, _n, chunk in contact_chunks(session, contacts, 42, now) for r in chunk["contact"][1]]
        cols = next(contact_chunks(session, 1, 42, now))[2]["contact"][0]
    with loading_connection(engine) as (conn, sqlite):
        if sqlite:
            ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contact'")
            conn.exec_driver_sql(
                re.sub(r'^CREATE TABLE\s+"?contact"?', "CREATE TABLE bench_raw_contact", ddl.scalar_one())
            )
            conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")  # as the seed's big load
        else:
            conn.exec_driver_sql("CREATE TABLE bench_raw_contact (LIKE contact INCLUDING DEFAULTS)")
            conn.exec_driver_sql("ALTER TABLE bench_raw_contact ADD PRIMARY KEY (id)")
        conn.commit()
        try:
            t0 = time.perf_counter()
            with conn.begin():
                BulkWriter(conn).insert("bench_raw_contact", cols, rows)
            took = time.perf_counter() - t0
        finally:
            conn.exec_driver_sql("DROP TABLE bench_raw_contact")
            conn.commit()
    return took, len(rows)


def run(backend: str, url: str, contacts: int) -> None:
    """Seed and measure one database."""
    print(f"\n== {backend}: {make_url(url).render_as_string(hide_password=True)}", flush=True)
    engine = make_engine(url)
    timed("migrate (alembic upgrade head)", upgrade, engine)
    now, phases = default_now(), Phases()
    t0 = time.perf_counter()
    counts = seed_demo(engine, contacts=contacts, seed=42, progress=phases, now=now)
    seed_s = time.perf_counter() - t0
    print(f"  {'SEED ' + format(contacts, ',') + ' contacts (all rows)':<48} {seed_s:8.3f} s  {load()}")
    phases.print(t0 + seed_s)
    raw_s, raw_n = raw_contact_insert(engine, contacts, now)
    print(f"  {f'LIMIT: bulk insert of {raw_n:,} contact rows alone':<48} {raw_s:8.3f} s  {load()}")
    print(f"    seed / limit = {seed_s / raw_s:.1f}x; the seed writes {sum(counts.values()):,} rows in all")
    with engine.connect() as conn:
        tables = sorted(t for t in inspect(conn).get_table_names() if t != "alembic_version")
        rows = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}
    print("  row counts: " + ", ".join(f"{t}={n:,}" for t, n in rows.items() if n))
    print(f"  rows written by the seed: {sum(counts.values()):,}")
    with engine.connect() as conn:
        df = timed("resolve all PLZ (one query -> DataFrame)", pd.read_sql, text(RESOLVE_ALL_SQL), conn)
    print(
        f"    {len(df):,} PLZ, {df['kv_id'].nunique()} KV, "
        f"{(df['nearest_office_km'] > 15).sum():,} PLZ without office within 15 km"
    )
    with Session(engine) as session:
        sample = df["plz"].sample(1000, random_state=1).tolist()
        t0 = time.perf_counter()
        for code in sample:
            resolve_plz(session, code)
        mean_ms = (time.perf_counter() - t0) / len(sample) * 1000
        print(f"  {'resolve_plz() one by one, mean of 1,000':<48} {mean_ms:8.3f} ms")
    with Session(engine) as session:
        n = timed("recompute_nearest_offices (all PLZ, commit)", lambda: _recompute(session))
    print(f"    {n:,} PLZ updated")
    with engine.connect() as conn:
        pts = timed("load contact points (count per PLZ, expand)", _contact_points, conn)
        offices = conn.execute(text("SELECT lat, lon FROM office WHERE active = :t"), {"t": True}).fetchall()
    off = np.array(offices, dtype=float)
    idx, km = timed(f"nearest office, {len(pts):,} points x {len(off)} offices (cKDTree)", nearest, pts, off)
    print(f"    median {np.median(km):.1f} km, {(km > 15).mean() * 100:.1f} % of contacts beyond 15 km")
    engine.dispose()


def _recompute(session: Session) -> int:
    n = recompute_nearest_offices(session)
    session.commit()
    return n


def _contact_points(conn) -> np.ndarray:
    # Contacts sit on their PLZ centroid (DESIGN §2): count per PLZ, then one point per contact.
    rows = conn.exec_driver_sql(
        "SELECT p.lat, p.lon, c.n FROM (SELECT plz, COUNT(*) AS n FROM contact GROUP BY plz) c "
        "JOIN plz p ON p.plz = c.plz"
    ).fetchall()
    arr = np.array(rows, dtype=float).reshape(-1, 3)
    return np.repeat(arr[:, :2], arr[:, 2].astype(np.int64), axis=0)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on the selected databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--sqlite-dir", default=None, help="where the SQLite file goes (default: the temp dir)")
    args = parser.parse_args(argv)
    print(f"bench_seed: {args.contacts:,} contacts, {os.cpu_count()} CPUs {load()}", flush=True)
    if args.only in (None, "sqlite"):
        if args.sqlite_dir:
            Path(args.sqlite_dir).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="bench_seed_", dir=args.sqlite_dir))
        path = tmp / "bench.sqlite"
        try:
            run("sqlite", f"sqlite:///{path}", args.contacts)
            print(f"  file size {path.stat().st_size / 1e6:,.0f} MB")
        finally:
            if not args.keep:
                for p in tmp.glob("bench.sqlite*"):
                    p.unlink()
                tmp.rmdir()
    if args.only in (None, "postgresql"):
        run("postgresql", fresh_pg(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)), args.contacts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
