"""Optimal helper matching: offers × (lead, skill) slots, solved exactly as a min-cost flow.

Pure: no database. Callers hand in plain Offer and Lead records, get proposals back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from domain.enums import AVAILABILITY, SKILLS, TOPICS
from domain.formatting import format_decimal
from services.geo.places import EARTH_RADIUS_KM, haversine_km

SKILL_CODES = tuple(SKILLS)
TOPIC_CODES = tuple(TOPICS)

# Integer fit points (OR-Tools needs integer costs). A matching skill is the bulk, so the optimum
# also places as many helpers as it can; distance, topics and availability decide between them.
SKILL_POINTS = 600
DISTANCE_POINTS = 250  # full at 0 km, 0 at the volunteer's travel radius
TOPIC_POINTS = 50  # per shared topic
TOPIC_MAX = 2
AVAILABILITY_POINTS = {"weekend": 40, "weekday_evening": 30, "weekday_day": 20}
MAX_FIT = SKILL_POINTS + DISTANCE_POINTS + TOPIC_POINTS * TOPIC_MAX + sum(AVAILABILITY_POINTS.values())


@dataclass(frozen=True)
class Offer:
    """An open volunteer offer as the solver sees it."""

    id: int
    lat: float
    lon: float
    radius_km: float
    skills: frozenset[str]
    start: date
    end: date
    availability: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lead:
    """A campaign lead with its still open need per skill."""

    id: int
    lat: float
    lon: float
    start: date
    end: date
    open_needs: dict[str, int] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Proposal:
    """One proposed assignment with its fit and the reasons for it."""

    offer_id: int
    lead_id: int
    skill: str
    fit: int
    distance_km: float
    reason: str


@dataclass
class Solution:
    """A matching: proposals, total fit, helpers still missing, time taken."""

    method: str
    proposals: list[Proposal]
    total_fit: int
    needs_total: int
    seconds: float

    @property
    def placed(self) -> int:
        """How many helpers the solution places."""
        return len(self.proposals)

    @property
    def needs_left_open(self) -> int:
        """Helpers needed that the solution leaves unplaced."""
        return self.needs_total - len(self.proposals)


@dataclass
class Edges:
    """Feasible offer→slot edges as parallel numpy arrays (offer index, lead index, skill index)."""

    offer: np.ndarray
    lead: np.ndarray
    skill: np.ndarray
    fit: np.ndarray
    km: np.ndarray

    def __len__(self) -> int:
        return len(self.fit)


def _mask(codes, vocabulary) -> int:
    return sum(1 << vocabulary.index(c) for c in codes if c in vocabulary)


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _popcount(a: np.ndarray) -> np.ndarray:
    return np.array([bin(int(x)).count("1") for x in a], dtype=np.int64) if len(a) else np.zeros(0, np.int64)


def fit_points(km: float, radius_km: float, shared_topics: int, availability) -> int:
    """Integer fit of one feasible pair (skill matches, within radius)."""
    distance = (
        int(round(DISTANCE_POINTS * (1.0 - min(km, radius_km) / radius_km))) if radius_km > 0 else DISTANCE_POINTS
    )
    avail = sum(AVAILABILITY_POINTS.get(a, 0) for a in availability)
    return SKILL_POINTS + distance + TOPIC_POINTS * min(shared_topics, TOPIC_MAX) + avail


def candidate_edges(offers: list[Offer], leads: list[Lead], excluded: frozenset = frozenset()) -> Edges:
    """All feasible edges: skill needed and offered, distance ≤ radius, periods overlap, pair not excluded."""
    empty = Edges(*(np.zeros(0, np.int64) for _ in range(4)), np.zeros(0))
    if not offers or not leads:
        return empty
    o_lat = np.array([o.lat for o in offers])
    o_lon = np.array([o.lon for o in offers])
    l_lat = np.array([ld.lat for ld in leads])
    l_lon = np.array([ld.lon for ld in leads])
    radius = np.array([max(o.radius_km, 0.0) for o in offers])
    # Chord length for the arc radius; a hair more so that pairs right at the radius are found.
    chord = 2 * np.sin(np.minimum(radius / EARTH_RADIUS_KM, np.pi) / 2) + 1e-9
    hits = cKDTree(_unit(l_lat, l_lon)).query_ball_point(_unit(o_lat, o_lon), r=chord)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    if counts.sum() == 0:
        return empty
    oi = np.repeat(np.arange(len(offers)), counts)
    li = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(counts.sum()))
    km = haversine_km(o_lat[oi], o_lon[oi], l_lat[li], l_lon[li])
    o_start = np.array([o.start.toordinal() for o in offers])
    o_end = np.array([o.end.toordinal() for o in offers])
    l_start = np.array([ld.start.toordinal() for ld in leads])
    l_end = np.array([ld.end.toordinal() for ld in leads])
    keep = (km <= radius[oi] + 1e-9) & (o_start[oi] <= l_end[li]) & (l_start[li] <= o_end[oi])
    if excluded:
        o_ids = np.array([o.id for o in offers])
        l_ids = np.array([ld.id for ld in leads])
        keep &= np.array([(int(a), int(b)) not in excluded for a, b in zip(o_ids[oi], l_ids[li])], dtype=bool)
    oi, li, km = oi[keep], li[keep], km[keep]
    o_skill = np.array([_mask(o.skills, SKILL_CODES) for o in offers], dtype=np.int64)
    l_need = np.array(
        [_mask([s for s, n in ld.open_needs.items() if n > 0], SKILL_CODES) for ld in leads], dtype=np.int64
    )
    o_topic = np.array([_mask(o.topics, TOPIC_CODES) for o in offers], dtype=np.int64)
    l_topic = np.array([_mask(ld.topics, TOPIC_CODES) for ld in leads], dtype=np.int64)
    o_avail = np.array([sum(AVAILABILITY_POINTS.get(a, 0) for a in o.availability) for o in offers], dtype=np.int64)
    shared = np.minimum(_popcount(o_topic[oi] & l_topic[li]), TOPIC_MAX)
    safe_r = np.where(radius[oi] > 0, radius[oi], 1.0)
    dist_pts = np.where(
        radius[oi] > 0, np.rint(DISTANCE_POINTS * (1 - np.minimum(km, safe_r) / safe_r)), DISTANCE_POINTS
    )
    base = SKILL_POINTS + dist_pts.astype(np.int64) + TOPIC_POINTS * shared + o_avail[oi]
    common = o_skill[oi] & l_need[li]
    parts = [np.nonzero(common >> k & 1)[0] for k in range(len(SKILL_CODES))]
    sel = np.concatenate(parts)
    sk = np.concatenate([np.full(len(p), k, np.int64) for k, p in enumerate(parts)])
    return Edges(oi[sel], li[sel], sk, base[sel], km[sel])


def _slots(leads: list[Lead]) -> tuple[dict[tuple[int, int], int], np.ndarray]:
    index, caps = {}, []
    for j, ld in enumerate(leads):
        for s, n in ld.open_needs.items():
            if n > 0 and s in SKILL_CODES:
                index[(j, SKILL_CODES.index(s))] = len(caps)
                caps.append(n)
    return index, np.array(caps, dtype=np.int64)


def _needs_total(leads: list[Lead]) -> int:
    return sum(n for ld in leads for s, n in ld.open_needs.items() if n > 0 and s in SKILL_CODES)


def explain(offer: Offer, lead: Lead, skill: str, km: float) -> str:
    """A German sentence saying why this pair fits."""
    shared = sorted(offer.topics & lead.topics)
    parts = [
        f"{format_decimal(km)} km entfernt (Radius {format_decimal(offer.radius_km)} km)",
        f"Fähigkeit: {SKILLS.get(skill, skill)}",
    ]
    if shared:
        parts.append("gemeinsame Themen: " + ", ".join(TOPICS.get(t, t) for t in shared))
    if offer.availability:
        parts.append("verfügbar: " + ", ".join(AVAILABILITY.get(a, a) for a in sorted(offer.availability)))
    return "; ".join(parts)


def _proposals(offers, leads, edges: Edges, chosen: np.ndarray) -> list[Proposal]:
    out = []
    for e in chosen:
        o, ld, skill = offers[edges.offer[e]], leads[edges.lead[e]], SKILL_CODES[edges.skill[e]]
        km = float(edges.km[e])
        out.append(Proposal(o.id, ld.id, skill, int(edges.fit[e]), round(km, 1), explain(o, ld, skill, km)))
    return out


def solve_optimal(offers: list[Offer], leads: list[Lead], edges: Edges | None = None) -> Solution:
    """The matching of maximal total fit (exact min-cost flow; constraints hold by construction)."""
    t0 = time.perf_counter()
    edges = candidate_edges(offers, leads) if edges is None else edges
    slot_index, caps = _slots(leads)
    n_o, n_s = len(offers), len(caps)
    if len(edges) == 0 or n_s == 0:
        return Solution("optimal", [], 0, _needs_total(leads), time.perf_counter() - t0)
    source, sink = n_o + n_s, n_o + n_s + 1
    slot_of = np.array([slot_index[(int(ld), int(k))] for ld, k in zip(edges.lead, edges.skill)], dtype=np.int64)
    starts = np.concatenate([np.full(n_o, source), edges.offer, n_o + np.arange(n_s), [source]])
    ends = np.concatenate([np.arange(n_o), n_o + slot_of, np.full(n_s, sink), [sink]])
    capacity = np.concatenate([np.ones(n_o, np.int64), np.ones(len(edges), np.int64), caps, [n_o]])
    # Costs are negated fits; the free source→sink bypass lets flow skip, so min cost = max total fit.
    cost = np.concatenate([np.zeros(n_o, np.int64), -edges.fit.astype(np.int64), np.zeros(n_s, np.int64), [0]])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(starts, ends, capacity, cost)
    supplies = np.zeros(n_o + n_s + 2, np.int64)
    supplies[source], supplies[sink] = n_o, -n_o
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(arcs[n_o : n_o + len(edges)])
    chosen = np.nonzero(used > 0)[0]
    props = _proposals(offers, leads, edges, chosen)
    return Solution("optimal", props, int(edges.fit[chosen].sum()), _needs_total(leads), time.perf_counter() - t0)


def solve_greedy(offers: list[Offer], leads: list[Lead], edges: Edges | None = None) -> Solution:
    """The comparison: take edges by falling fit while the offer is free and the slot has room."""
    t0 = time.perf_counter()
    edges = candidate_edges(offers, leads) if edges is None else edges
    slot_index, caps = _slots(leads)
    room = caps.copy()
    taken = np.zeros(len(offers), dtype=bool)
    chosen = []
    for e in np.argsort(-edges.fit, kind="stable"):
        o, s = edges.offer[e], slot_index[(int(edges.lead[e]), int(edges.skill[e]))]
        if not taken[o] and room[s] > 0:
            taken[o] = True
            room[s] -= 1
            chosen.append(e)
    chosen = np.array(chosen, dtype=np.int64)
    props = _proposals(offers, leads, edges, chosen)
    return Solution(
        "greedy",
        props,
        int(edges.fit[chosen].sum()) if len(chosen) else 0,
        _needs_total(leads),
        time.perf_counter() - t0,
    )


def check(solution: Solution, offers: list[Offer], leads: list[Lead], excluded: frozenset = frozenset()) -> list[str]:
    """Constraint violations of a solution (empty when it is valid); used by tests and the benchmark."""
    by_o = {o.id: o for o in offers}
    by_l = {ld.id: ld for ld in leads}
    problems, per_offer, per_slot = [], {}, {}
    for p in solution.proposals:
        o, ld = by_o[p.offer_id], by_l[p.lead_id]
        per_offer[p.offer_id] = per_offer.get(p.offer_id, 0) + 1
        per_slot[(p.lead_id, p.skill)] = per_slot.get((p.lead_id, p.skill), 0) + 1
        km = float(haversine_km(o.lat, o.lon, ld.lat, ld.lon))
        if p.skill not in o.skills:
            problems.append(f"offer {o.id} lacks skill {p.skill}")
        if km > o.radius_km + 1e-6:
            problems.append(f"offer {o.id} too far from lead {ld.id}")
        if o.start > ld.end or ld.start > o.end:
            problems.append(f"periods of offer {o.id} and lead {ld.id} do not overlap")
        if (o.id, ld.id) in excluded:
            problems.append(f"excluded pair {o.id},{ld.id} proposed")
    problems += [f"offer {k} used {n} times" for k, n in per_offer.items() if n > 1]
    problems += [f"slot {k} over need" for k, n in per_slot.items() if n > by_l[k[0]].open_needs.get(k[1], 0)]
    return problems
