"""Shared DDL for tables kept by triggers on one source table (consent_active, contact.topic_mask).

Each keeper has three triggers named <prefix>_insert, <prefix>_delete and <prefix>_update: SQLite row
triggers, PostgreSQL statement triggers whose functions read the transition tables new_rows / old_rows.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

_EVENTS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def names(prefix: str) -> tuple[str, str, str]:
    """The three trigger (and PostgreSQL function) names of a keeper."""
    return tuple(f"{prefix}_{event}" for event in _EVENTS)


def pg_ddl(prefix: str, table: str, bodies: dict[str, str]) -> list[str]:
    """PostgreSQL: a plpgsql function per event (bodies keyed 'insert', 'delete', 'update') and its trigger."""
    ddl = [
        f"CREATE OR REPLACE FUNCTION {prefix}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {bodies[event]} RETURN NULL; END $$"
        for event in _EVENTS
    ]
    ddl += [
        f"CREATE TRIGGER {prefix}_{event} {on.format(table=table)} FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_{event}()"
        for event, on in _EVENTS.items()
    ]
    return ddl


def install(conn: Connection, prefix: str, table: str, sqlite_ddl: Callable[[], list[str]], pg_bodies: dict) -> None:
    """Create a keeper's triggers (idempotent: drops them first)."""
    drop(conn, prefix, table)
    ddl = pg_ddl(prefix, table, pg_bodies) if conn.dialect.name == "postgresql" else sqlite_ddl()
    for stmt in ddl:
        conn.exec_driver_sql(stmt)


def drop(conn: Connection, prefix: str, table: str) -> None:
    """Remove a keeper's triggers."""
    on = f" ON {table}" if conn.dialect.name == "postgresql" else ""
    for name in names(prefix):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{on}")
