"""Nightly care of the tables that triggers keep (daily job): fold the rollups, check and repair.

Usage: python -m scripts.maintain_tables [--no-check] [--database-url URL]

1. The rollup tables (db/models/rollup.py) grow by a row per change; compaction folds them into one
   row per key, so the Übersicht and the Karte keep reading thousands of rows.
2. Unless --no-check: the rollups, consent_active (db/consent_state.py) and the topic masks
   (db/topic_mask.py) are compared with the contacts, the consent ledger and the topic rows; what disagrees (a trigger dropped by hand, a restore without
   them) is rebuilt from the source and named in the summary (exit code 1, so the journal shows it).
A JSON summary goes to stdout. Running it again changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection  # noqa: E402

from db import consent_state, rollups, topic_mask  # noqa: E402
from db.engine import make_engine  # noqa: E402
from services.core.settings import get_settings  # noqa: E402


def _rows(conn: Connection) -> int:
    return sum(int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() or 0) for t in rollups.TABLES)


def maintain(conn: Connection, check: bool = True) -> dict:
    """Compact the rollups and, with check, repair what disagrees with its source; the summary."""
    before = _rows(conn)
    rollups.compact(conn)
    summary: dict = {"rollup_rows_before": before, "rollup_rows_after": _rows(conn), "repaired": []}
    if check:
        if rollups.differences(conn):
            rollups.rebuild(conn)
            rollups.install_triggers(conn)
            summary["repaired"].append("rollups")
        if consent_state.differences(conn):
            consent_state.rebuild(conn)
            consent_state.install_triggers(conn)
            summary["repaired"].append("consent_active")
        if topic_mask.differences(conn):
            topic_mask.rebuild(conn)
            topic_mask.install_triggers(conn)
            summary["repaired"].append("topic_mask")
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the care once; 0 when everything agreed, 1 when something had to be rebuilt."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-check", action="store_true", help="only compact, do not compare with the sources")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        with engine.begin() as conn:
            summary = maintain(conn, check=not args.no_check)
    finally:
        engine.dispose()
    print(json.dumps(summary, sort_keys=True), flush=True)
    return 1 if summary["repaired"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
