"""contact.topic_mask: a person's topics as bits, kept by triggers on contact_topic, and its rebuild.

The Entwicklung page splits the ladder by topic. Joining 550,000 people who entered in a year with their
1.1 million topic rows took one to two and a half seconds at 1M contacts; grouping the people by their
topic bits reads one covering index (ix_contact_ladder and its Land and KV variants) and takes a few
hundred milliseconds. services.ladder expands the bits into topics again.

Triggers and not application code, as for the rollups (db/rollups.py): forms, import (COPY), merge,
erasure, the personal links ("Meine Themen") and raw SQL all write topics. (contact_id, topic) is the
primary key of contact_topic, so an insert sets exactly its bit and a delete clears exactly its bit;
PostgreSQL re-evaluates `topic_mask | bits` on the newest row when two transactions change the same
person, so concurrent writers do not lose each other's bits. A topic outside BITS has no bit (the page
shows only the known topics). `differences` checks, `rebuild` repairs (scripts/maintain_tables.py).

A deleted contact's topic rows are deleted after it (cascade): their triggers find no contact and update
nothing. That is why db/rollups.py counts a contact's topics out before the delete without deleting them.
"""

from __future__ import annotations

from sqlalchemy import Connection

from db import statement_triggers
from domain.enums import TOPICS

# Bit per topic, in the order of domain.enums.TOPICS: a new topic is appended and gets the next bit.
BITS: dict[str, int] = {topic: 1 << i for i, topic in enumerate(TOPICS)}


def bit_sql(topic: str) -> str:
    """SQL: the bit of the topic given as an SQL expression (0 for an unknown topic)."""
    cases = " ".join(f"WHEN '{t}' THEN {b}" for t, b in BITS.items())
    return f"(CASE {topic} {cases} ELSE 0 END)"


def mask_of_topics(topics) -> int:
    """The mask of a collection of topic codes (what the triggers compute for a person's topic rows)."""
    return sum(BITS.get(t, 0) for t in set(topics))


# --- SQLite: row triggers -------------------------------------------------------------------------------


def _sqlite_set(row: str) -> str:
    bit = bit_sql(f"{row}.topic")
    return (
        f"UPDATE contact SET topic_mask = topic_mask | {bit} WHERE id = {row}.contact_id AND (topic_mask & {bit}) = 0;"
    )


def _sqlite_clear(row: str) -> str:
    bit = bit_sql(f"{row}.topic")
    return f"UPDATE contact SET topic_mask = topic_mask & ~{bit} WHERE id = {row}.contact_id AND (topic_mask & {bit}) <> 0;"


def _sqlite_ddl() -> list[str]:
    return [
        f"CREATE TRIGGER topic_mask_insert AFTER INSERT ON contact_topic BEGIN {_sqlite_set('NEW')} END",
        f"CREATE TRIGGER topic_mask_delete AFTER DELETE ON contact_topic BEGIN {_sqlite_clear('OLD')} END",
        "CREATE TRIGGER topic_mask_update AFTER UPDATE OF contact_id, topic ON contact_topic "
        f"BEGIN {_sqlite_clear('OLD')} {_sqlite_set('NEW')} END",
    ]


# --- PostgreSQL: statement triggers with transition tables ---------------------------------------------


def _pg_bits(rows: str) -> str:
    return f"SELECT contact_id, bit_or({bit_sql('r.topic')}) AS bits FROM {rows} r GROUP BY contact_id"


def _pg_set(rows: str) -> str:
    return (
        f"UPDATE contact c SET topic_mask = c.topic_mask | d.bits FROM ({_pg_bits(rows)}) d "
        "WHERE c.id = d.contact_id AND (c.topic_mask | d.bits) <> c.topic_mask;"
    )


def _pg_clear(rows: str) -> str:
    return (
        f"UPDATE contact c SET topic_mask = c.topic_mask & ~d.bits FROM ({_pg_bits(rows)}) d "
        "WHERE c.id = d.contact_id AND (c.topic_mask & d.bits) <> 0;"
    )


_PG_BODIES = {
    "insert": _pg_set("new_rows"),
    "delete": _pg_clear("old_rows"),
    # Clear what left, then set what is there now: a row whose key did not change is cleared and set again.
    "update": _pg_clear("old_rows") + " " + _pg_set("new_rows"),
}


# --- public -------------------------------------------------------------------------------------------------


def install_triggers(conn: Connection) -> None:
    """Create the triggers that keep contact.topic_mask (idempotent: drops them first)."""
    statement_triggers.install(conn, "topic_mask", "contact_topic", _sqlite_ddl, _PG_BODIES)


def drop_triggers(conn: Connection) -> None:
    """Remove the triggers (a bulk load writes the masks itself)."""
    statement_triggers.drop(conn, "topic_mask", "contact_topic")


def _computed(dialect: str) -> str:
    agg = "bit_or" if dialect == "postgresql" else "sum"  # sum equals bit_or here: one row per (person, topic)
    return f"SELECT t.contact_id, {agg}({bit_sql('t.topic')}) AS mask FROM contact_topic t GROUP BY t.contact_id"


def rebuild(conn: Connection) -> None:
    """Write every person's mask from their topic rows again (after a migration, or to repair)."""
    conn.exec_driver_sql(
        f"UPDATE contact SET topic_mask = m.mask FROM ({_computed(conn.dialect.name)}) m "
        "WHERE m.contact_id = contact.id AND contact.topic_mask <> m.mask"
    )
    conn.exec_driver_sql(
        "UPDATE contact SET topic_mask = 0 WHERE topic_mask <> 0 "
        "AND NOT EXISTS (SELECT 1 FROM contact_topic t WHERE t.contact_id = contact.id)"
    )


def differences(conn: Connection) -> set[int]:
    """The ids of contacts whose mask disagrees with their topic rows (empty when all agree)."""
    wrong = f"SELECT c.id FROM contact c LEFT JOIN ({_computed(conn.dialect.name)}) m ON m.contact_id = c.id "
    wrong += "WHERE c.topic_mask <> coalesce(m.mask, 0)"
    return {int(r[0]) for r in conn.exec_driver_sql(wrong)}
