#!/usr/bin/env python3
"""Write the national maps' simplified outlines, ``data/geo/{kreise,laender}_coarse.geojson``.

Derived from ``kreise.geojson`` and ``laender.geojson`` with components.simplify (shared borders
simplified once, so no gaps open), so that no app process has to simplify 400 Kreise itself
(about a second of CPU at its first national map). Run it after ``scripts/build_geodata.py`` and
after changing the tolerance (tests/unit/test_geodata.py fails while the files are stale):

    .venv/bin/python -m scripts.coarse_geodata
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.simplify import COARSE_TOLERANCE, simplify_features  # noqa: E402
from services.geo.files import COARSE_FILES, GEO_DIR  # noqa: E402


def coarse_collection(source: Path) -> dict:
    """The FeatureCollection of `source` with its outlines simplified at COARSE_TOLERANCE."""
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    return {"type": "FeatureCollection", "features": simplify_features(features, COARSE_TOLERANCE)}


def write_coarse(geo_dir: Path = GEO_DIR) -> None:
    """Write each coarse file next to its source and print its size."""
    for source, target in COARSE_FILES.items():
        data = coarse_collection(geo_dir / source)
        (geo_dir / target).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"{target}: {len(data['features'])} features, {(geo_dir / target).stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    write_coarse()
