"""AppTest of the Helfer:innen-Karte for every role (layers, scope, suppression, escaping, no tiles)
and of the paging of the Hilfsangebote list."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import create_engine, text

from tests.support.apptest import ROLES_USERS, all_text

PAGE = "pages/helfer_karte.py"
LAYERS = ("Lücke je Kreis", "Offene Bedarfe", "Offene Angebote")


def _map_script(at) -> tuple[str, dict]:
    for comp in at.get("component_instance"):
        args = json.loads(comp.proto.json_args)
        if "script" in args:
            return args["script"], args
    raise AssertionError("the page shows no map")


def _collections(script: str) -> list[dict]:
    """Every GeoJSON payload of the map script, in layer order."""
    out, dec = [], json.JSONDecoder()
    for m in re.finditer(r"L\.geoJson\(", script):
        out.append(dec.raw_decode(script[m.end() :].replace("<\\/", "</"))[0])
    return out


def _counts(script: str) -> list[int | str]:
    """Every count the popups show ('< 5' stays a string)."""
    found = re.findall(r"Offene (?:Bedarfe|Angebote): ([0-9.]+|&lt; 5)", script)
    return [v if v == "&lt; 5" else int(v.replace(".", "")) for v in found]


def _query(app_db: str, sql: str, **params) -> list:
    eng = create_engine(app_db)
    with eng.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params)]
    eng.dispose()
    return rows


@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_every_role_sees_the_map_with_layers_legend_and_credits(run_page, role):
    at = run_page(PAGE, ROLES_USERS[role])
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    script, args = _map_script(at)
    for layer in LAYERS:
        assert json.dumps(layer)[1:-1] in script or layer in script, layer
    assert "L.control.layers" in script and "karte-legend" in script
    assert "GeoBasis-DE" in script  # data credits in the corner
    assert args["returned_objects"] == []
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    assert not re.search(r"https?://(?!tile\.openstreetmap\.org)", script)
    assert len(_collections(script)) == 3
    text_ = all_text(at)
    assert "Kreise nach Lücke" in text_ and "Offene Bedarfe" in text_


def test_leitung_gets_no_small_count_and_no_person(run_page, app_db):
    at = run_page(PAGE, ROLES_USERS["leitung"])
    script, _ = _map_script(at)
    counts = _counts(script)
    assert counts and "&lt; 5" in counts  # small counts exist and are hidden
    assert all(v == "&lt; 5" or v == 0 or v >= 5 for v in counts), counts
    assert not [v for v in counts if v == 0]  # a zero is a small count too
    for df in at.dataframe:
        for col in ("Offene Bedarfe", "Offene Angebote"):
            vals = [v for v in df.value[col] if v != "< 5"]
            assert all(int(str(v).replace(".", "")) >= 5 for v in vals), (col, vals)
    for metric in at.metric:
        assert metric.value == "< 5" or int(metric.value.replace(".", "")) >= 5 or metric.label.startswith("Lücke")
    # No names at all: neither the leads' contact persons nor any volunteer.
    names = _query(app_db, "SELECT contact_name FROM campaign_lead")
    names += _query(
        app_db, "SELECT c.first_name || ' ' || c.last_name FROM contact c JOIN volunteer_offer o ON o.contact_id = c.id"
    )
    assert names
    page_text = script + all_text(at) + "".join(df.value.to_csv() for df in at.dataframe)
    assert not [n for (n,) in names if n in page_text]


def test_kreis_sees_only_its_kvs_kreise(run_page, app_db):
    at = run_page(PAGE, ROLES_USERS["kreis"])
    script, _ = _map_script(at)
    own = {
        n
        for (n,) in _query(
            app_db, "SELECT k.name FROM kreis k JOIN app_user u ON u.kv_id = k.kv_id WHERE u.username = 'kv-leipzig'"
        )
    }
    polygons = _collections(script)[0]["features"]
    assert polygons and {f["properties"]["t"] for f in polygons} == own
    for layer in _collections(script)[1:]:
        assert {f["properties"]["t"] for f in layer["features"]} <= own
    for df in at.dataframe:
        assert set(df.value["Kreis"]) <= own


def test_kreis_name_from_the_database_is_escaped(run_page, app_db):
    eng = create_engine(app_db)
    with eng.begin() as conn:
        ags, old = conn.execute(
            text(
                "SELECT k.ags, k.name FROM kreis k JOIN app_user u ON u.kv_id = k.kv_id "
                "WHERE u.username = 'kv-leipzig' ORDER BY k.ags LIMIT 1"
            )
        ).one()
        conn.execute(text("UPDATE kreis SET name = :n WHERE ags = :a"), {"n": "<img src=x onerror=alert(1)>", "a": ags})
    try:
        at = run_page(PAGE, ROLES_USERS["kreis"])
        script, _ = _map_script(at)
        assert "<img src=x" not in script and "&lt;img src=x onerror=alert(1)&gt;" in script
    finally:
        with eng.begin() as conn:
            conn.execute(text("UPDATE kreis SET name = :n WHERE ags = :a"), {"n": old, "a": ags})
        eng.dispose()


def test_map_works_without_tiles(run_page, monkeypatch):
    # An empty TILE_URL in the environment counts as unset (services.settings): patch the setting itself.
    from dataclasses import replace

    import services.core.settings as settings_module

    real = settings_module.get_settings
    monkeypatch.setattr(settings_module, "get_settings", lambda: replace(real(), tile_url=""))
    at = run_page(PAGE, ROLES_USERS["team"])
    assert not at.exception, at.exception
    script, _ = _map_script(at)
    assert "L.tileLayer" not in script and "tile.openstreetmap" not in script
    assert len(_collections(script)) == 3
    assert "L.control.layers" in script and "karte-legend" in script and "GeoBasis-DE" in script


def test_offers_list_pages_through(run_page):
    at = run_page("pages/helfer_angebote.py", ROLES_USERS["team"])
    assert not at.exception, at.exception
    first = list(at.dataframe[0].value["Nr."])
    assert len(first) == 50
    assert any(c.value.startswith("Seite 1 von ") for c in at.caption)
    back = next(b for b in at.button if b.label == "Zurück")
    assert back.disabled
    next(b for b in at.button if b.label == "Weiter").click().run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("Seite 2 von ") for c in at.caption)
    second = list(at.dataframe[0].value["Nr."])
    assert second and not set(first) & set(second)
    next(b for b in at.button if b.label == "Zurück").click().run()
    assert list(at.dataframe[0].value["Nr."]) == first
