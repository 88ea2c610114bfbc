"""Entwicklung (ladder) speed at 1M contacts: the page's queries for Germany, a Land and a KV (goal <= 1 s, aim 200 ms).

python -m bench.bench_ladder [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Seeds a database first when it holds fewer than --contacts contacts. Inside one transaction that is rolled back
at the end (the shared 1M databases stay unchanged), adds calls and surveys with answers (400,000 deliveries,
a third answered) so that "answered before becoming active" has work to do.
Prints per database and user: the first run (cold), the best of the next runs with the page cache cleared
(warm database), the page's cached answer, and the topic split the page loads on demand.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text

from bench.bench_overview import ensure_seeded
from bench.common import PG_1M, SQLITE_1M, rolled_back_session, settle
from db.models import CallToAction, Contact, User
from services.core.scope import scope_for
from services.ladder.view import build_ladder, build_topics, clear_cache

CALLS, PER_CALL_MOD = 20, 50  # each call reaches every 50th contact (20,000), a third of them answer
GOAL, AIM = 1.0, 0.2
# (label, user, Land chosen on the page)
CASES = (
    ("Deutschland (team)", "team", None),
    ("Land Sachsen (lv-sachsen)", "lv-sachsen", None),
    ("Land Sachsen (team wählt)", "team", "14"),
    ("KV Leipzig (kv-leipzig)", "kv-leipzig", None),
    ("Deutschland (leitung)", "leitung", None),
)


def add_answers(s) -> None:
    """Add CALLS calls (every fourth a survey) and their deliveries with answers in the session's transaction."""
    t = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(CALLS):
        sent = now - timedelta(days=18 * (i + 1))
        call = CallToAction(
            title=f"Bench-Aufruf {i + 1}",
            kind="survey" if i % 4 == 3 else "call",
            created_at=sent,
            sent_at=sent,
        )
        s.add(call)
        s.flush()
        answered = (sent + timedelta(days=2)).replace(tzinfo=None)
        response = "" if call.kind == "survey" else ("accepted", "declined", "attended")[i % 3]
        s.execute(
            text(
                "INSERT INTO call_delivery (call_id, contact_id, channel, sent_at, responded_at, response) "
                "SELECT :call, id, 'email', :sent, CASE WHEN id % 3 = 0 THEN :answered END, "
                "CASE WHEN id % 3 = 0 THEN :response ELSE '' END FROM contact WHERE id % :mod = :k"
            ),
            {
                "call": call.id,
                "sent": sent.replace(tzinfo=None),
                "answered": answered,
                "response": response,
                "mod": PER_CALL_MOD,
                "k": i % PER_CALL_MOD,
            },
        )
    # ANALYZE may run inside a transaction (VACUUM may not): the planner sees the added rows, and the statistics
    # are rolled back with them (PostgreSQL's row counts in pg_class excepted: bench() counts again afterwards).
    s.execute(text("ANALYZE call_delivery"))
    s.execute(text("ANALYZE call_to_action"))
    print(f"  added {CALLS} calls and their deliveries in {time.perf_counter() - t:.1f} s (rolled back at the end)")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def bench(url: str, repeat: int) -> None:
    """Print the ladder's times per case on one database, inside a transaction that is rolled back."""
    with rolled_back_session(url) as s:
        n = s.scalar(select(func.count()).select_from(Contact))
        today = date.today()
        start = date(today.year - 1, today.month, 1)
        dialect = s.get_bind().dialect.name
        print(f"\n{dialect}: {n:,} contacts; period {start} .. {today} (the page's default)".replace(",", "."))
        add_answers(s)
        print(f"  load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        print(f"  goal <= {GOAL:.0f} s, aim {AIM * 1000:.0f} ms")
        for label, username, land in CASES:
            scope = scope_for(s.scalar(select(User).where(User.username == username)))

            def page(sess=s, scope=scope, land=land):
                return build_ladder(sess, scope, start, today, land)

            clear_cache()
            t = time.perf_counter()
            view = page()
            cold = time.perf_counter() - t
            warm = []
            for _ in range(repeat):
                clear_cache()
                t = time.perf_counter()
                page()
                warm.append(time.perf_counter() - t)
            t = time.perf_counter()
            page()
            cached = time.perf_counter() - t
            clear_cache()
            t = time.perf_counter()
            build_topics(s, scope, start, today, land)
            topics = time.perf_counter() - t
            verdict = "ok" if min(warm) <= GOAL else "SLOW"
            print(
                f"  {label:<28} cold {_ms(cold)}  warm {_ms(min(warm))}  cached {_ms(cached)}  [{verdict}]"
                f"   topics (on demand) {_ms(topics)}   entered {view.entered}, active {view.became_active}"
            )
    # PostgreSQL writes ANALYZE's row counts into pg_class in place, not rolled back: count the tables again.
    settle(url, "call_delivery", "call_to_action")
    print(f"  load average after {os.getloadavg()[0]:.2f}")


def main() -> None:
    """Seed if needed, print the figures per database."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sqlite", default=SQLITE_1M, help="SQLite file; empty skips SQLite")
    ap.add_argument("--pg", default=PG_1M, help="PostgreSQL URL; empty skips PostgreSQL")
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for url in ([f"sqlite:///{args.sqlite}"] if args.sqlite else []) + ([args.pg] if args.pg else []):
        ensure_seeded(url, args.contacts)
        bench(url, args.repeat)


if __name__ == "__main__":
    main()
