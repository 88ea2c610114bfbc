"""The matching solver against exhaustive enumeration on many small random instances."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.solver import (
    MAX_FIT,
    SKILL_CODES,
    Lead,
    Offer,
    candidate_edges,
    check,
    solve_greedy,
    solve_optimal,
)

SKILLS = SKILL_CODES[:3]
BASE = date(2025, 1, 1)
# A small box around Leipzig: 0.5° is about 35-55 km, so radii of 5-40 km cut some pairs.
coords = st.tuples(st.floats(51.1, 51.6), st.floats(12.1, 12.6))


@st.composite
def offers_st(draw, i):
    lat, lon = draw(coords)
    start = BASE + timedelta(days=draw(st.integers(0, 40)))
    return Offer(
        id=100 + i,
        lat=lat,
        lon=lon,
        radius_km=draw(st.sampled_from([5.0, 15.0, 25.0, 40.0])),
        skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), min_size=1, max_size=3))),
        start=start,
        end=start + timedelta(days=draw(st.integers(0, 60))),
        availability=frozenset(draw(st.sets(st.sampled_from(["weekend", "weekday_evening", "weekday_day"])))),
        topics=frozenset(draw(st.sets(st.sampled_from(["miete", "pflege", "klima"])))),
    )


@st.composite
def leads_st(draw, j):
    lat, lon = draw(coords)
    start = BASE + timedelta(days=draw(st.integers(0, 40)))
    needs = {s: draw(st.integers(0, 2)) for s in draw(st.sets(st.sampled_from(SKILLS), min_size=1, max_size=2))}
    return Lead(
        id=j + 1,
        lat=lat,
        lon=lon,
        start=start,
        end=start + timedelta(days=draw(st.integers(0, 60))),
        open_needs=needs,
        topics=frozenset(draw(st.sets(st.sampled_from(["miete", "pflege", "klima"])))),
    )


@st.composite
def instances(draw):
    n_o, n_l = draw(st.integers(0, 6)), draw(st.integers(1, 3))
    offers = [draw(offers_st(i)) for i in range(n_o)]
    leads = [draw(leads_st(j)) for j in range(n_l)]
    pairs = [(o.id, ld.id) for o in offers for ld in leads]
    excluded = frozenset(draw(st.sets(st.sampled_from(pairs), max_size=2))) if pairs else frozenset()
    return offers, leads, excluded


def brute_force(offers, leads, edges) -> int:
    """Best total fit by trying every choice (one edge or none) for every offer."""
    by_offer = [[e for e in range(len(edges)) if edges.offer[e] == i] for i in range(len(offers))]
    best = 0

    def go(i, room, total):
        nonlocal best
        if i == len(offers):
            best = max(best, total)
            return
        go(i + 1, room, total)
        for e in by_offer[i]:
            key = (int(edges.lead[e]), SKILL_CODES[edges.skill[e]])
            if room[key] > 0:
                room[key] -= 1
                go(i + 1, room, total + int(edges.fit[e]))
                room[key] += 1

    room = {(j, s): n for j, ld in enumerate(leads) for s, n in ld.open_needs.items()}
    go(0, room, 0)
    return best


@settings(max_examples=300, deadline=None)
@given(instances())
def test_optimal_equals_brute_force(inst):
    offers, leads, excluded = inst
    edges = candidate_edges(offers, leads, excluded)
    opt = solve_optimal(offers, leads, edges)
    assert opt.total_fit == brute_force(offers, leads, edges)
    assert check(opt, offers, leads, excluded) == []
    greedy = solve_greedy(offers, leads, edges)
    assert check(greedy, offers, leads, excluded) == []
    assert greedy.total_fit <= opt.total_fit
    assert sum(p.fit for p in opt.proposals) == opt.total_fit


def test_edges_are_exactly_the_feasible_pairs():
    """Every pair that satisfies all constraints is an edge, and no other (checked pair by pair)."""
    import random

    rng = random.Random(7)
    for _ in range(40):
        offers = [
            Offer(
                i,
                rng.uniform(51.1, 51.6),
                rng.uniform(12.1, 12.6),
                rng.choice([5.0, 20.0, 40.0]),
                frozenset(rng.sample(SKILLS, rng.randint(1, 3))),
                BASE + timedelta(rng.randint(0, 30)),
                BASE + timedelta(rng.randint(30, 60)),
            )
            for i in range(8)
        ]
        leads = [
            Lead(
                j,
                rng.uniform(51.1, 51.6),
                rng.uniform(12.1, 12.6),
                BASE + timedelta(rng.randint(0, 70)),
                BASE + timedelta(rng.randint(70, 90)),
                {s: rng.randint(0, 2) for s in SKILLS},
            )
            for j in range(3)
        ]
        edges = candidate_edges(offers, leads)
        got = {(int(a), int(b), int(c)) for a, b, c in zip(edges.offer, edges.lead, edges.skill)}
        from services.geo.places import haversine_km

        want = set()
        for i, o in enumerate(offers):
            for j, ld in enumerate(leads):
                km = float(haversine_km(o.lat, o.lon, ld.lat, ld.lon))
                if km <= o.radius_km and o.start <= ld.end and ld.start <= o.end:
                    want |= {(i, j, SKILL_CODES.index(s)) for s in o.skills if ld.open_needs.get(s, 0) > 0}
        assert got == want
        assert all(0 < f <= MAX_FIT for f in edges.fit)


def test_optimal_beats_greedy_on_a_crafted_case():
    """Greedy takes the single best edge and blocks two helpers; the optimum places both."""
    d = BASE
    a = Offer(
        1, 51.34, 12.37, 30, frozenset({"infostand", "plakatieren"}), d, d + timedelta(30), frozenset({"weekend"})
    )
    b = Offer(2, 51.34, 12.37, 30, frozenset({"infostand"}), d, d + timedelta(30))
    lead = Lead(1, 51.34, 12.37, d, d + timedelta(30), {"infostand": 1, "plakatieren": 1})
    opt, greedy = solve_optimal([a, b], [lead]), solve_greedy([a, b], [lead])
    assert opt.placed == 2 and opt.needs_left_open == 0
    assert greedy.placed == 1 and greedy.needs_left_open == 1
    assert opt.total_fit > greedy.total_fit
    reasons = {p.offer_id: p.reason for p in opt.proposals}
    assert "Fähigkeit: Plakatieren" in reasons[1] and "0 km entfernt" in reasons[1]


def test_no_candidates():
    lead = Lead(1, 51.3, 12.3, BASE, BASE, {"infostand": 3})
    sol = solve_optimal([], [lead])
    assert sol.placed == 0 and sol.needs_left_open == 3 and sol.total_fit == 0
