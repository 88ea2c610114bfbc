"""Unit tests of the pure geo functions (no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import ValidationError
from services.geo.places import EARTH_RADIUS_KM, haversine_km, nearest, normalize_plz, resolve_plz


def _brute(points: np.ndarray, offices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = haversine_km(points[:, None, 0], points[:, None, 1], offices[None, :, 0], offices[None, :, 1])
    return d.argmin(axis=1), d.min(axis=1)


def _germany(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.column_stack((rng.uniform(47.2, 55.1, n), rng.uniform(5.8, 15.1, n)))


def test_haversine_known_distances():
    # Leipzig Hbf -> Berlin Hbf is about 148 km; a degree of latitude about 111.2 km.
    assert haversine_km(51.3455, 12.3821, 52.5251, 13.3694) == pytest.approx(148.0, abs=2.0)
    assert haversine_km(50.0, 10.0, 51.0, 10.0) == pytest.approx(np.pi * EARTH_RADIUS_KM / 180, rel=1e-9)
    assert haversine_km(52.0, 13.0, 52.0, 13.0) == 0.0


def test_haversine_is_vectorised():
    out = haversine_km(np.array([50.0, 51.0]), np.array([10.0, 10.0]), 50.0, 10.0)
    assert out.shape == (2,) and out[0] == 0.0 and out[1] > 100


def test_nearest_matches_brute_force_seeded():
    rng = np.random.default_rng(7)
    points, offices = _germany(rng, 5000), _germany(rng, 300)
    idx, km = nearest(points, offices)
    b_idx, b_km = _brute(points, offices)
    np.testing.assert_allclose(km, b_km, rtol=1e-7, atol=1e-6)
    # Ties aside, the same office is found.
    assert (idx == b_idx).mean() > 0.999


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180)), min_size=1, max_size=40),
    offices=st.lists(st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180)), min_size=1, max_size=25),
)
def test_nearest_matches_brute_force_anywhere(points, offices):
    p, o = np.array(points), np.array(offices)
    idx, km = nearest(p, o)
    _, b_km = _brute(p, o)
    np.testing.assert_allclose(km, b_km, rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(haversine_km(p[:, 0], p[:, 1], o[idx, 0], o[idx, 1]), b_km, rtol=1e-6, atol=1e-3)


def test_nearest_without_offices_or_points():
    idx, km = nearest(np.array([[51.0, 12.0], [52.0, 13.0]]), np.empty((0, 2)))
    assert idx.tolist() == [-1, -1] and np.isinf(km).all()
    idx, km = nearest(np.empty((0, 2)), np.array([[51.0, 12.0]]))
    assert len(idx) == 0 and len(km) == 0


@pytest.mark.parametrize("bad", ["", "1234", "123456", "04l09", "04 109", None, "abcde", "０４１０９"])
def test_malformed_plz_is_rejected_before_any_query(bad):
    with pytest.raises(ValidationError) as err:
        resolve_plz(None, bad)  # no session needed: the format is checked first
    assert str(err.value) == "Die PLZ muss aus fünf Ziffern bestehen."


def test_normalize_plz_strips_and_keeps_leading_zero():
    assert normalize_plz(" 01067 ") == "01067"


def test_kv_plan_merges_a_few_small_neighbours():
    from services.geo.files import kreise_table
    from services.geo.reference import PROTECTED_AGS, kv_plan, merge_pairs

    kreise = kreise_table()
    pairs = merge_pairs(kreise)
    assert len(pairs) == 6 and pairs == merge_pairs(kreise)  # deterministic
    land = dict(zip(kreise["ags"], kreise["land_code"]))
    flat = [a for pair in pairs for a in pair]
    assert len(set(flat)) == 12 and not set(flat) & PROTECTED_AGS
    assert all(land[a] == land[b] for a, b in pairs)
    plan = kv_plan(kreise, merge_small_kvs=True)
    assert len(plan) == 400 and plan["ags"].is_unique and plan["kv_id"].nunique() == 394
    names = plan.drop_duplicates("kv_id")["kv_name"]
    assert names.is_unique and names.str.startswith("KV ").all() and names.str.contains("/").sum() == 6
    by_ags = dict(zip(plan["ags"], plan["kv_name"]))
    assert by_ags["14713"] == "KV Leipzig" and by_ags["14729"] == "KV Landkreis Leipzig"
    assert by_ags["14626"] == "KV Görlitz"
    assert kv_plan(kreise, merge_small_kvs=False)["kv_id"].nunique() == 400
