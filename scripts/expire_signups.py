"""Double opt-in housekeeping (daily job): mail waiting sign-ups their confirmation, let old ones lapse.

Usage: python -m scripts.expire_signups [--days 30] [--database-url URL]

1. Whoever has waited longer than --days (default 30) loses every consent (withdrawn, queued mails
   cancelled, audited as signup_lapsed).
2. Everyone else whose sign-up waits for confirmation (contact.unconfirmed_since, set by the Kontakte form
   for the source Webformular or by an import marked "unbestätigt") and who has no confirmation mail yet
   gets one in the outbox (the sender delivers it).
Running it again changes nothing. A JSON summary goes to stdout.
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
from services.links import signup  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the sign-up housekeeping once; returns the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=signup.SIGNUP_LAPSE_DAYS, help="lapse after this many days")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args(argv)
    engine = make_engine(args.database_url or get_settings().database_url)
    try:
        with session_scope(engine) as session:
            result = signup.lapse_unconfirmed(session, days=args.days)  # first: no new mail for the lapsed
            queued = signup.queue_missing_confirmations(session)
            session.commit()
    finally:
        engine.dispose()
    print(json.dumps({"confirmations_queued": queued, **result}, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
