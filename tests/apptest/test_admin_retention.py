"""AppTest: Aufbewahrung lists who is due per KV and anonymises the chosen people after a confirmation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import AuditEvent, Contact, ErasureTombstone
from tests.support.apptest import all_text, open_page
from tests.support.retention import old_contact

PAGE = "pages/admin_retention.py"
GOERLITZ = "14626"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_admin_sees_who_is_due_and_anonymises_a_chosen_person(app_db):
    eng = make_engine(app_db)
    with Session(eng) as s:
        cid = old_contact(s, GOERLITZ, "Verjaehrt")
        keep = old_contact(s, GOERLITZ, "Bleibtnoch")
        kv_id = s.get(Contact, cid).kv_id
        s.commit()
    at = open_page(PAGE, "admin")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Aufbewahrung"]
    text = all_text(at)
    assert "24 Monate" in text and "Fällig" in text
    per_kv = at.dataframe[0].value
    assert "KV Görlitz" in set(per_kv["Kreisverband"])
    at.selectbox(key="retention_kv").set_value(kv_id).run()
    people = at.dataframe[1].value
    assert {cid, keep} <= set(people["Nr."]) and "Aufbewahrung Verjaehrt" in set(people["Name"])

    at.multiselect(key="retention_pick").set_value([cid]).run()
    at.text_input(key="retention_confirm").set_value("ja").run()
    _button(at, "retention_run").click().run()
    assert "Es wurde niemand anonymisiert" in all_text(at)
    with Session(eng) as s:
        assert s.get(Contact, cid) is not None

    at.text_input(key="retention_confirm").set_value("ANONYMISIEREN").run()
    _button(at, "retention_run").click().run()
    assert not at.exception, at.exception
    assert "1 Person anonymisiert" in all_text(at)
    with Session(eng) as s:
        assert s.get(Contact, cid) is None and s.get(Contact, keep) is not None
        assert s.scalar(select(ErasureTombstone.reason).where(ErasureTombstone.contact_id == cid)) == "retention"
        event = s.scalar(
            select(AuditEvent).where(AuditEvent.action == "retention_erased", AuditEvent.object_id == str(cid))
        )
        assert event is not None and event.username == "admin"
    eng.dispose()
