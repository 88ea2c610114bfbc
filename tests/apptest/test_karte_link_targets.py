"""AppTest: the Karte's links (?kontakt=<id>) open the person on the Linksaktive and Zeitung pages, in scope only."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import make_engine
from db.models import Contact, User
from tests.support.apptest import all_text, logged_in_app


def _contact_ids(app_db) -> tuple[int, str, int]:
    """(a Görlitz contact's id, its last name, a Leipzig contact's id)."""
    eng = make_engine(app_db)
    with eng.connect() as conn:
        kv = {u: conn.scalar(select(User.kv_id).where(User.username == u)) for u in ("kv-goerlitz", "kv-leipzig")}
        goerlitz = conn.execute(
            select(Contact.id, Contact.last_name).where(Contact.kv_id == kv["kv-goerlitz"]).order_by(Contact.id)
        ).first()
        leipzig = conn.scalar(select(Contact.id).where(Contact.kv_id == kv["kv-leipzig"]).order_by(Contact.id))
    eng.dispose()
    return goerlitz.id, goerlitz.last_name, leipzig


def _follow_link(username: str, path: str, contact_id: int):
    """Run the app as a browser would that followed the Karte's page_link to path with ?kontakt=contact_id."""
    at = logged_in_app(username)
    at.run()
    at.switch_page(path)
    at.query_params["kontakt"] = str(contact_id)
    return at.run()


def test_link_opens_the_card_on_the_linksaktive_page(app_db):
    cid, last, _ = _contact_ids(app_db)
    at = _follow_link("kv-goerlitz", "pages/kontakte.py", cid)
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs][:2] == ["Stammdaten", "Einwilligungen"]  # the card is open
    assert any(last in str(el.value) for el in (*at.markdown, *at.text, *at.subheader)), all_text(at)
    assert "kontakt" not in at.query_params  # used once: reloading does not reopen it


def test_link_opens_the_order_form_on_the_zeitung_page(app_db):
    cid, _, _ = _contact_ids(app_db)
    at = _follow_link("kv-goerlitz", "pages/zeitung_bestellen.py", cid)
    assert not at.exception, at.exception
    assert "Versandadresse" in [s.value for s in at.subheader], all_text(at)


def test_link_to_a_person_of_another_kv_opens_nothing(app_db):
    _, _, leipzig = _contact_ids(app_db)
    for path in ("pages/kontakte.py", "pages/zeitung_bestellen.py"):
        at = _follow_link("kv-goerlitz", path, leipzig)
        assert not at.exception, at.exception
        # The scope refuses in German, as for any unknown id.
        assert any("gibt es nicht" in e.value and "Gebiet" in e.value for e in at.error), (path, all_text(at))
        assert "Stammdaten" not in [t.label for t in at.tabs]
        assert "Versandadresse" not in [s.value for s in at.subheader]
