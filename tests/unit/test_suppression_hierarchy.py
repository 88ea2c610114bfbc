"""leitung's Karte figures: no hidden count (1–4) can be recomputed from what any of its views shows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.map import figures as mf
from services.privacy.suppression import MIN_COUNT, quantile_classes, suppress_hierarchy
from tests.support.derivation import line_leaks


def _small(n: int) -> bool:
    return 0 < n < MIN_COUNT


def test_single_small_kreis_beside_the_area_total_takes_another_with_it():
    shown, groups = suppress_hierarchy({"a": (3, 3), "b": (10, 10), "c": (20, 20)}, {"": ["a", "b", "c"]})
    assert shown == {"a": None, "b": None, "c": 20} and groups == {"": 33}


def test_small_rest_beside_the_far_figure_hides_the_total_and_a_partner():
    # b: 12 contacts, 10 of them in visible circles: 2 would be total minus far.
    shown, groups = suppress_hierarchy({"a": (50, 50), "b": (12, 2), "c": (40, 10)}, {"": ["a", "b", "c"]})
    assert shown["b"] is None and shown["c"] is None and shown["a"] == 50  # c has a rest >= 5, a has none
    assert groups[""] == 102


def test_a_group_that_cannot_be_protected_hides_everything():
    shown, groups = suppress_hierarchy({"a": (9, 2)}, {"": ["a"]})
    assert shown == {"a": None} and groups == {"": None}
    assert suppress_hierarchy({"a": (2, 2), "b": (2, 2)}, {"": ["a", "b"]}) == ({"a": None, "b": None}, {"": None})


def test_zero_kreise_are_hidden_but_do_not_count_as_partners():
    shown, groups = suppress_hierarchy({"a": (0, 0), "b": (3, 3), "c": (8, 8), "d": (9, 9)}, {"": list("abcd")})
    assert shown["a"] is None and shown["b"] is None and shown["c"] is None and shown["d"] == 9


def test_a_small_land_is_not_the_national_total_minus_the_other_laender():
    # Land "B" has 3 in all: shown in its own view as hidden, but the national view shows the total
    # and every other Land view its own, so one subtraction would give B away.
    cells = {"a1": (40, 40), "a2": (30, 30), "b1": (2, 2), "b2": (1, 1), "c1": (25, 25), "c2": (9, 9)}
    groups = {"": list(cells), "A": ["a1", "a2"], "B": ["b1", "b2"], "C": ["c1", "c2"]}
    shown, totals = suppress_hierarchy(cells, groups, {"": ["A", "B", "C"]})
    assert totals["B"] is None and totals[""] == 107
    parts = [(70, totals["A"]), (3, totals["B"]), (34, totals["C"])]
    assert line_leaks("Germany over Länder", (107, totals[""]), parts) == []
    assert totals["C"] is None  # the smallest Land that has a hidden Kreis of its own goes with it


def test_kreis_rows_of_a_small_land_are_protected_against_the_national_total():
    rows = [
        {"ags": a, "land_code": a[0].upper(), "count": n, "per_10k": n / 10}
        for a, n in (("a1", 40), ("a2", 30), ("b1", 2), ("b2", 1), ("c1", 25), ("c2", 9))
    ]
    totals = {land: mf.protect_kreise([dict(r) for r in rows], [], land)[1] for land in (None, "A", "B", "C")}
    parts = [(70, totals["A"]), (3, totals["B"]), (34, totals["C"])]
    assert line_leaks("Germany over Länder", (107, totals[None]), parts) == []


def test_quantile_classes_are_bands():
    assert quantile_classes([]) == []
    classes = quantile_classes(list(range(5, 105)))
    assert set(classes) == {1, 2, 3, 4, 5} and classes == sorted(classes)
    assert set(quantile_classes([7, 7, 7])) == {5}


def test_heat_for_leitung_holds_only_five_weights_and_no_small_plz():
    import pandas as pd

    pts = pd.DataFrame(
        {
            "lat": [50.0 + i / 10 for i in range(12)],
            "lon": [10.0] * 12,
            "count": [1, 2, 3, 4, 5, 6, 9, 17, 40, 41, 200, 1234],
        }
    )
    heat = mf.heat(pts, suppressed=True)
    assert len(heat) == 8 and {w for *_, w in heat} <= {0.2, 0.4, 0.6, 0.8, 1.0}


# PLZ: (Land, Kreis, count, far). Länder "L0".., Kreise "L0K0"..
plz_rows = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 14), st.booleans()), min_size=1, max_size=40
)


def _views(rows):
    totals: dict[tuple[str, str], int] = {}
    spots = []
    for i, (land, kreis, n, far) in enumerate(rows):
        key = (f"L{land}", f"L{land}K{kreis}")
        totals[key] = totals.get(key, 0) + n
        if far and n >= MIN_COUNT:  # the service shows a far PLZ only from 5 on
            spots.append({"plz": f"{i:05d}", "kreis_ags": key[1], "count": n})
    kreise = [{"ags": ags, "land_code": land, "count": t, "per_10k": t / 10} for (land, ags), t in totals.items()]
    views = {}
    for land in [None, *sorted({land for land, _ in totals})]:
        rows_copy = [dict(k) for k in kreise]
        views[land] = mf.protect_kreise(rows_copy, spots, land)
    return totals, spots, views


@settings(max_examples=400, deadline=None)
@given(rows=plz_rows)
def test_no_hidden_count_can_be_recomputed_from_any_leitung_view(rows):
    totals, spots, views = _views(rows)
    true_t = {ags: t for (_, ags), t in totals.items()}
    circles: dict[str, int] = {}
    for sp in spots:
        circles[sp["kreis_ags"]] = circles.get(sp["kreis_ags"], 0) + sp["count"]
    national = {k["ags"]: k for k in views[None][0]}
    # National total beside the Land totals of the Land views: no Land follows by subtraction.
    land_true = {}
    for (land, _), t in totals.items():
        land_true[land] = land_true.get(land, 0) + t
    national_total = (sum(land_true.values()), views[None][1])
    assert line_leaks("Länder", national_total, [(land_true[g], views[g][1]) for g in sorted(land_true)]) == []
    for _land, (kreise, area_total, area_far) in views.items():
        far_shown = {k["ags"]: k["far_count"] or 0 for k in kreise}
        # Far figures are sums of visible circles at every level: nothing hidden sits inside them.
        assert far_shown == {k["ags"]: circles.get(k["ags"], 0) for k in kreise}
        assert (area_far or 0) == sum(far_shown.values())
        for k in kreise:
            assert k["far_count"] is None or k["far_count"] >= MIN_COUNT
            assert (k["count"] is None) == (k["per_10k"] is None)  # a rate goes with its count
            assert national[k["ags"]]["count"] == k["count"]  # a Land view hides what the national one hides
            if k["count"] is not None:
                assert k["count"] >= MIN_COUNT and k["count"] == true_t[k["ags"]]
                assert not _small(k["count"] - far_shown[k["ags"]])  # Kreis total minus its far figure
        if area_total is None:
            continue
        assert area_total == sum(true_t[k["ags"]] for k in kreise)
        assert not _small(area_total - (area_far or 0))  # area total minus area far
        hidden = [k["ags"] for k in kreise if k["count"] is None]
        residual = area_total - sum(k["count"] for k in kreise if k["count"] is not None)
        assert residual == sum(true_t[a] for a in hidden)
        # Area total minus the visible Kreise: never one hidden Kreis alone, never a small sum.
        assert sum(1 for a in hidden if true_t[a] > 0) != 1
        assert not _small(residual)
        assert not _small(residual - sum(far_shown[a] for a in hidden))  # ... nor a small rest
