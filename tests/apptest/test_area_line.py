"""The "Gebiet" line under a page title names the area a national user chose, not "Bundesweit"."""

from __future__ import annotations

from tests.support.apptest import ROLES_USERS, open_page


def _gebiet(at) -> list[str]:
    return [t.value for t in at.text if t.value.startswith("Gebiet: ")]


def test_karte_names_the_chosen_land_and_kv(app_db):
    at = open_page("pages/karte.py", "team")
    assert _gebiet(at) == ["Gebiet: Bundesweit"]
    land = next(sb for sb in at.selectbox if sb.label == "Land")
    land.set_value("14").run()
    assert not at.exception, at.exception
    assert _gebiet(at) == ["Gebiet: Sachsen"]
    kv = next(sb for sb in at.selectbox if sb.label == "Kreisverband")
    kv.select_index(kv.options.index("KV Leipzig")).run()
    assert not at.exception, at.exception
    assert _gebiet(at) == ["Gebiet: KV Leipzig"]


def test_karte_leitung_names_the_chosen_land(app_db):
    at = open_page("pages/karte.py", ROLES_USERS["leitung"])
    next(sb for sb in at.selectbox if sb.label == "Land").set_value("14").run()
    assert not at.exception, at.exception
    assert _gebiet(at) == ["Gebiet: Sachsen"]


def test_entwicklung_names_the_chosen_land(app_db):
    at = open_page("pages/entwicklung.py", "team")
    assert _gebiet(at) == ["Gebiet: Bundesweit"]
    next(sb for sb in at.selectbox if sb.label == "Land").set_value("14").run()
    assert not at.exception, at.exception
    assert _gebiet(at) == ["Gebiet: Sachsen"]
