"""Anonymise people past the retention period (daily job): the Art. 17 erasure; a JSON summary.

Usage: python -m scripts.retention [--dry-run] [--limit N] [--database-url URL]

Who is due: no activity for RETENTION_MONTHS (default 24) and no active consent, not a member,
no open data-subject request (services/privacy/retention.py). --dry-run only counts. The summary
(`due`, `erased`, `blocked`, `due_per_kv`, ...) goes to stdout; the run is in the audit log.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import make_engine  # noqa: E402
from services.core.runtime import session_scope  # noqa: E402
from services.core.settings import get_settings  # noqa: E402
from services.privacy import retention  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run retention once; returns the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="only count who is due; change nothing")
    ap.add_argument("--limit", type=int, default=None, help="anonymise at most N people in this run")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        with session_scope(engine) as session:
            result = retention.run(session, retention.SYSTEM, dry_run=args.dry_run, limit=args.limit)
    finally:
        engine.dispose()
    print(json.dumps(result.summary(), ensure_ascii=False, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
