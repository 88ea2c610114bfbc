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


def _rows(spec):
    """Kreis rows (ags, Land, count, far) as kreis() gives them."""
    return [{"ags": a, "land_code": land, "count": n, "far_count": far, "per_10k": n / 10} for a, land, n, far in spec]


def _views(rows, spots, by_status=None, by_source=None):
    prot = mf.protect_national([dict(r) for r in rows], spots, by_status or {}, by_source or {})
    lands = sorted({r["land_code"] for r in rows})
    return prot, {land: mf.protect_kreise([dict(r) for r in rows], prot, land) for land in (None, *lands)}


def test_kreis_rows_of_a_small_land_are_protected_against_the_national_total():
    rows = _rows([("a1", "A", 40, 0), ("a2", "A", 30, 0), ("b1", "B", 2, 0), ("b2", "B", 1, 0), ("c1", "C", 25, 0)])
    rows += _rows([("c2", "C", 9, 0)])
    _, views = _views(rows, [])
    parts = [(70, views["A"][1]), (3, views["B"][1]), (34, views["C"][1])]
    assert line_leaks("Germany over Länder", (107, views[None][1]), parts) == []
    assert views[None][1] == 107


def test_the_true_far_total_is_shown_where_safe():
    # 60 people without an office in reach, 40 of them in two visible circles, 20 in small PLZ.
    rows = _rows([("a1", "A", 100, 50), ("a2", "A", 80, 10), ("b1", "B", 70, 0)])
    spots = [{"plz": "1", "kreis_ags": "a1", "count": 30}, {"plz": "2", "kreis_ags": "a1", "count": 10}]
    prot, views = _views(rows, spots)
    assert views[None][2] == prot.far == 60  # the true total, not the 40 in circles
    assert views["A"][2] == 60 and prot.land_far["B"] is None  # B: nobody far, a hidden 0
    assert {k["ags"]: k["far_count"] for k in views[None][0]} == {"a1": 40, "a2": None, "b1": None}


def test_a_far_total_with_a_small_rest_outside_its_one_circle_hides_the_circle():
    # Land A: 43 far, 40 of them in its one circle: total and circle together would give away the 3
    # in small PLZ. The circle goes; A's true far total and Germany's stay.
    rows = _rows([("a1", "A", 100, 43), ("b1", "B", 90, 30), ("c1", "C", 80, 20)])
    spots = [{"plz": "1", "kreis_ags": "a1", "count": 40}]
    prot, views = _views(rows, spots)
    assert prot.hidden_circles == {"1"} and prot.land_far["A"] == 43 and prot.far == 93
    assert views["A"][0][0]["far_count"] is None  # no circle left in the Kreis
    assert line_leaks("A far over its circles", (43, 43), [], complete=False) == []


def test_a_small_rest_beside_many_circles_hides_a_circle_not_the_total():
    # Land A: 60 far, 57 of them in three circles: the smallest circle goes, the true total stays.
    rows = _rows([("a1", "A", 100, 60), ("b1", "B", 90, 0)])
    spots = [{"plz": str(i), "kreis_ags": "a1", "count": n} for i, n in enumerate((30, 20, 7))]
    prot, views = _views(rows, spots)
    assert prot.land_far["A"] == prot.far == 60 and prot.hidden_circles == {"2"}
    assert views[None][0][0]["far_count"] == 50  # the Kreis's far figure: the circles still drawn
    assert line_leaks("A far over its circles", (60, 60), [(30, 30), (20, 20)], complete=False) == []


def test_status_and_source_breakdowns_share_the_run():
    rows = _rows([("a1", "A", 60, 0), ("b1", "B", 40, 0)])
    prot, _ = _views(rows, [], {"contact": 97, "active": 3, "member": 0}, {"web": 90, "infostand": 8})
    assert prot.total == 100
    assert prot.by_status["active"] is None and prot.by_status["contact"] is None  # 3 would be 100 - 97
    # 2 of unknown source: infostand goes with them, or the 2 would be the total minus the sources.
    assert prot.by_source == {"web": 90, "infostand": None}


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


@settings(max_examples=400, deadline=None)
@given(rows=plz_rows)
def test_no_hidden_count_can_be_recomputed_from_any_leitung_view(rows):
    totals: dict[tuple[str, str], list[int]] = {}
    spots = []
    for i, (land, kreis, n, far) in enumerate(rows):
        key = (f"L{land}", f"L{land}K{kreis}")
        t = totals.setdefault(key, [0, 0])
        t[0] += n
        t[1] += n if far else 0
        if far and n >= MIN_COUNT:  # the service shows a far PLZ only from 5 on
            spots.append({"plz": f"{i:05d}", "kreis_ags": key[1], "count": n})
    kreise = [
        {"ags": ags, "land_code": land, "count": t, "far_count": f, "per_10k": t / 10}
        for (land, ags), (t, f) in totals.items()
    ]
    prot, views = _views(kreise, spots)
    true_t = {ags: t for (_, ags), (t, _) in totals.items()}
    circles: dict[str, int] = {}  # the circles the map still draws (some may be hidden with a far total)
    for sp in spots:
        if sp["plz"] not in prot.hidden_circles:
            circles[sp["kreis_ags"]] = circles.get(sp["kreis_ags"], 0) + sp["count"]
    land_true, land_far = {}, {}
    for (land, _), (t, f) in totals.items():
        land_true[land] = land_true.get(land, 0) + t
        land_far[land] = land_far.get(land, 0) + f
    national = {k["ags"]: k for k in views[None][0]}
    lines = [
        ("Länder", (sum(land_true.values()), views[None][1]), [(land_true[g], views[g][1]) for g in sorted(land_true)]),
        (
            "far Länder",
            (sum(land_far.values()), views[None][2]),
            [(land_far[g], views[g][2]) for g in sorted(land_far)],
        ),
        # Germany beside its far total: the people near an office must not be a small group.
        (
            "Germany beside far",
            (sum(land_true.values()), views[None][1]),
            [(sum(land_far.values()), views[None][2])],
            False,
        ),
    ]
    for land, (kreise_v, area_total, area_far) in views.items():
        far_shown = {k["ags"]: k["far_count"] or 0 for k in kreise_v}
        assert far_shown == {k["ags"]: circles.get(k["ags"], 0) for k in kreise_v}  # a Kreis: its visible circles
        true_far = sum(f for (lnd, _), (_, f) in totals.items() if land in (None, lnd))
        assert area_far is None or area_far == true_far  # the true total where it is shown
        circles_in = [(far_shown[k["ags"]], far_shown[k["ags"]]) for k in kreise_v]
        lines.append((f"{land}: far over circles", (true_far, area_far), circles_in, False))
        area_true = sum(true_t[k["ags"]] for k in kreise_v)
        lines.append((f"{land}: total beside far", (area_true, area_total), [(true_far, area_far)], False))
        lines.append(
            (f"{land}: total over Kreise", (area_true, area_total), [(true_t[k["ags"]], k["count"]) for k in kreise_v])
        )
        for k in kreise_v:
            lines.append(
                (
                    f"Kreis {k['ags']} beside its circles",
                    (true_t[k["ags"]], k["count"]),
                    [(far_shown[k["ags"]],) * 2],
                    False,
                )
            )
            assert k["far_count"] is None or k["far_count"] >= MIN_COUNT
            assert (k["count"] is None) == (k["per_10k"] is None)  # a rate goes with its count
            assert national[k["ags"]]["count"] == k["count"]  # a Land view hides what the national one hides
            if k["count"] is not None:
                assert k["count"] >= MIN_COUNT and k["count"] == true_t[k["ags"]]
    assert [leak for line in lines for leak in line_leaks(*line)] == []
