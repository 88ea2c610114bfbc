"""The audit log is append-only in the database itself (DESIGN §2): triggers refuse changing it.

Revoking UPDATE and DELETE is not enough: the table's owner (the role that ran the migrations,
often the app's own) keeps every right on it. Triggers hold for every role, the owner too:
SQLite raises on UPDATE and DELETE, PostgreSQL on UPDATE, DELETE and TRUNCATE. Migration 0010
installs them; a production role gets no UPDATE/DELETE at all (deploy/postgres/grants.sql).

Anyone who may change the schema can drop a trigger: only wiping a whole demo database does
that, openly, through suspended().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

MESSAGE = "audit_event is append-only"

SQLITE_TRIGGERS = {
    "audit_event_no_update": (
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END"
    ),
    "audit_event_no_delete": (
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END"
    ),
}

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = {
    "audit_event_no_change": (
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    ),
    "audit_event_no_truncate": (
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    ),
}


def triggers_for(dialect: str) -> dict[str, str]:
    """The guarding triggers of a dialect: name → CREATE statement."""
    return PG_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def install(conn: Connection) -> None:
    """Create the triggers (and on PostgreSQL their function)."""
    dialect = conn.dialect.name
    # text(), not exec_driver_sql: psycopg would read the function's '%' as a placeholder.
    if dialect == "postgresql":
        conn.execute(text(PG_FUNCTION))
    for sql in triggers_for(dialect).values():
        conn.execute(text(sql))


def remove(conn: Connection) -> None:
    """Drop the triggers (the function stays on PostgreSQL)."""
    on = " ON audit_event" if conn.dialect.name == "postgresql" else ""
    for name in triggers_for(conn.dialect.name):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{on}")


def installed(conn: Connection) -> set[str]:
    """Names of the guarding triggers present on audit_event."""
    if conn.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    return set(conn.execute(text(sql)).scalars()) & set(triggers_for(conn.dialect.name))


@contextmanager
def suspended(conn: Connection) -> Iterator[None]:
    """Drop the triggers for the block and put them back (only for wiping a whole demo database).

    Use inside a transaction: if the block fails, the rollback restores the triggers as well.
    """
    remove(conn)
    yield
    install(conn)
