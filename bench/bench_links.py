"""Personal links at 1M contacts: opening each link view (service time, cold and warm), the page in Chromium,
and the sender's rate to a local SMTP server (aiosmtpd) with mails that carry personal links.

python -m bench.bench_links [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
                            [--mails 2000] [--no-browser]

Goals (issue 10): a link page answers ≤ 300 ms; the sender delivers ≥ 50 mails/s.
1. Service time of the public page's one read (services.links.access.open_link) per purpose, and of each
   action, on the 1M database, inside one transaction that is rolled back (the database stays unchanged).
2. The page in Chromium: from goto(link) to the view's heading on screen, against `streamlit run app.py`
   on the 1M database, which it only reads (cold: new browser context; warm: the same link again).
3. The sender: --mails call mails with personal links queued in a scratch database of each kind
   (/tmp/bench_sender.sqlite, or the PostgreSQL database bench_sender on the server of --pg; seeded with
   2,000 contacts, its seeded mails removed), delivered by services.mail.sender to aiosmtpd.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import PG_1M, SQLITE_1M, rolled_back_session, settle  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.models import CallDelivery, CallToAction, Contact, MailOutbox  # noqa: E402
from db.queries.contacts.consent import active_consent_filter  # noqa: E402
from services.core.settings import load_settings  # noqa: E402
from services.links import access, answers, preferences, signup  # noqa: E402
from services.links.mail_links import link_url, personal_link_block  # noqa: E402
from services.links.tokens import issue_token  # noqa: E402

SENDER_SQLITE = Path("/tmp/bench_sender.sqlite")
SENDER_PG_DB = "bench_sender"
PAGE_GOAL_MS, SENDER_GOAL = 300, 50
WARM_RUNS = 20


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f}"


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _line(label: str, cold: float, warm: list[float]) -> None:
    med = statistics.median(warm)
    verdict = "ok" if max(cold, med) <= PAGE_GOAL_MS else "OVER GOAL"
    print(f"  {label:<44} cold {cold:7.1f} ms   warm median {med:6.1f} ms  (goal ≤ {PAGE_GOAL_MS} ms: {verdict})")


def _target(session) -> tuple[int, int]:
    """A person in the middle of the table with an active call consent, and a sent call delivered to them."""
    n = session.scalar(select(func.max(Contact.id)))
    cid = session.scalar(
        select(Contact.id)
        .where(Contact.id >= n // 2, Contact.email != "", active_consent_filter("call_to_action", "email"))
        .order_by(Contact.id)
        .limit(1)
    )
    call = CallToAction(
        title="Bench", body="Bench", mode="online", topics="miete", region_level="national", sent_at=datetime.now(UTC)
    )
    session.add(call)
    session.flush()
    session.add(CallDelivery(call_id=call.id, contact_id=cid, sent_at=datetime.now(UTC)))
    session.get(Contact, cid).unconfirmed_since = datetime.now(UTC)
    session.flush()
    return cid, call.id


def bench_services(url: str, name: str, settings) -> None:
    """Service time of each view and action on the 1M database, rolled back."""
    settle(url, "contact", "consent", "activity", "call_delivery", "mail_outbox")
    with rolled_back_session(url) as s:
        total = s.scalar(select(func.count()).select_from(Contact))
        print(f"{name}: {total:,} contacts · {_load()}")
        cid, call_id = _target(s)
        secret = settings.link_secret
        tokens = {
            "confirm": issue_token(secret, cid, "confirm", one_time=True),
            "answer": issue_token(secret, cid, "answer", f"call:{call_id}"),
            "topics": issue_token(secret, cid, "topics", f"info:{call_id}"),
        }
        for purpose, tok in tokens.items():
            cold = _ms(lambda t=tok: access.open_link(s, t, settings))
            warm = [_ms(lambda t=tok: access.open_link(s, t, settings)) for _ in range(WARM_RUNS)]
            _line(f"open the {purpose} view", cold, warm)
        replies = ["accepted", "declined"]
        cold = _ms(lambda: answers.answer_call(s, tokens["answer"], "accepted", settings))
        warm = [_ms(lambda i=i: answers.answer_call(s, tokens["answer"], replies[i % 2], settings)) for i in range(10)]
        _line("answer (zusagen/absagen), commit", cold, warm)
        topic_sets = [["miete"], ["miete", "frieden"]]
        cold = _ms(lambda: preferences.save_topics(s, tokens["topics"], ["pflege"], settings))
        warm = [
            _ms(lambda i=i: preferences.save_topics(s, tokens["topics"], topic_sets[i % 2], settings))
            for i in range(10)
        ]
        _line("save topics, commit", cold, warm)
        cold = _ms(lambda: preferences.unsubscribe(s, tokens["topics"], "call_to_action", settings))
        _line("unsubscribe one purpose, commit", cold, [cold])
        cold = _ms(lambda: signup.confirm_signup(s, tokens["confirm"], settings))
        _line("confirm the sign-up, commit", cold, [cold])


def bench_browser(url: str, name: str) -> None:
    """From goto(link) to the view on screen in Chromium, against a Streamlit server on the 1M database."""
    from playwright.sync_api import expect, sync_playwright

    from harness.browser import CHROMIUM_ARGS, find_chromium, start_app

    path = find_chromium()
    if path is None:
        print("  (no chromium: browser figure skipped)")
        return
    link_secret = secrets.token_urlsafe(48)
    env = {"LINK_SECRET": link_secret, "LINK_RATE_LIMIT": "100000"}
    if make_url(url).get_backend_name() == "postgresql":
        env.update(DEMO_MODE="0", COOKIE_KEY=secrets.token_urlsafe(48))
    eng = make_engine(url)
    with eng.connect() as conn:
        cid = conn.scalar(
            select(Contact.id).where(Contact.id >= 500_000, active_consent_filter("call_to_action", "email")).limit(1)
        )
    eng.dispose()
    proc, base = start_app(url, env, timeout=300)
    try:
        settings = replace(load_settings(env={}), link_secret=link_secret, public_base_url=base)
        target = link_url(settings, issue_token(link_secret, cid, "topics"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            times = []
            for _ in range(4):
                context = browser.new_context(locale="de-DE")
                page = context.new_page()
                t = time.perf_counter()
                page.goto(target)
                expect(page.get_by_role("heading", name="Meine Themen")).to_be_visible(timeout=60_000)
                times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                page.reload()
                expect(page.get_by_role("heading", name="Meine Themen")).to_be_visible(timeout=60_000)
                times.append((time.perf_counter() - t) * 1000)
                context.close()
            browser.close()
        cold, reloads = times[0], times[1::2]
        print(
            f"  Chromium: link → 'Meine Themen' on screen: first {cold:.0f} ms, fresh browsers "
            f"{statistics.median(times[2::2]):.0f} ms (median), reload {statistics.median(reloads):.0f} ms · {_load()}"
        )
    finally:
        proc.terminate()
        proc.wait(10)


def _scratch(url: str) -> str:
    """A migrated scratch database beside url's kind, seeded with 2,000 contacts, no mails."""
    from bench.bench_seed import fresh_pg
    from db.migrate import upgrade
    from services.seed import seed_demo

    if make_url(url).get_backend_name() == "postgresql":
        scratch = fresh_pg(make_url(url).set(database=SENDER_PG_DB).render_as_string(hide_password=False))
    else:
        for p in SENDER_SQLITE.parent.glob(SENDER_SQLITE.name + "*"):
            p.unlink()
        scratch = f"sqlite:///{SENDER_SQLITE}"
    eng = make_engine(scratch)
    upgrade(eng)
    seed_demo(eng, contacts=2000, seed=9)
    with eng.begin() as conn:
        conn.execute(delete(MailOutbox))
    eng.dispose()
    return scratch


class Inbox:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        """Keep the message; answer 250."""
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def bench_sender(url: str, name: str, mails: int) -> None:
    """Queue `mails` call mails with personal links in a scratch database, deliver them to aiosmtpd."""
    from aiosmtpd.controller import Controller

    from harness.browser import _free_port as free_port
    from services.mail.sender import deliver_due

    scratch = _scratch(url)
    eng = make_engine(scratch)
    settings = replace(load_settings(env={}), link_secret=secrets.token_urlsafe(48))
    with make_session_factory(eng)() as s:
        people = s.execute(
            select(Contact.id, Contact.email, Contact.first_name).where(
                Contact.email != "", active_consent_filter("call_to_action", "email")
            )
        ).all()
        t = time.perf_counter()
        rows = []
        for i in range(mails):
            cid, email, first = people[i % len(people)]
            body = f"Hallo {first},\n\nKomm zur Aktion!\n" + personal_link_block(
                settings, cid, ref_type="call", ref_id=1, answer=True
            )
            rows.append(
                dict(
                    contact_id=cid,
                    to_addr=email,
                    subject="Bench",
                    body=body,
                    purpose="call_to_action",
                    channel="email",
                    ref_type="bench",
                    status="queued",
                    attempts=0,
                    last_error="",
                    next_attempt_at=datetime.now(UTC) - timedelta(minutes=1),
                )
            )
        s.execute(MailOutbox.__table__.insert(), rows)
        s.commit()
        queue_s = time.perf_counter() - t
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        smtp = replace(settings, smtp_host="127.0.0.1", smtp_port=ctl.port, smtp_starttls=False, smtp_user="")
        t = time.perf_counter()
        sent = 0
        while True:
            report = deliver_due(eng, smtp, batch=500)
            sent += report.sent
            if report.sent + report.retry + report.failed + report.dropped == 0:
                break
        took = time.perf_counter() - t
    finally:
        ctl.stop()
        eng.dispose()
    rate = sent / took if took else 0.0
    with_links = sum("Meine Themen / Abmelden: http" in m.get_content() for _, m in inbox.messages)
    verdict = "ok" if rate >= SENDER_GOAL else "UNDER GOAL"
    print(
        f"  sender ({name} scratch): {sent:,} mails in {took:.2f} s = {rate:.0f} mails/s "
        f"(goal ≥ {SENDER_GOAL}: {verdict}); {with_links:,} arrived with personal links; "
        f"queued with links in {queue_s:.2f} s · {_load()}"
    )


def main() -> None:
    """Run every figure on each database given."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", default=SQLITE_1M, help="1M SQLite file; empty skips SQLite")
    ap.add_argument("--pg", default=PG_1M, help="1M PostgreSQL URL; empty skips PostgreSQL")
    ap.add_argument("--mails", type=int, default=2000)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    settings = replace(load_settings(env={}), link_secret=secrets.token_urlsafe(48))
    for url, name in ((f"sqlite:///{args.sqlite}" if args.sqlite else "", "SQLite"), (args.pg, "PostgreSQL")):
        if not url:
            continue
        bench_services(url, name, settings)
        if not args.no_browser:
            bench_browser(url, name)
        bench_sender(url, name, args.mails)


if __name__ == "__main__":
    main()
