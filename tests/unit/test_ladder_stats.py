"""Ladder figures without a database: medians from day histograms, leitung's protection with complementary cells."""

from __future__ import annotations

from services.ladder.protect import protect_answers, protect_ladder
from services.ladder.stats import Step, median_from_counts, months_between


def test_median_from_counts():
    assert median_from_counts([]) is None
    assert median_from_counts([(7, 1)]) == 7
    assert median_from_counts([(0, 2), (2, 1), (10, 1), (30, 1), (112, 1)]) == 6  # 0 0 2 10 30 112
    assert median_from_counts([(5, 3), (1, 1)]) == 5  # 1 5 5 5
    assert median_from_counts([(1, 2), (9, 2)]) == 5  # 1 1 9 9
    assert median_from_counts([(3, 0), (4, 1)]) == 4


def test_months_between_spans_years():
    from datetime import date

    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def _step(entered, active, member):
    return Step(entered, active, member, 12.0 if active else None, 30.0 if member else None)


def test_a_small_source_is_hidden_with_another():
    sources = {
        "infostand": _step(60, 20, 6),
        "haustuer": _step(40, 12, 5),
        "webformular": _step(30, 9, 5),
        "import": _step(3, 1, 0),  # a small group
    }
    total = _step(133, 42, 16)
    cohort, shown = protect_ladder(total, {"source": sources}, {})
    src = shown["source"]
    assert src["import"].entered is None and src["import"].rate_active is None
    assert src["import"].days_to_active is None
    # The total stays; entered of one more source is hidden, so 133 minus the shown ones is no small group.
    assert cohort.entered == 133
    hidden = [k for k, s in src.items() if s.entered is None]
    assert len(hidden) >= 2
    rest = 133 - sum(s.entered for s in src.values() if s.entered is not None)
    assert rest >= 5
    for figure in ("active", "member"):
        values = [getattr(s, figure) for s in src.values()]
        total_shown = getattr(cohort, figure)
        if total_shown is not None:
            left = total_shown - sum(v for v in values if v is not None)
            assert not 0 < left < 5, figure
            assert left == 0 or values.count(None) >= 2, figure
    # Shown rows keep their rates and medians.
    big = src["infostand"]
    assert big.entered == 60 and big.rate_active == 20 / 60 and big.days_to_active == 12.0


def test_active_only_may_not_follow_from_active_minus_members():
    # 7 active of whom 5 members: 2 active non-members would follow; one of active / members is hidden.
    _, shown = protect_ladder(_step(50, 50, 45), {"source": {"a": _step(20, 7, 5), "b": _step(30, 43, 40)}}, {})
    a = shown["source"]["a"]
    assert a.active is None or a.member is None


def test_topics_are_protected_each_on_its_own():
    _, shown = protect_ladder(None, {}, {"topic": {"miete": _step(40, 12, 6), "klima": _step(8, 2, 1)}})
    assert shown["topic"]["miete"].entered == 40
    klima = shown["topic"]["klima"]
    assert klima.active is None and klima.member is None and klima.rate_active is None
    # 8 entered with 2 active shown would leave 6 still contacts: entered stays, active is hidden: fine.


def test_answers_protection():
    active, shown = protect_answers(100, {"call": 40, "survey": 3, "any": 42})
    assert active == 100 and shown["survey"] is None
    # 'any' minus 'call' would give the 2 people who answered only a survey: one of them is hidden as well.
    assert shown["any"] is None or shown["call"] is None
    assert protect_answers(100, {"call": 40, "survey": 30, "any": 60}) == (100, {"any": 60, "call": 40, "survey": 30})


def test_not_yet_members_may_not_follow_from_entered_minus_members():
    # 8 entered, 6 active, 5 members: 3 who are not members and 2 still contacts would follow.
    cohort, shown = protect_ladder(_step(58, 26, 15), {"source": {"a": _step(8, 6, 5), "b": _step(50, 20, 10)}}, {})
    a = shown["source"]["a"]
    assert a.entered == 8 and a.active is None and a.member is None
    assert (cohort.entered, cohort.active, cohort.member) == (58, 26, 15)
