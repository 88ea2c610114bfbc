"""The table of active consents (consent_active), kept by triggers on the consent ledger, and its rebuild.

The ledger decides a consent by its latest record per (contact, purpose, channel) (DESIGN §2). Asking
that of 460,000 records with an anti-join costs PostgreSQL a second when the Liste counts people of all
Germany with a consent, a status and a topic. consent_active holds one row per active (purpose, channel,
contact) and is read in index order beside the contact and topic indexes (a merge, no hashing).

Triggers and not application code, as for the rollups (db/rollups.py): forms, import (COPY), merge,
erasure (cascade), retention and the personal links all write consent records. Each write re-decides
the keys it touched from the ledger. The table serves selection only: every mail and newspaper order
still checks the ledger itself when it is sent (services/privacy, db/queries/mail.py), so a rare race of
two PostgreSQL transactions writing the same person's same consent at once cannot send anything;
`rebuild` repairs, `differences` checks.

channel is '' for a consent without a channel (NULL in the ledger): a primary key cannot hold NULL.
"""

from __future__ import annotations

from sqlalchemy import Connection

from db import statement_triggers

TABLE = "consent_active"


def _same(dialect: str) -> str:
    return "IS" if dialect == "sqlite" else "IS NOT DISTINCT FROM"


def _active(dialect: str, contact: str, purpose: str, channel: str) -> str:
    """SQL: the ledger has an active record for the key given as SQL expressions (channel coalesced to '')."""
    return (
        "EXISTS (SELECT 1 FROM consent c1 WHERE "
        f"c1.contact_id = {contact} AND c1.purpose = {purpose} AND coalesce(c1.channel, '') = {channel} "
        "AND c1.withdrawn_at IS NULL AND NOT EXISTS (SELECT 1 FROM consent c2 WHERE "
        f"c2.contact_id = c1.contact_id AND c2.purpose = c1.purpose AND c2.channel {_same(dialect)} c1.channel "
        "AND c2.withdrawn_at IS NOT NULL "
        "AND (c2.granted_at > c1.granted_at OR (c2.granted_at = c1.granted_at AND c2.id > c1.id))))"
    )


def _all_active(dialect: str, ordered: bool = True) -> str:
    """SQL: every active key of the ledger (ordered: in the primary key's order, for a fast load)."""
    return (
        "SELECT DISTINCT c1.purpose, coalesce(c1.channel, ''), c1.contact_id FROM consent c1 "
        "WHERE c1.withdrawn_at IS NULL AND NOT EXISTS (SELECT 1 FROM consent c2 WHERE "
        f"c2.contact_id = c1.contact_id AND c2.purpose = c1.purpose AND c2.channel {_same(dialect)} c1.channel "
        "AND c2.withdrawn_at IS NOT NULL "
        "AND (c2.granted_at > c1.granted_at OR (c2.granted_at = c1.granted_at AND c2.id > c1.id)))"
        + (" ORDER BY 1, 2, 3" if ordered else "")
    )


# --- SQLite: row triggers -------------------------------------------------------------------------------


def _sqlite_redecide(row: str) -> str:
    key = f"{row}.contact_id", f"{row}.purpose", f"coalesce({row}.channel, '')"
    return (
        f"DELETE FROM {TABLE} WHERE purpose = {key[1]} AND channel = {key[2]} AND contact_id = {key[0]}; "
        f"INSERT INTO {TABLE} (purpose, channel, contact_id) SELECT {key[1]}, {key[2]}, {key[0]} "
        f"WHERE {_active('sqlite', *key)};"
    )


def _sqlite_ddl() -> list[str]:
    return [
        f"CREATE TRIGGER consent_active_insert AFTER INSERT ON consent BEGIN {_sqlite_redecide('NEW')} END",
        f"CREATE TRIGGER consent_active_delete AFTER DELETE ON consent BEGIN {_sqlite_redecide('OLD')} END",
        "CREATE TRIGGER consent_active_update AFTER UPDATE OF contact_id, purpose, channel, granted_at, withdrawn_at "
        f"ON consent BEGIN {_sqlite_redecide('OLD')} {_sqlite_redecide('NEW')} END",
    ]


# --- PostgreSQL: statement triggers with transition tables ---------------------------------------------


def _pg_redecide(keys: str) -> str:
    """Re-decide the distinct keys selected by keys (contact_id, purpose, channel coalesced)."""
    return (
        f"DELETE FROM {TABLE} a USING ({keys}) k "
        "WHERE a.purpose = k.purpose AND a.channel = k.channel AND a.contact_id = k.contact_id; "
        f"INSERT INTO {TABLE} (purpose, channel, contact_id) SELECT k.purpose, k.channel, k.contact_id "
        f"FROM ({keys}) k WHERE {_active('postgresql', 'k.contact_id', 'k.purpose', 'k.channel')} "
        "ON CONFLICT DO NOTHING;"
    )


def _pg_keys(rows: str) -> str:
    return f"SELECT DISTINCT contact_id, purpose, coalesce(channel, '') AS channel FROM {rows}"


_PG_BODIES = {
    "insert": _pg_redecide(_pg_keys("new_rows")),
    "delete": _pg_redecide(_pg_keys("old_rows")),
    "update": _pg_redecide(f"{_pg_keys('old_rows')} UNION {_pg_keys('new_rows')}"),
}


# --- public -------------------------------------------------------------------------------------------------


def install_triggers(conn: Connection) -> None:
    """Create the triggers that keep consent_active (idempotent: drops them first)."""
    statement_triggers.install(conn, "consent_active", "consent", _sqlite_ddl, _PG_BODIES)


def drop_triggers(conn: Connection) -> None:
    """Remove the triggers (a bulk load does without them and calls rebuild afterwards)."""
    statement_triggers.drop(conn, "consent_active", "consent")


def rebuild(conn: Connection) -> None:
    """Decide every consent from the ledger again (after a bulk load, or to repair)."""
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {TABLE} (purpose, channel, contact_id) {_all_active(conn.dialect.name)}")


def differences(conn: Connection) -> set[tuple]:
    """The keys (purpose, channel, contact_id) on which consent_active and the ledger disagree (empty: agree)."""
    # In the database: 2.7 million keys at 1M contacts would not fit comfortably in Python sets.
    stored = f"SELECT purpose, channel, contact_id FROM {TABLE}"
    decided = _all_active(conn.dialect.name, ordered=False)
    sql = f"SELECT * FROM ({stored} EXCEPT {decided}) a UNION ALL SELECT * FROM ({decided} EXCEPT {stored}) b"
    return {tuple(r) for r in conn.exec_driver_sql(sql)}
