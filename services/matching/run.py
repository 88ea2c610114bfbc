"""Run the matching for the scope's area: replace open machine proposals by the optimal ones."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.models import Assignment
from db.queries.matching import assignments as q
from db.types import utcnow
from services.core import audit
from services.core.scope import Scope, require_action
from services.matching import inputs
from services.matching.solver import MAX_FIT, Solution, candidate_edges, solve_greedy, solve_optimal


@dataclass
class MatchRun:
    """What one run found: both solutions, how many proposals it stored, how long it took."""

    optimal: Solution
    greedy: Solution
    offers: int
    leads: int
    edges: int
    removed: int
    created: int
    seconds: float

    @property
    def ratio(self) -> float | None:
        """Greedy's total fit as a share of the optimum (None without any fit)."""
        return self.greedy.total_fit / self.optimal.total_fit if self.optimal.total_fit else None


def fit_percent(points: int | float) -> float:
    """Fit points as 0-100 (the scale the pages show)."""
    return round(100.0 * float(points) / MAX_FIT, 1)


def run_matching(session: Session, scope: Scope, today: date | None = None) -> MatchRun:
    """Compute and store optimal proposals for every open offer and need in the area; audited."""
    require_action(scope, "volunteers.match")
    t0 = time.perf_counter()
    today = today or date.today()
    # Unanswered machine proposals are recomputed; manual ones, contacted and confirmed stay.
    removed = q.delete_stale_proposals(session, scope)
    session.flush()
    offers, leads = inputs.open_offers(session, scope, today), inputs.open_leads(session, scope, today)
    edges = candidate_edges(offers, leads, q.declined_pairs(session))
    optimal, greedy = solve_optimal(offers, leads, edges), solve_greedy(offers, leads, edges)
    now = utcnow()
    session.add_all(
        [
            Assignment(
                offer_id=p.offer_id,
                lead_id=p.lead_id,
                skill=p.skill,
                score=fit_percent(p.fit),
                distance_km=p.distance_km,
                reason=p.reason,
                manual=False,
                status="proposed",
                proposed_at=now,
            )
            for p in optimal.proposals
        ]
    )
    audit.record(
        session,
        scope,
        "matching_run",
        "assignment",
        "",
        offers=len(offers),
        leads=len(leads),
        edges=len(edges),
        removed=removed,
        proposed=optimal.placed,
        greedy_placed=greedy.placed,
        total_fit=optimal.total_fit,
        greedy_fit=greedy.total_fit,
        level=scope.level,
    )
    session.commit()
    return MatchRun(
        optimal, greedy, len(offers), len(leads), len(edges), removed, optimal.placed, time.perf_counter() - t0
    )
