"""Two staff sending calls at the same moment on PostgreSQL: each call goes out once, the limit holds."""

from __future__ import annotations

from sqlalchemy import func, select, text

from db.engine import make_engine
from db.models import CallDelivery
from domain.errors import UserError
from services.calls import workflow as calls
from services.core.runtime import session_scope
from services.core.scope import Scope
from tests.support.concurrency import run_all as _run_all
from tests.support.databases import fresh_database

TEAM = Scope(role="team", username="team")


def _new_call(eng, title, topics):
    with session_scope(eng) as s:
        return calls.create_call(
            s,
            TEAM,
            calls.CallForm(title=title, body="Mach mit!", mode="online", topics=topics, region_level="national"),
        )


def _send(eng, call_id):
    def job():
        with session_scope(eng) as s:
            return calls.send(s, TEAM, call_id, calls.preview(s, TEAM, call_id).recipients)

    return job


def test_concurrent_sends_postgresql(tmp_path, monkeypatch):
    from services.seed import seed_demo

    url = fresh_database("postgresql", tmp_path, suffix="calls_conc")
    eng = make_engine(url, pool_size=10)
    seed_demo(eng, contacts=2000, seed=5)
    monkeypatch.setattr(calls, "_max_calls", lambda: 1)

    # The same call, clicked by two people at once: it goes out once.
    same = _new_call(eng, "Einmal", ("miete",))
    results = _run_all([_send(eng, same), _send(eng, same)])
    sent = [r for r in results if isinstance(r, int)]
    assert len(sent) == 1 and sum(isinstance(r, UserError) for r in results) == 1, results

    # Three calls with overlapping audiences at once, limit 1 in 30 days: nobody gets two.
    ids = [_new_call(eng, f"Aufruf {t}", (t, "miete")) for t in ("pflege", "frieden", "klima")]
    results = _run_all([_send(eng, i) for i in ids])
    with session_scope(eng) as s:
        twice = s.execute(text("SELECT contact_id FROM call_delivery GROUP BY contact_id HAVING count(*) > 1")).all()
        assert twice == [], twice
        made = {
            i: s.scalar(select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == i))
            for i in [same, *ids]
        }
    assert made[same] == sent[0]
    for i, r in zip(ids, results):
        assert made[i] == (r if isinstance(r, int) else 0), (results, made)
    eng.dispose()
