"""Linksaktiv-Info and surveys at 1M contacts: an Info's audience preview for Germany (goal ≤ 1 s), queuing
about 100,000 Info mails with personal links (goal ≤ 10 s), survey results for 100,000 answers (goal ≤ 1 s).

python -m bench.bench_info [--sqlite /tmp/bench_1m.sqlite] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m]
Reads the shared 1M databases of bench/common.py (seeded by bench_overview or scripts.seed_demo --contacts 1000000).
Everything runs in one transaction that is rolled back: the benchmark databases stay unchanged.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, select

from bench.common import rolled_back_session, run_on_databases, settle
from db.models import CallDelivery, Contact, SurveyAnswer, SurveyResponse
from db.queries import surveys as survey_q
from domain.enums import TOPICS
from services.core.scope import Scope
from services.info import workflow as info
from services.surveys import results as survey_results
from services.surveys import workflow as surveys
from services.surveys.questions import Question

TEAM = Scope(role="team", username="bench")
LEITUNG = Scope(role="leitung", username="bench")
ANSWERS = 100_000


def _t(label: str, fn, goal: float | None = None, runs: int = 2):
    """Run fn `runs` times (cold, then warm), print each wall time with the goal; return the last result."""
    result, times = None, []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    goal_text = f"  (goal ≤ {goal:g} s: {'ok' if max(times[1:] or times) <= goal else 'MISSED'})" if goal else ""
    shown = ", ".join(f"{x:.3f} s" for x in times)
    print(
        f"  {label}: cold {shown.split(', ')[0]}"
        + (f", warm {', '.join(shown.split(', ')[1:])}" if runs > 1 else "")
        + goal_text,
        flush=True,
    )
    return result


def _info_form(topics: tuple[str, ...], title: str) -> info.InfoForm:
    return info.InfoForm(title=title, body="Neues aus der Bewegung.", topics=topics, region_level="national")


def _bulk_answers(s, sid: int, qids: list[int], n: int) -> int:
    """n responses (the first n recipients) with an answer to every question, written in bulk."""
    people = s.execute(
        select(CallDelivery.contact_id, Contact.land_code, Contact.kv_id)
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .where(CallDelivery.call_id == sid)
        .order_by(CallDelivery.contact_id)
        .limit(n)
    ).all()
    now = datetime.now(UTC)
    rows = [
        dict(call_id=sid, contact_id=c, land_code=land, kv_id=kv, answered_at=now, changed_at=now)
        for c, land, kv in people
    ]
    for i in range(0, len(rows), 20_000):
        s.execute(insert(SurveyResponse), rows[i : i + 20_000])
    ids = list(s.scalars(select(SurveyResponse.id).where(SurveyResponse.call_id == sid).order_by(SurveyResponse.id)))
    rng = np.random.default_rng(7)
    answers = []
    for rid, single, multi, scale in zip(
        ids, rng.integers(1, 4, len(ids)), rng.integers(1, 4, len(ids)), rng.integers(1, 6, len(ids)), strict=True
    ):
        answers += [
            dict(response_id=rid, question_id=qids[0], option=int(single), text=""),
            dict(response_id=rid, question_id=qids[1], option=int(multi), text=""),
            dict(response_id=rid, question_id=qids[2], option=int(scale), text=""),
        ]
        if rid % 10 == 0:
            answers.append(dict(response_id=rid, question_id=qids[3], option=None, text="Mehr Busse aufs Land."))
    for i in range(0, len(answers), 50_000):
        s.execute(insert(SurveyAnswer), answers[i : i + 50_000])
    return len(ids)


def run(url: str, name: str) -> None:
    """Measure on one database inside a rolled-back transaction."""
    settle(url, "info_delivery", "mail_outbox", "activity", "call_delivery", "survey_response", "survey_answer")
    with rolled_back_session(url) as s:
        contacts = s.scalar(select(func.count()).select_from(Contact))
        print(
            f"{name}: {contacts:,} contacts; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True
        )
        now = datetime.now(UTC)
        iid = info.create_info(s, TEAM, _info_form(("miete",), "Germany, Miete"))
        pv = _t(
            "Info audience preview, Germany, topic Miete (counts, per KV, sample)",
            lambda: info.preview(s, TEAM, iid, now=now),
            1.0,
        )
        print(f"    → {pv.recipients:,} recipients in {len(pv.by_kv)} KVs")
        # The Info whose audience is nearest 100,000 people: one topic or two.
        best = None
        for topics in [(t,) for t in TOPICS] + [("miete", "pflege")]:
            cand = info.create_info(s, TEAM, _info_form(topics, f"probe {'+'.join(topics)}"))
            n = info.preview(s, TEAM, cand, now=now).recipients
            if best is None or abs(n - ANSWERS) < abs(best[1] - ANSWERS):
                best = (cand, n, topics)
        cand, n, topics = best
        made = _t(
            f"queue the Info's mails with personal links, Germany, topic {'+'.join(topics)}",
            lambda: info.send(s, TEAM, cand, n, now=now),
            10.0,
            runs=1,
        )
        print(f"    → {made:,} mails queued ({made / max(1, n):.0%} of the preview)")

        questions = (
            Question("single", "Frage 1", ("a", "b", "c")),
            Question("multi", "Frage 2", ("x", "y", "z")),
            Question("scale", "Frage 3"),
            Question("text", "Frage 4"),
        )
        form = surveys.SurveyForm(
            title="Bench-Befragung",
            body="Bitte antworte.",
            topics=("miete",),  # about 150,000 people: enough for 100,000 answers
            region_level="national",
            end_day=(now + timedelta(days=30)).date(),
            questions=questions,
        )
        sid = surveys.create_survey(s, TEAM, form, now=now)
        spv = surveys.preview(s, TEAM, sid, now=now)
        sent = _t(
            "send a national survey (deliveries, mails with answer links)",
            lambda: surveys.send(s, TEAM, sid, spv.recipients, now=now),
            runs=1,
        )
        print(f"    → {sent:,} survey mails queued")
        qids = [q.id for q in survey_q.questions(s, sid)]
        answered = _bulk_answers(s, sid, qids, ANSWERS)
        s.flush()
        print(f"    {answered:,} responses written")
        res = _t(
            "survey results, team (per question and Land, free texts)",
            lambda: survey_results.results(s, TEAM, sid),
            1.0,
        )
        print(f"    → {res.respondents:,} respondents, {len(res.questions[3].texts):,} free texts")
        _t("survey results, leitung (protected)", lambda: survey_results.results(s, LEITUNG, sid), 1.0)


if __name__ == "__main__":
    run_on_databases(__doc__, run)
