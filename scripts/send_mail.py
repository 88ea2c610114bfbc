"""Deliver the mail outbox over SMTP: once, or in a loop (`--loop SECONDS`).

Usage: python -m scripts.send_mail [--loop 30] [--database-url URL]
SMTP server and sender come from the settings (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
SMTP_STARTTLS, MAIL_FROM).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import make_engine  # noqa: E402
from services.core.health import note_sender_run  # noqa: E402
from services.core.runtime import session_scope  # noqa: E402
from services.core.settings import get_settings  # noqa: E402
from services.links.signup import queue_missing_confirmations  # noqa: E402
from services.mail.sender import deliver_due  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the sender; returns the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loop", type=float, default=0, help="seconds between runs; 0 = run once")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    settings = get_settings()
    engine = make_engine(args.database_url or settings.database_url)
    while True:
        with session_scope(engine) as session:  # sign-ups an import marked unconfirmed get their mail now
            queue_missing_confirmations(session, settings)
            session.commit()
        report = deliver_due(engine, settings)
        print(
            f"sent {report.sent}, retry later {report.retry}, failed {report.failed}, "
            f"cancelled (no active consent) {report.dropped}",
            flush=True,
        )
        note_sender_run(engine, report)  # the health check reads it (scripts/healthcheck)
        if args.loop <= 0:
            return 0
        time.sleep(args.loop)


if __name__ == "__main__":
    raise SystemExit(main())
