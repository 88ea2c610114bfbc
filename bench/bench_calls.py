"""Aktionsaufrufe at 1M contacts: counting a national call's audience under the 30-day limit, and
sending it (deliveries, queued mails, timeline entries) in one transaction; a Land's call as well.

python -m bench.bench_calls [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Everything runs in one transaction that is rolled back: the benchmark databases stay unchanged.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bench.common import rolled_back_session, run_on_databases, settle, timed
from db.models import Contact
from services.calls import workflow as calls
from services.core.scope import Scope

TEAM = Scope(role="team", username="bench")


def _form(title: str, topics: tuple[str, ...], level: str = "national", land: str | None = None) -> calls.CallForm:
    return calls.CallForm(
        title=title, body="Komm vorbei und mach mit!", mode="online", topics=topics, region_level=level, land_code=land
    )


def run(url: str, name: str) -> None:
    """Measure on one database inside a rolled-back transaction."""
    settle(url, "call_delivery", "mail_outbox", "activity")
    with rolled_back_session(url) as s:
        print(f"{name}: {s.scalar(select(func.count()).select_from(Contact)):,} contacts")
        land = calls.create_call(s, TEAM, _form("Sachsen", ("pflege",), "land", "14"))
        pv = timed("preview, Land Sachsen, topic Pflege", lambda: calls.preview(s, TEAM, land))
        print(f"    → {pv.recipients:,} recipients")
        first = calls.create_call(s, TEAM, _form("Miete", ("miete",)))
        pv = timed("preview, all Germany, topic Miete", lambda: calls.preview(s, TEAM, first))
        print(f"    → {pv.recipients:,} recipients, {pv.at_limit:,} at the limit")
        made = timed(
            "send (recount under lock + deliveries, mails, timeline)", lambda: calls.send(s, TEAM, first, pv.recipients)
        )
        print(f"    → {made:,} mails queued")
        second = calls.create_call(s, TEAM, _form("Miete und Pflege", ("miete", "pflege")))
        pv = timed(
            "preview of a second call, two topics, after the first was sent", lambda: calls.preview(s, TEAM, second)
        )
        print(f"    → {pv.recipients:,} recipients, {pv.at_limit:,} at the limit")


if __name__ == "__main__":
    run_on_databases(__doc__, run)
