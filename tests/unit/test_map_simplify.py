"""Simplified Kreis outlines: neighbours keep one shared border, nothing vanishes."""

from components.simplify import simplify_features


def _square(x0: float, shared: list[tuple[float, float]], left: bool) -> dict:
    # Two squares share the wiggly line `shared` (south to north at x = 1).
    if left:
        ring = [(x0, 0.0), *shared, (x0, 1.0), (x0, 0.0)]
    else:
        ring = [(x0, 1.0), *reversed(shared), (x0, 0.0), (x0, 1.0)]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _points(feat: dict) -> set:
    return {tuple(p) for p in feat["geometry"]["coordinates"][0]}


def test_shared_border_is_simplified_identically_on_both_sides():
    shared = [(1.0, i / 100) for i in range(101)]
    shared = [(x + (0.0004 if i % 2 else 0.0), y) for i, (x, y) in enumerate(shared)]  # sub-tolerance wiggle
    left, right = _square(0.0, shared, True), _square(2.0, shared, False)
    a, b = simplify_features([left, right], 0.005)
    on_border = lambda pts: {p for p in pts if 0.99 < p[0] < 1.01}  # noqa: E731
    assert on_border(_points(a)) == on_border(_points(b))
    assert len(_points(a)) < 10 and len(_points(b)) < 10  # the wiggle is gone


def test_tiny_islands_drop_but_a_feature_never_disappears():
    island = [[5.0, 5.0], [5.001, 5.0], [5.001, 5.001], [5.0, 5.0]]
    big = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    multi = {
        "type": "Feature",
        "properties": {"ags": "M"},
        "geometry": {"type": "MultiPolygon", "coordinates": [[big], [island]]},
    }
    tiny = {
        "type": "Feature",
        "properties": {"ags": "T"},
        "geometry": {"type": "Polygon", "coordinates": [[[7.0, 7.0], [7.001, 7.0], [7.0, 7.001], [7.0, 7.0]]]},
    }
    m, t = simplify_features([multi, tiny], 0.01)
    assert m["properties"] == {"ags": "M"} and len(m["geometry"]["coordinates"]) == 1
    assert t["geometry"] == tiny["geometry"]  # kept as it was rather than lost
