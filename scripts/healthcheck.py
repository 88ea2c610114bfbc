"""Health check for operators and monitoring: exits 0 when healthy, 1 with German messages when not.

Usage: scripts/healthcheck [--database-url URL] [--outbox-minutes 30] [--sender-minutes 10] [--no-sender]
                           [--app-processes N]
Checks: the database answers, its migrations are at the code's head, no mail waits in the outbox
longer than --outbox-minutes, and the mail sender (scripts.send_mail) last succeeded no longer than
--sender-minutes ago (leave out with --no-sender where no sender runs). With --app-processes N (deploy/up
passes it), PostgreSQL's max_connections must hold N app processes and 3 other clients with
DB_POOL_SIZE + DB_MAX_OVERFLOW connections each.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import make_engine  # noqa: E402
from services.core.health import HealthLimits, check_health  # noqa: E402
from services.core.settings import ConfigError, get_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the check and print what it found; returns the exit code (0 healthy, 1 unhealthy, 2 misconfigured)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--outbox-minutes", type=float, default=30)
    ap.add_argument("--sender-minutes", type=float, default=10)
    ap.add_argument("--no-sender", action="store_true", help="do not check the mail sender's last success")
    ap.add_argument("--app-processes", type=int, default=0, help="check max_connections for N app processes")
    args = ap.parse_args(argv)
    per_process = 0
    try:
        # Settings only when needed: without DATABASE_URL they are the demo's, which makes its key files.
        url = args.database_url or get_settings().database_url
        if args.app_processes > 0:
            per_process = get_settings().db_pool_size + get_settings().db_max_overflow
    except ConfigError as exc:
        print(f"FEHLER: {exc}", file=sys.stderr)
        return 2
    # A stopped database must fail the check quickly, not after the driver's default wait.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = make_engine(url, connect_args=connect_args)
    limits = HealthLimits(
        outbox_max_age=timedelta(minutes=args.outbox_minutes),
        sender_max_age=timedelta(minutes=args.sender_minutes),
        check_sender=not args.no_sender,
        app_processes=args.app_processes,
        connections_per_process=per_process,
    )
    try:
        report = check_health(engine, limits)
    finally:
        engine.dispose()
    for fact in report.facts:
        print(f"ok: {fact}")
    for problem in report.problems:
        print(f"FEHLER: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
