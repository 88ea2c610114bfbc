"""Deterministic synthetic demo data at any size (Foundation I, part 4).

Reference data, offices, leads, the edition and users go in first; then contacts with their
rows in fixed-size chunks through the fastest path of each database, all in ONE transaction:
a failed seed leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from db import consent_state, rollups, topic_mask
from domain.errors import ConflictError
from services.geo.places import recompute_nearest_offices
from services.geo.reference import load_reference_data
from services.seed.clock import Clock
from services.seed.contacts import CHUNK, ContactContext, generate_chunk
from services.seed.pools import build_pools
from services.seed.structure import build_edition, build_leads, build_offices, load_geo
from services.seed.users import DEMO_PASSWORD, DEMO_USERS, demo_user_rows
from services.seed.writer import BULK_TABLES, BulkWriter, reset_database

__all__ = [
    "seed_demo",
    "reset_demo",
    "contact_chunks",
    "loading_connection",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "default_now",
]

Progress = Callable[[float, str], None]
# Below this size, dropping and rebuilding indexes costs more than it saves.
_REBUILD_INDEXES_FROM = 50_000


def default_now() -> datetime:
    """Midnight UTC of today: the anchor of all demo dates, so one day's seeds are identical."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _sqlite_pragmas(conn, loading: bool) -> None:
    # PRAGMA foreign_keys is a no-op inside a transaction: set it before BEGIN and after COMMIT.
    raw = conn.connection.dbapi_connection
    if loading:
        for pragma in ("foreign_keys=OFF", "cache_size=-262144", "temp_store=MEMORY", "threads=2"):
            raw.execute(f"PRAGMA {pragma}")
        # In WAL mode every new page is written twice (log, then checkpoint). A rollback journal
        # only keeps the few pre-existing pages of a nearly empty file. Switching needs the file
        # to ourselves; if another connection holds it we simply stay in WAL.
        with suppress(sqlite3.OperationalError):
            raw.execute("PRAGMA journal_mode=DELETE").fetchall()
    else:
        with suppress(sqlite3.OperationalError):
            raw.execute("PRAGMA journal_mode=WAL").fetchall()
        for pragma in (
            "foreign_keys=ON",
            "cache_size=-2000",
            "temp_store=DEFAULT",
            "threads=0",
            "ignore_check_constraints=OFF",
        ):
            raw.execute(f"PRAGMA {pragma}")


@contextmanager
def loading_connection(engine: Engine) -> Iterator[tuple[Connection, bool]]:
    """A connection (and whether it is SQLite) with SQLite's bulk-load pragmas, restored afterwards."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_pragmas(conn, True)
        try:
            yield conn, sqlite
        finally:
            if sqlite:
                _sqlite_pragmas(conn, False)


def reset_demo(engine: Engine) -> None:
    """Delete all rows of all tables (the schema stays)."""
    with loading_connection(engine) as (conn, _sqlite), conn.begin():
        reset_database(conn)


def seed_demo(
    engine: Engine,
    contacts: int = 5000,
    seed: int = 42,
    progress: Progress | None = None,
    *,
    reset: bool = False,
    now: datetime | None = None,
    merge_small_kvs: bool = True,
) -> dict[str, int]:
    """Seed demo data into a migrated database (empty, or reset=True); returns row counts per table."""
    report = progress or (lambda _f, _m: None)
    if reset:
        report(0.0, "Lösche vorhandene Daten")
        reset_demo(engine)
    clock = Clock(now or default_now())
    rng_structure, rng_context = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    pools = build_pools(seed)
    counts: dict[str, int] = {}
    with loading_connection(engine) as (conn, sqlite), conn.begin():
        taken = conn.execute(
            text(
                "SELECT (SELECT COUNT(*) FROM contact) + (SELECT COUNT(*) FROM office) "
                "+ (SELECT COUNT(*) FROM app_user)"
            )
        ).scalar_one()
        if taken:
            raise ConflictError("Die Datenbank enthält schon Daten. Zum Neuaufbau mit --reset starten.")
        report(0.01, "Lade Länder, Kreise, Kreisverbände und PLZ")
        session = Session(bind=conn)  # joins conn's transaction
        load_reference_data(session, merge_small_kvs=merge_small_kvs)
        geo = load_geo(session)
        writer = BulkWriter(conn)
        # The rollups are counted once after the load, not row by row through their triggers.
        rollups.drop_triggers(conn)
        consent_state.drop_triggers(conn)
        topic_mask.drop_triggers(conn)  # the generator writes each contact's mask with the contact
        _seed_structure(writer, session, geo, pools, clock, rng_structure, contacts, seed, counts)
        report(0.04, "Büros, Wahlkampfleitungen und Nutzer:innen angelegt")
        big = contacts >= _REBUILD_INDEXES_FROM
        if big:
            writer.drop_bulk_indexes()
            if sqlite:
                # SQLite evaluates CHECK ... IN (...) slowly (a third of the load time); the
                # generator draws from the same enums, and small seeds (tests) keep the checks.
                conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")
        ctx = ContactContext.build(geo, pools, clock, rng_context)
        report(0.05, f"Kontakte 0/{contacts:,}".replace(",", "."))
        span = 0.84 if big else 0.94
        for first, n, chunk in _generated_chunks(seed, ctx, contacts):
            for table in BULK_TABLES:  # parents first: small seeds keep their foreign keys
                cols, rows = chunk[table]
                writer.insert(table, cols, rows)
                counts[table] = counts.get(table, 0) + len(rows)
            report(
                0.05 + span * (first + n - 1) / contacts, f"Kontakte {first + n - 1:,}/{contacts:,}".replace(",", ".")
            )
        if big:
            writer.rebuild_indexes(lambda f: report(0.89 + 0.08 * f, "Baue Indizes neu"))
        report(0.97, "Zähle die Rollups und die aktiven Einwilligungen")
        rollups.rebuild(conn)
        rollups.install_triggers(conn)
        consent_state.rebuild(conn)
        consent_state.install_triggers(conn)
        topic_mask.install_triggers(conn)
        report(0.98, "Statistiken aktualisieren")
        if sqlite:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        # A big PostgreSQL load gets its statistics from the VACUUM (ANALYZE) below: analyse once, not twice.
        writer.finish(analyze=sqlite or not big)
    if engine.dialect.name == "postgresql" and big:
        # Bulk-loaded pages are not yet all-visible: without VACUUM no count can use an
        # index-only scan, and autovacuum may be off or slow to come.
        report(0.99, "Tabellen aufräumen (VACUUM)")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    report(1.0, "Fertig")
    return counts


def contact_chunks(session: Session, contacts: int, seed: int, now: datetime) -> Iterator[tuple[int, int, dict]]:
    """The very chunks seed_demo writes for these arguments (reference data must be loaded in session)."""
    _, rng_context = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    ctx = ContactContext.build(load_geo(session), build_pools(seed), Clock(now), rng_context)
    return _generated_chunks(seed, ctx, contacts)


def _generated_chunks(seed: int, ctx: ContactContext, contacts: int) -> Iterator[tuple[int, int, dict]]:
    """(first id, size, rows) per chunk; the next chunk is generated while the caller writes this one."""
    next_ids = {"consent": 1, "activity": 1, "offer": 1}
    plan = [(i, first, min(CHUNK, contacts + 1 - first)) for i, first in enumerate(range(1, contacts + 1, CHUNK))]

    def make(i: int, first: int, n: int) -> tuple[int, int, dict]:
        # One independent stream per fixed-size chunk: same seed and size, same rows.
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(100 + i,)))
        return first, n, generate_chunk(rng, ctx, first, n, next_ids)

    # One worker runs the chunks strictly in order, so next_ids advance deterministically.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(make, *plan[0]) if plan else None
        for k in range(len(plan)):
            done = pending.result()
            pending = pool.submit(make, *plan[k + 1]) if k + 1 < len(plan) else None
            yield done


def _seed_structure(
    writer: BulkWriter,
    session: Session,
    geo,
    pools,
    clock: Clock,
    rng,
    contacts: int,
    seed: int,
    counts: dict[str, int],
) -> None:
    offices = build_offices(rng, geo, pools, clock)
    writer.insert_dicts("office", offices)
    leads, needs = build_leads(rng, geo, pools, clock)
    writer.insert_dicts("campaign_lead", leads)
    writer.insert_dicts("lead_need", needs)
    writer.insert_dicts("newspaper_edition", [build_edition(contacts, clock)])
    kv_of_ags = dict(zip(geo.kreise["ags"], geo.kreise["kv_id"].astype(int)))
    users = demo_user_rows(kv_of_ags, clock.ts(np.array([clock.now_s - 400 * 86_400]))[0], seed)
    writer.insert_dicts("app_user", users)
    recompute_nearest_offices(session)
    counts.update(
        office=len(offices), campaign_lead=len(leads), lead_need=len(needs), newspaper_edition=1, app_user=len(users)
    )
