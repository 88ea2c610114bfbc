"""AppTest: the edition overview shows the map of copies per Kreis (self-served Leaflet) beside the bar chart."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from db.engine import make_engine
from db.queries.newspaper import BatchFilter
from services.newspaper import editions, orders
from services.scope import Scope
from tests.apptest.conftest import all_text
from tests.apptest.helpers import open_page

TEAM = Scope(role="team", user_id=None, username="team")


def _edition_with_orders(app_db) -> int:
    # An old date and one Land: other tests order for the newest edition and for Sachsen.
    eng = make_engine(app_db)
    with Session(eng) as s:
        ed = editions.create_edition(s, TEAM, "Kartenausgabe", "", date(2001, 1, 1), 1_000_000, 10)
        flt = BatchFilter(reach_km=15.0, land_code="09")  # Bayern: no contact of the kv-* users
        pv = orders.preview_batch(s, TEAM, ed, flt)
        orders.confirm_batch(s, TEAM, ed, flt, 1, pv.people, pv.copies)
    eng.dispose()
    return ed


def test_edition_page_shows_map_of_copies(app_db):
    ed = _edition_with_orders(app_db)
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
