"""Which indexes a call's queries use: capture the SELECTs a function runs, ask the database for their plans.

Used by the benchmarks to print the plan's index use beside a time (issue 12), without touching product code:
the statements are caught at the cursor and explained afterwards with the same parameters.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def captured(session: Session):
    """Collect (statement, parameters) of every SELECT run on the session's connection inside the block."""
    conn = session.connection()
    seen: list[tuple[str, object]] = []

    def before(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", before)


def _pg_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def indexes_used(session: Session, statement: str, parameters) -> list[str]:
    """The indexes (or 'scan <table>' for a full read) in the plan of one captured statement, in plan order."""
    raw = session.connection().connection.dbapi_connection
    cur = raw.cursor()
    if session.get_bind().dialect.name == "postgresql":
        cur.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        out = []
        for node in _pg_nodes(plan[0]["Plan"]):
            if "Index Name" in node:
                out.append(node["Index Name"])
            elif node.get("Node Type") == "Seq Scan":
                out.append(f"scan {node['Relation Name']}")
        return list(dict.fromkeys(out))
    cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    out = []
    for row in cur.fetchall():
        detail = row[-1]
        found = re.search(r"USING (?:COVERING |INTEGER PRIMARY KEY|PRIMARY KEY)?\s*(?:INDEX )?(\w+)?", detail)
        if "USING INTEGER PRIMARY KEY" in detail:
            out.append(f"{detail.split()[1]} rowid")
        elif found and found.group(1):
            out.append(found.group(1))
        elif detail.startswith("SCAN "):
            out.append(f"scan {detail.split()[1]}")
    return list(dict.fromkeys(out))


def plan_summary(session: Session, fn) -> str:
    """Run fn() and name the indexes of each SELECT it ran: 'ix_a, ix_b | pk_c' (one group per statement)."""
    with captured(session) as seen:
        fn()
    return " | ".join(", ".join(indexes_used(session, s, p)) or "-" for s, p in seen)
