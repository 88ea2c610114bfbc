"""Engine and session factory: one engine per process, one session per action."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_ERASED = "cockpit_erased_a_person"
BUSY_TIMEOUT_MS = 10000


def _setup_sqlite(engine: Engine, read_only: bool) -> None:
    # pysqlite recipe: let SQLAlchemy own transactions so DDL is transactional and
    # SAVEPOINTs work; WAL + busy_timeout let the app and a seeder share the file.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten rows are zeroed in the file, not left in free pages (GDPR Art. 17).
        cur.execute("PRAGMA secure_delete=ON")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    # IMMEDIATE: a deferred read transaction that later writes fails at once with
    # "database is locked" when another connection wrote meanwhile (WAL snapshot rule);
    # taking the write lock up front makes concurrent reruns wait (busy_timeout) instead.
    # A read-only engine keeps deferred BEGIN: its long reads must not hold the write lock.
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql(begin)


def mark_erased(session: Session) -> None:
    """Note that this session erased a person: after its commit the SQLite WAL is emptied (see below)."""
    session.info[_ERASED] = True


@event.listens_for(Session, "after_commit")
def _after_erasure_commit(session: Session) -> None:
    if session.info.pop(_ERASED, False):
        bind = session.get_bind()
        checkpoint_wal(bind.engine if isinstance(bind, Connection) else bind)


def checkpoint_wal(engine: Engine) -> bool:
    """SQLite: copy the WAL into the database file and truncate it, so no old page of an erased person stays
    in the WAL (secure_delete has zeroed it in the new pages). Does not wait for other connections: with a
    reader or writer busy the WAL is emptied at a later checkpoint. True when it was emptied; PostgreSQL: False.
    """
    if engine.dialect.name != "sqlite":
        return False
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA busy_timeout=0")
        try:
            busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()
    finally:
        raw.close()
    return busy == 0


def make_engine(url: str, read_only: bool = False, **kwargs) -> Engine:
    """Create an engine for SQLite or PostgreSQL; read_only engines refuse writes (SQLite)."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            raise ValueError("In-memory SQLite is not shared across threads; use a file.")
        engine = create_engine(url, **kwargs)
        _setup_sqlite(engine, read_only)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    connect_args = kwargs.pop("connect_args", {})
    # Generic plans after 5 runs ignore the prefix index of name search (DESIGN §8).
    connect_args.setdefault("prepare_threshold", None)
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine; sessions never auto-commit."""
    return sessionmaker(engine, expire_on_commit=False)
