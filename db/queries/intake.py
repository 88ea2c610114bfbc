"""Queries of the import: PLZ places in bulk, existing people to compare with, bulk writes, batches, presets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    Consent,
    Contact,
    ContactTopic,
    ImportBatch,
    Kreis,
    Kreisverband,
    Land,
    MappingPreset,
    Plz,
)
from db.queries.common.chunks import in_chunks
from db.scope import Scope, apply_area

CHUNK = 900  # bound parameters per IN list stay below SQLite's limit


# SQLite's page cache for an import (KiB, negative as PRAGMA cache_size takes it): 100,000 new people touch
# random pages of some twenty indexes; with the default 2 MB most of those pages are read again and again.
IMPORT_CACHE_KIB = 128 * 1024


@contextmanager
def import_cache(session: Session) -> Iterator[None]:
    """For the block, a larger SQLite page cache on the session's connection (restored after); PostgreSQL: nothing.

    Set and restored on the DBAPI connection itself: a PRAGMA through the session after its commit would
    begin a new transaction.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    dbapi = session.connection().connection.dbapi_connection
    before = int(dbapi.execute("PRAGMA cache_size").fetchone()[0])
    dbapi.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        dbapi.execute(f"PRAGMA cache_size = {before}")


def known_plz(session: Session) -> set[str]:
    """Every PLZ the Cockpit knows (about 8,300)."""
    return set(session.scalars(select(Plz.plz)))


def places(session: Session, plzs: Iterable[str]) -> dict[str, tuple]:
    """PLZ -> (place, kreis_ags, kv_id, kv name, land_code, land name) for the given PLZ."""
    wanted = sorted(set(plzs))
    out = {}
    for chunk in in_chunks(wanted, CHUNK):
        rows = session.execute(
            select(Plz.plz, Plz.place, Plz.kreis_ags, Kreis.kv_id, Kreisverband.name, Kreis.land_code, Land.name)
            .join(Kreis, Kreis.ags == Plz.kreis_ags)
            .join(Kreisverband, Kreisverband.id == Kreis.kv_id)
            .join(Land, Land.code == Kreis.land_code)
            .where(Plz.plz.in_(chunk))
        )
        out.update({r[0]: tuple(r[1:]) for r in rows})
    return out


def exact_keys(session: Session, emails: Sequence[str], phones: Sequence[str]) -> tuple[dict, dict]:
    """Existing people by e-mail key and by phone key (every Kreisverband: a person is in the database once).

    The `<> ''` terms repeat the partial indexes' condition: without them SQLite does not use those indexes.
    """
    by_email, by_phone = {}, {}
    for chunk in in_chunks(sorted({e for e in emails if e}), CHUNK):
        for cid, key in session.execute(
            select(Contact.id, Contact.email_key).where(Contact.email_key != "", Contact.email_key.in_(chunk))
        ):
            by_email.setdefault(key, cid)
    for chunk in in_chunks(sorted({p for p in phones if p}), CHUNK):
        for cid, key in session.execute(
            select(Contact.id, Contact.phone_key).where(Contact.phone_key != "", Contact.phone_key.in_(chunk))
        ):
            by_phone.setdefault(key, cid)
    return by_email, by_phone


COMPARE_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "email_key",
    "phone_key",
    "street",
    "plz",
    "city",
    "birth_year",
    "kv_id",
    "land_code",
)


def people_like(session: Session, keys: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """The compared fields of the people in a PLZ whose first or last name starts like one of the names given
    for that PLZ (blocking by place and name in the database: a national file reads a few thousand rows, not
    the million). keys: (plz, first or last name) of the new people.
    """
    rows = sorted({(plz, name) for plz, name in keys if plz and name})
    if not rows:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS))
    # Both sides go through the same SQL lower(substr()) so that SQLite's ASCII-only lower() agrees with itself.
    # The names are loaded in bulk, then folded to their distinct (PLZ, two letters) keys: one probe per key.
    session.execute(text("CREATE TEMPORARY TABLE intake_names (plz VARCHAR(5), n VARCHAR(80))"))
    try:
        insert_plain(session, "intake_names", ("plz", "n"), rows)
        session.execute(
            text(
                "CREATE TEMPORARY TABLE intake_keys AS "
                "SELECT DISTINCT plz, lower(substr(n, 1, 2)) AS k FROM intake_names"
            )
        )
        sqlite = session.get_bind().dialect.name == "sqlite"
        if not sqlite:
            session.execute(text("ANALYZE intake_keys"))
        cols = ", ".join(f"c.{c}" for c in COMPARE_COLUMNS)
        found = session.execute(
            text(" UNION ALL ".join(_name_block(cols, name, sqlite) for name in ("last", "first")))
        ).all()
    finally:
        session.execute(text("DROP TABLE IF EXISTS intake_keys"))
        session.execute(text("DROP TABLE intake_names"))
    # A person found by both names comes once, in id order (the order does not depend on the plan).
    frame = pd.DataFrame([tuple(r) for r in found], columns=list(COMPARE_COLUMNS))  # plain tuples: pandas probes Rows
    return frame.drop_duplicates("id").sort_values("id", kind="stable").reset_index(drop=True)


def _name_block(cols: str, name: str, sqlite: bool) -> str:
    # One join per name, served by the index on (plz, lower(substr(<name>, 1, 2))) of migration 0013. SQLite
    # has no statistics for the temporary table: CROSS JOIN keeps it the outer loop, and INDEXED BY makes the
    # lookup read the index that holds the name key (another index on plz would fetch every row to test it).
    join = f"CROSS JOIN contact c INDEXED BY ix_contact_plz_{name}2" if sqlite else "JOIN contact c ON true"
    return f"SELECT {cols} FROM intake_keys k {join} WHERE c.plz = k.plz AND lower(substr(c.{name}_name, 1, 2)) = k.k"


def people_of_area(session: Session, kv_id: int | None, land_code: str | None) -> pd.DataFrame:
    """The compared fields of everyone in a KV or a Land (a scan for duplicates)."""
    stmt = select(*[getattr(Contact, c) for c in COMPARE_COLUMNS])
    stmt = stmt.where(Contact.kv_id == kv_id) if kv_id is not None else stmt.where(Contact.land_code == land_code)
    return pd.DataFrame(session.execute(stmt).all(), columns=list(COMPARE_COLUMNS))


def insert_contacts(session: Session, rows: list[dict]) -> list[int]:
    """Insert contacts in order and return their new ids in the same order.

    The ids are taken first (SQLite: after the highest, under the write lock the transaction holds
    from its BEGIN IMMEDIATE; PostgreSQL: from the id sequence), then the rows go in by one bulk
    write (executemany, COPY): no statement per row, no RETURNING.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        first = int(session.scalar(select(func.coalesce(func.max(Contact.id), 0)))) + 1
        ids = list(range(first, first + len(rows)))
    else:
        ids = sorted(
            session.scalars(
                text("SELECT nextval(pg_get_serial_sequence('contact', 'id')) FROM generate_series(1, :n)"),
                {"n": len(rows)},
            )
        )
    insert_rows(session, Contact, [{**row, "id": cid} for row, cid in zip(rows, ids)])
    return ids


def insert_plain(session: Session, table: str, cols: Sequence[str], data: Sequence[Sequence]) -> None:
    """Bulk insert tuples of plain values into a table (PostgreSQL: COPY; SQLite: one executemany)."""
    if not data:
        return
    session.flush()
    conn = session.connection()
    names = ", ".join(cols)
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for values in data:
                copy.write_row(values)
        return
    cur = dbapi.cursor()
    try:
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", data)
    finally:
        cur.close()


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Bulk insert plain rows that share their keys (PostgreSQL: COPY; SQLite: one executemany).

    Values pass the columns' own bind processing (aware datetimes become naive UTC, dates on SQLite
    text), so the rows are stored exactly as an ORM insert would store them.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    table = model.__table__
    cols = list(rows[0])
    procs = [table.c[c].type.bind_processor(dialect) for c in cols]
    data = [tuple(v if p is None else p(v) for v, p in zip((row[c] for c in cols), procs)) for row in rows]
    insert_plain(session, table.name, cols, data)


def existing_topics(session: Session, contact_ids: Sequence[int]) -> set[tuple[int, str]]:
    """(contact id, topic) pairs that exist among these contacts."""
    found = set()
    for chunk in in_chunks(sorted(set(contact_ids)), CHUNK):
        found.update(
            (int(c), t)
            for c, t in session.execute(
                select(ContactTopic.contact_id, ContactTopic.topic).where(ContactTopic.contact_id.in_(chunk))
            )
        )
    return found


def batches_in_scope(session: Session, scope: Scope, limit: int = 50) -> list[ImportBatch]:
    """The newest import batches of the user's area (kreis: its KV, land: its Land, team/admin: all)."""
    stmt = select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(limit)
    return list(session.scalars(_batch_scope(stmt, scope)))


def _batch_scope(stmt, scope: Scope):
    # A batch belongs to the area of whoever imported it (kreis: its KV, land: its Land, team/admin: all).
    return apply_area(stmt, scope, ImportBatch.kv_id, ImportBatch.land_code)


def batch_for_update(session: Session, scope: Scope, batch_id: int) -> ImportBatch | None:
    """One batch of the user's area, locked for a rollback."""
    stmt = _batch_scope(select(ImportBatch).where(ImportBatch.id == batch_id), scope)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def batch_people(session: Session, batch_id: int) -> tuple[int, object]:
    """How many people the batch created still exist, and when the latest of them was last changed."""
    row = session.execute(
        select(func.count(), func.max(Contact.updated_at)).where(Contact.import_batch_id == batch_id)
    ).one()
    return int(row[0]), row[1]


def remove_batch_rows(session: Session, batch_id: int) -> dict[str, int]:
    """Delete what a batch wrote: its people (with everything that cascades) and what it added to others."""
    removed = {}
    for model, key in ((ContactTopic, "topics"), (Consent, "consents"), (Activity, "activities")):
        removed[key] = session.execute(delete(model).where(model.import_batch_id == batch_id)).rowcount
    removed["people"] = session.execute(delete(Contact).where(Contact.import_batch_id == batch_id)).rowcount
    return removed


def presets(session: Session) -> list[MappingPreset]:
    """All saved column mappings, by name."""
    return list(session.scalars(select(MappingPreset).order_by(MappingPreset.name)))


def preset_by_name(session: Session, name: str) -> MappingPreset | None:
    """The preset with this name, if any."""
    return session.scalar(select(MappingPreset).where(MappingPreset.name == name))


def touch_contacts(session: Session, ids: Sequence[int], now) -> None:
    """Mark people as changed now (an import added topics or consents to them)."""
    for chunk in in_chunks(list(ids), CHUNK):
        session.execute(update(Contact).where(Contact.id.in_(chunk)).values(updated_at=now))


def kv_and_land_of(session: Session, ids: Sequence[int]) -> dict[int, tuple]:
    """Contact id -> (kv_id, land_code)."""
    out = {}
    for chunk in in_chunks(list(ids), CHUNK):
        out.update(
            {
                int(c): (kv, land)
                for c, kv, land in session.execute(
                    select(Contact.id, Contact.kv_id, Contact.land_code).where(Contact.id.in_(chunk))
                )
            }
        )
    return out
