"""The list of Linksaktive and the search at 1M contacts: first pages per filter, search, exports.

python -m bench.bench_contacts [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m] [--explain]
Goals (issue 15): a first page (rows + total) <= 300 ms, aim 50 ms; a search <= 50 ms; an export of
100,000 rows <= 10 s. Seeds a missing database and migrates an old one first. Nothing is kept:
the exports' audit events are rolled back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from bench.bench_overview import ensure_seeded
from bench.common import PG_1M, SQLITE_1M, rolled_back_session, settle
from bench.plans import plan_summary
from db.engine import make_engine
from db.migrate import heads, upgrade
from db.models import Contact, ImportBatch, Kreis, User
from db.queries.contacts import listing as q
from domain.formatting import BERLIN
from services.contacts.card import search_contacts
from services.contacts.listing import ListFilter, bulk_topic, export_list, list_page
from services.core.runtime import session_scope
from services.core.scope import scope_for

USERS = ("team", "lv-sachsen", "kv-leipzig")
WRITTEN = ("contact", "contact_topic", "import_batch", "audit_event")
LEIPZIG = "14713"


def filters(session) -> dict[str, ListFilter]:
    """One filter per kind, and a combination of three."""
    newest = session.scalar(select(Contact.created_at).order_by(Contact.created_at.desc()).limit(1))
    last_month = newest.astimezone(BERLIN).date().replace(day=1)
    kv = session.get(Kreis, LEIPZIG).kv_id
    return {
        "ohne Filter": ListFilter(),
        "Status aktiv": ListFilter(statuses=("active",)),
        "Status Mitglied": ListFilter(statuses=("member",)),
        "Thema Miete": ListFilter(topics=("miete",)),
        "Themen alle (Miete+Frieden)": ListFilter(topics=("miete", "frieden"), topic_mode="all"),
        "Quelle Social Media": ListFilter(sources=("social_media",)),
        "Einwilligung Zeitung/Post": ListFilter(consent=("newspaper", "post")),
        "angelegt seit Monatsbeginn": ListFilter(created_from=last_month, created_to=date(2100, 1, 1)),
        "Kreis Leipzig": ListFilter(kreis_ags=LEIPZIG),
        "KV Leipzig": ListFilter(kv_id=kv),
        "ohne Büro in 15 km": ListFilter(no_office_km=15.0),
        "Importstapel (keiner da)": ListFilter(import_batch_id=10**9),
        "drei: aktiv+Miete+Zeitung/Post": ListFilter(
            statuses=("active",), topics=("miete",), consent=("newspaper", "post")
        ),
        "drei: Mitglied+Pflege+ohne Büro": ListFilter(statuses=("member",), topics=("pflege",), no_office_km=15.0),
    }


# Wall time by default; --clock cpu counts this process's CPU time only: on SQLite that includes the
# database's work (it runs in-process) and shows the cost on a busy machine shared with other jobs.
CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCK["wall"]


def _ms(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = clock()
        result = fn()
        times.append((clock() - t) * 1000)
    return times[0], statistics.median(times), result


def _state(url: str) -> tuple[int, str | None]:
    """(contacts, Alembic revision) read without taking SQLite's write lock; (0, None) when there is no schema."""
    eng = make_engine(url, read_only=True)
    try:
        with eng.connect() as conn:
            revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
            return conn.scalar(select(func.count()).select_from(Contact)) or 0, revision
    except (OperationalError, ProgrammingError):
        return 0, None
    finally:
        eng.dispose()


def prepare(url: str, contacts: int, migrate: bool = True) -> None:
    """Seed when missing, migrate to the head when behind (an old database may predate the latest migrations)."""
    have, revision = _state(url)
    if have < contacts:
        ensure_seeded(url, contacts)
    elif migrate and revision not in heads():
        print(f"{url}: migrating from {revision} …", flush=True)
        eng = make_engine(url)
        upgrade(eng)
        eng.dispose()


def bench_list(url: str, repeat: int, explain: bool = False) -> list[float]:
    """First pages per user, filter and sort; returns every median (ms). explain: each row's plans below it."""
    eng = make_engine(url, read_only=True)  # reads only: runs beside a benchmark that writes
    medians = []
    with session_scope(eng) as s:
        flts = filters(s)
        scopes = {u: scope_for(s.scalar(select(User).where(User.username == u))) for u in USERS}
    print(
        f"\n{eng.dialect.name}: first page (50 rows + total), ms ({'CPU' if clock is time.process_time else 'wall'}): first run / median of {repeat}"
    )
    print(f"  {'filter':<34}{'sort':<9}" + "".join(f"{u:>22}" for u in USERS))
    cases = [(name, "name") for name in flts] + [
        ("ohne Filter", "plz"),
        ("ohne Filter", "created"),
        ("drei: aktiv+Miete+Zeitung/Post", "plz"),
        ("drei: aktiv+Miete+Zeitung/Post", "created"),
    ]
    for name, sort in cases:
        cells, plans = [], []
        for user in USERS:
            with session_scope(eng) as s:
                first, med, page = _ms(lambda s=s, u=user, n=name, o=sort: list_page(s, scopes[u], flts[n], o), repeat)
                if explain:  # the count's and the page's statements (the lookups of the page's rows left out)
                    shown = plan_summary(s, lambda s=s, u=user, n=name, o=sort: list_page(s, scopes[u], flts[n], o))
                    plans.append(f"{user}: " + " | ".join(shown.split(" | ")[:2]))
            medians.append(med)
            cells.append(f"{first:7.1f} /{med:6.1f} ({page.total:>7,})")
        print(f"  {name:<34}{sort:<9}" + "".join(f"{c:>22}" for c in cells), flush=True)
        for line in plans:
            print(f"      plan {line}", flush=True)
    # Deep pages cost the same as the first: the 20th page forward.
    with session_scope(eng) as s:
        page = list_page(s, scopes["team"], flts["ohne Filter"], "name")
        for _ in range(19):
            page = list_page(s, scopes["team"], flts["ohne Filter"], "name", page.next_cursor)
        first, med, _ = _ms(lambda: list_page(s, scopes["team"], flts["ohne Filter"], "name", page.next_cursor), repeat)
        back, bmed, _ = _ms(
            lambda: list_page(s, scopes["team"], flts["ohne Filter"], "name", page.prev_cursor, "back"), repeat
        )
    print(f"  team, page 21 forward {first:.1f} / {med:.1f} ms, page 19 back {back:.1f} / {bmed:.1f} ms")
    eng.dispose()
    return medians


def bench_search(url: str, repeat: int) -> None:
    """The card search (name prefix, e-mail prefix, PLZ) per user."""
    eng = make_engine(url, read_only=True)
    print(f"  search (services.contacts.card.search_contacts), ms first / median of {repeat}")
    with session_scope(eng) as s:
        sample = s.scalar(select(Contact).where(Contact.kreis_ags == LEIPZIG).order_by(Contact.id).limit(1))
        queries = {
            "Name 'Mül'": "Mül",
            "Name 'schm'": "schm",
            "Vor+Nachname": f"{sample.first_name} {sample.last_name}",
            "E-Mail-Anfang": sample.email.split("@")[0][:6],
            "E-Mail mit @": sample.email[: sample.email.index("@") + 1],
            "PLZ 04109": "04109",
            "PLZ-Anfang 041": "041",
        }
        scopes = {u: scope_for(s.scalar(select(User).where(User.username == u))) for u in USERS}
        for label, text in queries.items():
            cells = []
            for user in USERS:
                first, med, (rows, _) = _ms(lambda u=user, t=text: search_contacts(s, scopes[u], t), repeat)
                cells.append(f"{first:7.1f} /{med:6.1f} ({len(rows):>3})")
            print(f"  {label:<43}" + "".join(f"{c:>22}" for c in cells), flush=True)
    eng.dispose()


def bench_writes(url: str, repeat: int, attempts: int = 30) -> None:
    """bench_writes_once, retried while another benchmark holds SQLite's write lock; PostgreSQL vacuumed after.

    A rolled-back UPDATE still leaves dead rows and clears the visibility map of the pages it
    touched: without VACUUM every later count on PostgreSQL reads the heap (autovacuum is off here).
    """
    for attempt in range(attempts):
        try:
            bench_writes_once(url, repeat)
            settle(url, *WRITTEN)
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            if attempt == attempts - 1:
                print("  batch, exports, bulk: skipped, the database stayed locked by another writer", flush=True)
                return
            print("  (database locked by another writer, waiting …)", flush=True)
            time.sleep(10)


def bench_writes_once(url: str, repeat: int) -> None:
    """In one rolled-back transaction: a real import batch in the list, exports of ~100,000 rows, a bulk topic."""
    with rolled_back_session(url) as s:
        users = {u: scope_for(s.scalar(select(User).where(User.username == u))) for u in USERS}
        team = users["team"]
        # An import batch of 10,000 people spread over the country (every 100th id).
        batch = ImportBatch(source="import", file_name="bench.csv", mapping={}, counts={}, username="team")
        s.add(batch)
        s.flush()
        s.execute(update(Contact).where(Contact.id % 100 == 0).values(import_batch_id=batch.id))
        cells = []
        for user in USERS:
            first, med, page = _ms(lambda u=user: list_page(s, users[u], ListFilter(import_batch_id=batch.id)), repeat)
            cells.append(f"{first:7.1f} /{med:6.1f} ({page.total:>7,})")
        print(f"  {'Importstapel (10.000 Personen)':<34}{'name':<9}" + "".join(f"{c:>22}" for c in cells))
        at = s.scalar(select(Contact.created_at).order_by(Contact.created_at.desc()).offset(99_999).limit(1))
        flt = ListFilter(created_from=at.astimezone(BERLIN).date())
        for fmt in ("csv", "xlsx"):
            t = clock()
            data = export_list(s, team, flt, "created", fmt)
            took = clock() - t
            total = q.count(s, team, flt)
            print(
                f"  export {fmt.upper():<4} {total:,} rows (team, newest first): {took:5.2f} s, "
                f"{len(data) / 1e6:5.1f} MB (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
        total = q.count(s, team, flt)
        t = clock()
        result = bulk_topic(s, team, flt, "frieden", True, total)
        print(
            f"  bulk topic add on {total:,} listed ({result.changed:,} changed): {clock() - t:5.2f} s",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on the databases given (empty --sqlite or --pg skips one)."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sqlite", default=SQLITE_1M)
    p.add_argument("--pg", default=PG_1M)
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--clock", choices=sorted(CLOCK), default="wall", help="cpu: this process's CPU time (SQLite)")
    p.add_argument("--no-migrate", action="store_true", help="measure the schema as it is (no alembic upgrade)")
    p.add_argument("--skip-export", action="store_true", help="skip the rolled-back part (batch, exports, bulk)")
    p.add_argument("--explain", action="store_true", help="print the indexes each count and page uses (count | page)")
    args = p.parse_args(argv)
    global clock
    clock = CLOCK[args.clock]
    for url in (f"sqlite:///{args.sqlite}" if args.sqlite else None, args.pg or None):
        if not url:
            continue
        prepare(url, args.contacts, migrate=not args.no_migrate)
        settle(url, *WRITTEN)  # as after a seed, also when an earlier run was stopped halfway
        medians = bench_list(url, args.repeat, args.explain)
        print(
            f"  list: worst median {max(medians):.1f} ms, median of medians {statistics.median(medians):.1f} ms"
            f" (load {os.getloadavg()[0]:.1f})"
        )
        bench_search(url, args.repeat)
        if not args.skip_export:
            bench_writes(url, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
