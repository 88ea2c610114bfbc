"""The white-spot analysis against a brute-force haversine, and the map builder's safety."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from services.geo.places import haversine_km
from services.map.whitespots import analyse, far_only, kreis_summary

lat = st.floats(47.0, 55.5, allow_nan=False)
lon = st.floats(5.5, 15.5, allow_nan=False)


def _frame(points, **extra) -> pd.DataFrame:
    df = pd.DataFrame(points, columns=["lat", "lon"])
    for k, v in extra.items():
        df[k] = v
    return df


@settings(max_examples=60, deadline=None)
@given(
    places=st.lists(st.tuples(lat, lon), min_size=1, max_size=60),
    offices=st.lists(st.tuples(lat, lon), min_size=1, max_size=25),
    reach=st.floats(1.0, 200.0),
)
def test_nearest_office_matches_brute_force(places, offices, reach):
    p = _frame(places, count=1)
    o = _frame(offices, id=range(100, 100 + len(offices)), name=[f"O{i}" for i in range(len(offices))])
    out = analyse(p, o, reach)
    dist = haversine_km(
        p["lat"].to_numpy()[:, None],
        p["lon"].to_numpy()[:, None],
        o["lat"].to_numpy()[None, :],
        o["lon"].to_numpy()[None, :],
    )
    best = dist.min(axis=1)
    np.testing.assert_allclose(out["km"].to_numpy(float), best, rtol=1e-9, atol=1e-6)
    chosen = dist[np.arange(len(p)), out["office_id"].to_numpy(int) - 100]
    np.testing.assert_allclose(chosen, best, rtol=1e-9, atol=1e-6)  # ties may pick either office
    clear = np.abs(best - reach) > 1e-6
    assert (out["far"].to_numpy()[clear] == (best > reach)[clear]).all()


def test_without_offices_every_place_is_far():
    out = analyse(_frame([(51.0, 13.0)], count=3), _frame([], id=[], name=[]), 15)
    assert out["far"].all() and np.isinf(out["km"]).all() and out["office_id"].isna().all()


def test_far_only_ranks_by_count_then_distance():
    p = _frame([(51.0, 10.0), (52.0, 10.0), (53.0, 10.0), (54.0, 10.0)], count=[5, 9, 5, 0])
    o = _frame([(50.0, 10.0)], id=[1], name=["A"])
    far = far_only(analyse(p, o, 15))
    assert list(far["count"]) == [9, 5, 5] and far["km"].iloc[1] > far["km"].iloc[2]


def test_kreis_summary_counts_and_rate():
    p = _frame([(51.0, 10.0), (51.01, 10.0), (52.5, 13.4)], count=[10, 20, 30], kreis_ags=["A", "A", "B"])
    o = _frame([(52.5, 13.4)], id=[7], name=["Berlin"])
    kreise = pd.DataFrame(
        {
            "ags": ["A", "B", "C"],
            "name": ["a", "b", "c"],
            "land_code": ["01"] * 3,
            "population": [30_000, 0, 1000],
            "lat": [51.0, 52.5, 48.0],
            "lon": [10.0, 13.4, 11.0],
        }
    )
    out = kreis_summary(analyse(p, o, 15), kreise, o, 15).set_index("ags")
    assert out.loc["A", "count"] == 30 and out.loc["A", "far_count"] == 30 and out.loc["A", "per_10k"] == 10.0
    assert out.loc["B", "far_count"] == 0 and pd.isna(out.loc["B", "per_10k"])
    assert out.loc["C", "count"] == 0 and out.loc["B", "office_name"] == "Berlin"


def _view(office_name: str = "<script>alert(1)</script>"):
    from services.map.data import MapView

    return MapView(
        reach_km=15,
        suppressed=False,
        bounds=((50.0, 9.0), (52.0, 11.0)),
        kreis_ags=["X"],
        kreise=[{"ags": "X", "name": "<b>K</b>", "count": 7, "per_10k": 1.5, "far_count": 7, "far_share": 100.0}],
        offices=[
            {
                "id": 1,
                "name": office_name,
                "kind": "buergerbuero",
                "street": "",
                "plz": "01234",
                "city": "Ort",
                "lat": 51.0,
                "lon": 10.0,
                "opening_hours": "Mo 10-12",
            }
        ],
        spots=[
            {
                "plz": "01234",
                "place": "<img src=x>",
                "lat": 51.2,
                "lon": 10.2,
                "count": 7,
                "contact": 7,
                "active": 0,
                "member": 0,
                "topics": [("Miete", 7)],
                "office_name": "<i>o</i>",
                "km": 20.0,
            }
        ],
        heat=[[51.2, 10.2, 1.0]],
        total=7,
        far_total=7,
    )


SHAPE = {
    "type": "Feature",
    "properties": {"ags": "X", "name": "<b>K</b>"},
    "geometry": {"type": "Polygon", "coordinates": [[[9.0, 50.0], [11.0, 50.0], [10.0, 52.0], [9.0, 50.0]]]},
}


def test_rendered_map_loads_nothing_from_other_hosts_and_escapes_names():
    from components.map import build_map, external_urls

    view, shape = _view(), SHAPE
    for tiles in ("", "https://tile.example.org/{z}/{x}/{y}.png"):
        html = (
            build_map(view, [shape], tile_url=tiles, tile_attribution="T", data_attribution="D", show_heat=True)
            .get_root()
            .render()
        )
        assert external_urls(html) == []
        assert not re.search(r"<script[^>]+src=\"(?!/app/static/vendor/)", html)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x>" not in html and "&lt;b&gt;K&lt;/b&gt;" in html
        assert '"maxZoom": 18' in html


def test_names_with_template_syntax_reach_the_map_as_typed():
    # Rendered layer scripts used to be compiled by Jinja once more: "{% raw %}" in an office name
    # broke the Karte, and "{{ 7*7 }}" was evaluated on the server.
    from components.map import build_map

    name = "Büro {{ 7*7 }} {% raw %} {# x #}"
    html = build_map(_view(name), [SHAPE], tile_url="", tile_attribution="T", data_attribution="D", show_heat=True)
    html = html.get_root().render()
    assert "Büro {{ 7*7 }} {% raw %} {# x #}" in html and "Büro 49" not in html
    for script in ("leaflet-heat", "leaflet.markercluster"):  # the layers' own script links stay
        assert re.search(rf'<script src="/app/static/vendor/[^"]*{re.escape(script)}', html), script
