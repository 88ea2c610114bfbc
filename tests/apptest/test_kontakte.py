"""Linksaktive page: kv-leipzig finds only Leipzig contacts; opening a card writes an audit event."""

from __future__ import annotations

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditEvent, Contact, Kreis
from services.core.runtime import session_scope
from tests.support.apptest import open_page


def _db(app_db):
    return make_engine(app_db)


def test_kv_leipzig_finds_only_leipzig_contacts(app_db):
    eng = _db(app_db)
    with session_scope(eng) as s:
        leipzig_kv = s.get(Kreis, "14713").kv_id
        leipzig_emails = set(s.scalars(select(Contact.email).where(Contact.kv_id == leipzig_kv)))
        other = s.scalar(select(Contact).where(Contact.kv_id != leipzig_kv).order_by(Contact.id))
        other_last = other.last_name
    eng.dispose()
    at = open_page("pages/kontakte.py", "kv-leipzig")
    shown = set(at.dataframe[0].value["E-Mail"])
    assert shown and shown <= leipzig_emails
    at.text_input(key="kontakte_query").input(other_last).run()
    if at.dataframe:
        assert set(at.dataframe[0].value["E-Mail"]) <= leipzig_emails
    at.text_input(key="kontakte_query").input("zzzzzz").run()
    assert "Keine Linksaktiven gefunden." in [i.value for i in at.info]


def test_paging_buttons(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    first = list(at.dataframe[0].value["E-Mail"])
    at.button(key="kontakte_next").click().run()
    second = list(at.dataframe[0].value["E-Mail"])
    assert second and not set(first) & set(second)
    at.button(key="kontakte_back").click().run()
    assert list(at.dataframe[0].value["E-Mail"]) == first


def test_opening_a_card_is_audited(app_db):
    at = open_page("pages/kontakte.py", "kv-leipzig")
    eng = _db(app_db)
    with session_scope(eng) as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened"))
    at.selectbox(key="kontakte_choice_0").select_index(1).run()
    contact_id = at.selectbox(key="kontakte_choice_0").value
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Stammdaten", "Einwilligungen", "Verlauf", "Zeitungen", "Hilfsangebote"]
    with session_scope(eng) as s:
        events = s.execute(
            select(AuditEvent.username, AuditEvent.object_type, AuditEvent.object_id)
            .where(AuditEvent.action == "contact_opened")
            .order_by(AuditEvent.id)
        ).all()
    eng.dispose()
    assert len(events) == before + 1
    assert tuple(events[-1]) == ("kv-leipzig", "contact", str(contact_id))
    # A rerun of the same card does not write a second event.
    at.run()
    eng = _db(app_db)
    with session_scope(eng) as s:
        assert (
            s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact_opened"))
            == before + 1
        )
    eng.dispose()
