"""AppTest of the Karte for every role: layers in the map script, scope, suppression, no CDN."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.apptest import ROLES_USERS, all_text

PAGE = "pages/karte.py"


def _map_script(at) -> str:
    comps = at.get("component_instance")
    assert comps, "the page shows no map component"
    args = json.loads(comps[0].proto.json_args)
    return args["script"], args


def _plz_rows(script: str) -> list:
    # The PLZ layer travels as compact rows: {"offices":[...],"rows":[[lat, lon, r, "PLZ Ort", count, ...]]}
    m = re.search(r'\{"offices":.*?"rows":(\[.*?\]\])\}', script)
    return json.loads(m.group(1).replace("<\\/", "</")) if m else []


@pytest.mark.parametrize("role", list(ROLES_USERS))
def test_every_role_sees_the_map_with_all_layers(run_page, role):
    at = run_page(PAGE, ROLES_USERS[role])
    assert not at.exception, at.exception
    script, args = _map_script(at)
    for layer in ("Kreise", "Geschäftsstellen", "Reichweite", "Ohne Büro in Reichweite (PLZ)"):
        assert layer in script or json.dumps(layer)[1:-1] in script, layer
    assert "L.geoJson" in script and "L.control.layers" in script
    assert "GeoBasis-DE" in script  # data credits in the corner
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    assert not re.search(r"https?://(?!tile\.openstreetmap\.org)", script)
    assert "Weiße Flecken" in all_text(at)


def test_leitung_gets_no_small_counts_and_no_person_list(run_page):
    at = run_page(PAGE, ROLES_USERS["leitung"])
    script, _ = _map_script(at)
    rows = _plz_rows(script)
    for row in rows:
        assert row[4] != "&lt; 5" and int(row[4].replace(".", "")) >= 5, row
    for df in at.dataframe:
        frame = df.value
        for col in frame.columns:
            if col.startswith("Linksaktive"):
                values = [v for v in frame[col] if v != "< 5"]
                assert all(int(v) >= 5 for v in values), (col, values)
    assert not list(at.get("form")), "leitung must not get the person list"
    assert "Linksaktive einer PLZ" not in all_text(at)


def test_kreis_sees_only_its_own_kv(run_page, app_db):
    from sqlalchemy import create_engine, text

    at = run_page(PAGE, ROLES_USERS["kreis"])
    script, _ = _map_script(at)
    eng = create_engine(app_db)
    with eng.connect() as conn:
        own = {
            r[0]
            for r in conn.execute(
                text("SELECT k.ags FROM kreis k JOIN app_user u ON u.kv_id = k.kv_id WHERE u.username = 'kv-leipzig'")
            )
        }
        own_plz = {
            r[0]
            for r in conn.execute(
                text(
                    "SELECT p.plz FROM plz p JOIN kreis k ON k.ags = p.kreis_ags "
                    "JOIN app_user u ON u.kv_id = k.kv_id WHERE u.username = 'kv-leipzig'"
                )
            )
        }
    eng.dispose()
    polygons = len(re.findall(r'"type":"(?:Multi)?Polygon"', script))
    assert 1 <= polygons <= len(own) + 16  # only the KV's own Kreise are drawn (plus the 16 Land outlines)
    for row in _plz_rows(script):
        assert row[3][:5] in own_plz
    table = at.dataframe[0].value
    assert set(table["PLZ"]) <= own_plz


def test_kreis_person_list_is_scoped_and_audited(run_page, app_db):
    from sqlalchemy import create_engine, text

    at = run_page(PAGE, "kv-goerlitz")  # a rural KV: it has white spots
    form_select = [sb for sb in at.selectbox if sb.label == "PLZ-Gebiet"]
    if not form_select:
        pytest.fail("kv-goerlitz has no white spot in the seeded data")
    plz = form_select[0].value
    [b for b in at.button if b.label == "Linksaktive anzeigen"][0].click()
    at.run()
    assert not at.exception
    eng = create_engine(app_db)
    with eng.connect() as conn:
        n = conn.scalar(
            text("SELECT count(*) FROM audit_event WHERE action = 'map_plz_persons' AND object_id = :p"), {"p": plz}
        )
    eng.dispose()
    assert n >= 1
    assert any("Nachname" in df.value.columns for df in at.dataframe)


def test_office_name_with_script_is_escaped(run_page, app_db):
    from sqlalchemy import create_engine, text

    eng = create_engine(app_db)
    with eng.begin() as conn:
        old = conn.execute(text("SELECT id, name FROM office WHERE active ORDER BY id LIMIT 1")).one()
        conn.execute(
            text("UPDATE office SET name = :n WHERE id = :i"), {"n": "<script>alert('x')</script> Büro", "i": old[0]}
        )
    try:
        at = run_page(PAGE, ROLES_USERS["team"])
        script, _ = _map_script(at)
        assert "<script>alert" not in script
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Büro" in script
    finally:
        with eng.begin() as conn:
            conn.execute(text("UPDATE office SET name = :n WHERE id = :i"), {"n": old[1], "i": old[0]})
        eng.dispose()


FIXED_VIEW = "Für die Leitung gibt es eine feste Auswertung, damit sich keine kleinen Gruppen herausrechnen lassen."


def test_leitung_has_no_reach_slider_no_filters_and_no_small_count_in_the_map(run_page):
    at = run_page(PAGE, ROLES_USERS["leitung"])
    assert not at.exception, at.exception
    assert not at.slider and not at.multiselect and not at.date_input
    assert [sb.label for sb in at.selectbox] == ["Land"]
    assert FIXED_VIEW in all_text(at)
    script, _ = _map_script(at)
    # Kreis popups: totals and far figures; PLZ rows: counts and status splits.
    shown = re.findall(r"(?:Linksaktive gesamt|mindestens 5\)): (\d[\d.]*)", script)
    assert shown, "no Kreis figure in the map"
    for row in _plz_rows(script):
        shown += [row[4], *row[5]]
    numbers = [int(v.replace(".", "")) for v in shown if v != "&lt; 5"]
    assert not [n for n in numbers if 1 <= n <= 4], numbers
    assert "L.heatLayer(" not in script  # the density travels only when it is switched on
    next(t for t in at.toggle if t.label == "Dichte aller").set_value(True).run()
    script, _ = _map_script(at)
    weights = re.search(r"L\.heatLayer\(\s*(\[\[.*?\]\])", script, flags=re.S)
    assert weights, "no heat layer in the map"
    assert {p[2] for p in json.loads(weights.group(1))} <= {0.2, 0.4, 0.6, 0.8, 1.0}


def test_staff_keep_reach_and_filters(run_page):
    at = run_page(PAGE, ROLES_USERS["team"])
    assert [s.label for s in at.slider] == ["Reichweite einer Geschäftsstelle (km)"]
    assert {m.label for m in at.multiselect} == {"Status", "Thema", "Quelle"}
    assert FIXED_VIEW not in all_text(at)


def _kv_options(at) -> list[str]:
    return next(s for s in at.selectbox if s.label == "Kreisverband").options


def test_a_renamed_kv_shows_in_the_kv_filter_at_the_next_action(run_page, app_db):
    # The KV list must not be kept per process: an admin's rename through another app process
    # (here: another engine) shows at the team's next action, not minutes later.
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.engine import make_engine
    from db.models import Kreisverband
    from services.admin import kv_coverage
    from tests.support.scopes import ADMIN

    at = run_page(PAGE, ROLES_USERS["team"])
    assert "KV Leipzig" in _kv_options(at)
    eng = make_engine(app_db)
    try:
        with Session(eng) as s:
            kv_id = s.scalar(select(Kreisverband.id).where(Kreisverband.name == "KV Leipzig"))
            kv_coverage.rename_kv(s, ADMIN, kv_id, "KV Leipzig-Stadt")
        at.run()
        assert "KV Leipzig-Stadt" in _kv_options(at) and "KV Leipzig" not in _kv_options(at)
    finally:
        with Session(eng) as s:
            kv_coverage.rename_kv(s, ADMIN, kv_id, "KV Leipzig")
        eng.dispose()
