"""AppTest: a KV sees who has a right to a free newspaper, orders for several at once; the batch result replaces its preview."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import Contact, DispatchOrder, User
from db.queries.newspaper import BatchFilter, batch_select
from services.core.scope import Scope, scope_for
from services.newspaper import editions
from tests.support.apptest import all_text, open_page

TEAM = Scope(role="team", user_id=None, username="team")


def _edition(app_db, title, day) -> int:
    """A new edition without orders (an old date: other tests work on the newest edition)."""
    eng = make_engine(app_db)
    with Session(eng) as s:
        ed = editions.create_edition(s, TEAM, title, "", day, 1_000_000, 10)
    eng.dispose()
    return ed


def _eligible(app_db, username, ed, reach) -> list[int]:
    eng = make_engine(app_db)
    with Session(eng) as s:
        scope = scope_for(s.scalar(select(User).where(User.username == username)))
        ids = list(s.scalars(batch_select(scope, ed, BatchFilter(reach_km=reach), Contact.id)))
    eng.dispose()
    return ids


def _orders(app_db, ed) -> list[int]:
    eng = make_engine(app_db)
    with eng.connect() as conn:
        ids = list(conn.scalars(select(DispatchOrder.contact_id).where(DispatchOrder.edition_id == ed)))
    eng.dispose()
    return sorted(ids)


def _text(at) -> str:
    """The page's text as a user reads it (without Markdown's bold markers)."""
    return all_text(at).replace("**", "")


def _bestellen(user, ed):
    at = open_page("pages/zeitung_bestellen.py", user)
    at.selectbox(key="np_single_edition").set_value(ed).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def small_reach(monkeypatch):
    """The office reach set to 5 km (the setting): then some of Leipzig's people qualify."""
    from services.core.settings import get_settings

    monkeypatch.setenv("OFFICE_REACH_KM", "5")
    get_settings.cache_clear()
    yield 5.0
    monkeypatch.delenv("OFFICE_REACH_KM")
    get_settings.cache_clear()


def test_kv_sees_its_eligible_people_and_orders_several(app_db, small_reach):
    ed = _edition(app_db, "Frei für Leipzig", date(2007, 1, 1))
    eligible = _eligible(app_db, "kv-leipzig", ed, small_reach)
    assert len(eligible) >= 3
    at = _bestellen("kv-leipzig", ed)
    assert f"{len(eligible)} Personen in deinem Gebiet haben Anspruch" in _text(at)
    choice = at.multiselect(key="np_free_chosen")
    listed = [d.value for d in at.dataframe if "km zur Geschäftsstelle" in d.value.columns][0]
    assert len(listed) == len(eligible)
    chosen = eligible[:2]
    choice.set_value(chosen).run()
    order = at.button(key="np_free_order")
    assert order.label == "Zeitung für 2 Personen bestellen"
    order.click().run()
    assert not at.exception, at.exception
    assert "2 Bestellungen angelegt." in _text(at)
    assert _orders(app_db, ed) == sorted(chosen)
    assert f"{len(eligible) - 2} Personen in deinem Gebiet haben Anspruch" in _text(at)
    assert at.multiselect(key="np_free_chosen").value == []  # the choice starts afresh
    # Select all the rest in one step: then nobody qualifies any more, and the page says so.
    at.checkbox(key="np_free_all").check().run()
    at.button(key="np_free_order").click().run()
    assert _orders(app_db, ed) == sorted(eligible)
    assert "In deinem Gebiet hat gerade niemand Anspruch" in _text(at)


def test_kv_without_eligible_people_is_told_so(app_db):
    ed = _edition(app_db, "Niemand frei", date(2008, 1, 1))
    assert _eligible(app_db, "kv-leipzig", ed, 15.0) == []  # Leipzig: offices within 15 km of everyone
    at = _bestellen("kv-leipzig", ed)
    assert "In deinem Gebiet hat gerade niemand Anspruch" in _text(at)
    assert not [b for b in at.button if b.key == "np_free_order"]


def test_kv_list_holds_only_its_own_people(app_db):
    ed = _edition(app_db, "Nur Görlitz", date(2009, 1, 1))
    eng = make_engine(app_db)
    with eng.connect() as conn:
        kv = conn.scalar(select(User.kv_id).where(User.username == "kv-goerlitz"))
        mine = set(conn.scalars(select(Contact.id).where(Contact.kv_id == kv)))
    eng.dispose()
    eligible = _eligible(app_db, "kv-goerlitz", ed, 15.0)
    at = _bestellen("kv-goerlitz", ed)
    assert eligible and set(eligible) <= mine
    assert len(at.multiselect(key="np_free_chosen").options) == len(eligible)
    assert f"{len(eligible)} Personen in deinem Gebiet haben Anspruch" in _text(at)


def test_batch_preview_and_its_button_go_after_ordering(app_db):
    ed = _edition(app_db, "Sammel ohne Rest", date(2010, 1, 1))
    at = open_page("pages/zeitung_sammel.py", "team")
    at.selectbox(key="np_batch_edition").set_value(ed).run()
    [b for b in at.button if b.label == "Vorschau berechnen"][0].click().run()
    assert not at.exception, at.exception
    people = int(str([m for m in at.metric if m.label == "Personen"][0].value).replace(".", ""))
    assert people > 0
    # Ganz Deutschland: the split by Land as bars, the figures in a table below.
    assert "Nach Land" in _text(at)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    by_land = [d.value for d in at.dataframe if list(d.value.columns) == ["Land", "Personen"]]
    assert by_land and int(by_land[0]["Personen"].sum()) == people
    [b for b in at.button if b.label.endswith("Bestellungen anlegen")][0].click().run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "Angelegt:" in text and "Bestellungen mit" in text
    assert not [b for b in at.button if b.label.endswith("Bestellungen anlegen")]
    assert not [m for m in at.metric if m.label == "Personen"]
    eng = make_engine(app_db)
    with eng.connect() as conn:
        made = conn.scalar(select(func.count()).select_from(DispatchOrder).where(DispatchOrder.edition_id == ed))
    eng.dispose()
    assert made == people
