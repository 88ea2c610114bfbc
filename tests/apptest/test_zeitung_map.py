"""AppTest: the edition overview shows the map of copies per Kreis (self-served Leaflet) beside the bar chart."""

from __future__ import annotations

import json
from datetime import date

from tests.support.apptest import all_text, edition_with_batch, open_page


def test_edition_page_shows_map_of_copies(app_db):
    ed = edition_with_batch(app_db, "Kartenausgabe", date(2001, 1, 1), "09")  # Bayern: no kv-* user's contacts
    at = open_page("pages/zeitung_ausgaben.py", "team")
    at.selectbox(key="np_ed_edition").set_value(ed).run()
    assert not at.exception, at.exception
    assert "Wohin die Exemplare gehen" in all_text(at)
    maps = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    maps = [a for a in maps if "script" in a]
    assert maps, "the page shows no map component"
    args = maps[0]
    script = args["script"]
    assert "Exemplare je Kreis" in script and "L.geoJson" in script
    assert "GeoBasis-DE" in script  # data credits in the corner
    assert "cdn." not in script and "unpkg" not in script
    assert not args.get("returned_objects")  # panning must not rerun the page
    assert at.get("arrow_vega_lite_chart") or any("vega" in e.type for e in at.main)  # the bar chart stays
