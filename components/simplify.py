"""Coarser Kreis outlines for national maps: shared borders simplified once, so no gaps open.

Douglas-Peucker runs per arc between junctions (points where the set of rings using a vertex
changes, and every ring's start), in one canonical direction: two Kreise sharing a border get
the very same simplified line. Pure Python; the national outlines are simplified once, by
scripts/coarse_geodata.py, into data/geo/*_coarse.geojson.
"""

from __future__ import annotations

Point = tuple[float, float]
COARSE_TOLERANCE = 0.005  # degrees: under half a pixel at the zoom that shows all of Germany


def _dp(points: list[Point], tol2: float) -> list[Point]:
    """Douglas-Peucker on one open line (iterative), squared tolerance in degrees²."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0.0:
                d = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = (px - ax) * dy - (py - ay) * dx
                d = cross * cross / norm
            if d > best:
                best, idx = d, i
        if idx > 0 and best > tol2:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep) if k]


def _arc(points: list[Point], tol2: float) -> list[Point]:
    # Canonical direction: the neighbour walking the border the other way gets the same points.
    if len(points) < 3:
        return points
    flip = points[-1] < points[0] or (points[-1] == points[0] and points[-2] < points[1])
    if flip:
        return _dp(points[::-1], tol2)[::-1]
    return _dp(points, tol2)


def _rings(features: list[dict]):
    for fi, feat in enumerate(features):
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for pi, poly in enumerate(polys):
            for ri, ring in enumerate(poly):
                yield (fi, pi, ri), [(float(x), float(y)) for x, y, *_ in ring]


def simplify_features(features: list[dict], tolerance: float) -> list[dict]:
    """Copies of Polygon/MultiPolygon features with topology-consistent simplified rings.

    tolerance in degrees (0.005 ≈ 350-550 m, below a pixel on a map of Germany). A ring that
    collapses is dropped; a feature that would lose everything keeps its original geometry.
    """
    rings = dict(_rings(features))
    users: dict[Point, set] = {}
    for key, ring in rings.items():
        for p in ring[:-1]:
            users.setdefault(p, set()).add(key)
    nodes = {ring[0] for ring in rings.values()}
    for ring in rings.values():
        n = len(ring) - 1
        for i in range(n):
            here = users[ring[i]]
            if users[ring[(i - 1) % n]] != here or users[ring[(i + 1) % n]] != here or len(here) > 2:
                nodes.add(ring[i])
    tol2 = tolerance * tolerance
    out_rings: dict[tuple, list[Point]] = {}
    for key, ring in rings.items():
        cuts = [i for i, p in enumerate(ring) if p in nodes]
        if cuts[-1] != len(ring) - 1:
            cuts.append(len(ring) - 1)
        simplified = [ring[0]]
        for a, b in zip(cuts, cuts[1:]):
            simplified += _arc(ring[a : b + 1], tol2)[1:]
        if len(simplified) >= 4:
            out_rings[key] = [[round(x, 3), round(y, 3)] for x, y in simplified]
    out = []
    for fi, feat in enumerate(features):
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        new_polys = []
        for pi, poly in enumerate(polys):
            if (fi, pi, 0) not in out_rings:
                continue  # an island smaller than the tolerance
            new_polys.append([out_rings[(fi, pi, ri)] for ri in range(len(poly)) if (fi, pi, ri) in out_rings])
        if not new_polys:
            new_geom = geom
        elif geom["type"] == "MultiPolygon":
            new_geom = {"type": "MultiPolygon", "coordinates": new_polys}
        else:
            new_geom = {"type": "Polygon", "coordinates": new_polys[0]}
        out.append({**feat, "geometry": new_geom})
    return out


def _round(coords, digits: int = 3):
    # ~100 m is plenty for a national choropleth and halves the page.
    if coords and isinstance(coords[0], (int, float)):
        return [round(c, digits) for c in coords]
    return [_round(c, digits) for c in coords]


_ROUNDED: dict[int, tuple[dict, dict]] = {}


def coarse_geometry(geometry: dict) -> dict:
    """The geometry with coordinates rounded to 3 decimals, computed once per (cached, read-only) object."""
    key = id(geometry)
    if key not in _ROUNDED:
        # The original stays in the entry, so its id (the key) cannot be reused by another object.
        _ROUNDED[key] = (geometry, {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])})
    return _ROUNDED[key][1]
