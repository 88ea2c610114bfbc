"""AppTest: the admin registers a data-subject request and carries out an erasure with confirmation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import AuditEvent, Consent, Contact, DataSubjectRequest, Kreis, Plz
from tests.support.apptest import ROLES_USERS, all_text, open_page
from tests.support.pdf import pdf_text

PAGE = "pages/admin_dsr.py"


def _person(app_db: str, last: str) -> int:
    """A contact of its own (other tests keep their demo contacts), committed."""
    eng = make_engine(app_db)
    with Session(eng) as s:
        place = s.scalars(select(Plz).order_by(Plz.plz.desc())).first()
        kreis = s.get(Kreis, place.kreis_ags)
        c = Contact(
            first_name="Ottilie",
            last_name=last,
            email=f"{last.lower()}@example.org",
            phone="0341 555",
            street="Am Löschteich 1",
            plz=place.plz,
            city=place.place,
            kreis_ags=kreis.ags,
            kv_id=kreis.kv_id,
            land_code=kreis.land_code,
            status="contact",
            contact_since=date(2024, 1, 1),
            source="webformular",
        )
        s.add(c)
        s.flush()
        s.add(
            Consent(
                contact_id=c.id, purpose="information", channel="email", granted_at=datetime(2024, 1, 1, tzinfo=UTC)
            )
        )
        s.commit()
        cid = c.id
    eng.dispose()
    return cid


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_admin_registers_and_erases_with_confirmation(app_db):
    cid = _person(app_db, "Xylophonova")
    at = open_page(PAGE, "admin")
    assert not at.exception, at.exception
    assert "Datenschutz-Anfragen" in [t.value for t in at.title]
    at.text_input(key="dsr_picker_query").set_value("Xylophonova").run()
    at.selectbox(key="dsr_picker_choice_0").set_value(cid).run()
    at.selectbox(key="dsr_kind").set_value("erasure").run()
    _button(at, "dsr_register").click().run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert "ist erfasst" in text, text
    eng = make_engine(app_db)
    with Session(eng) as s:
        rid = s.scalar(select(DataSubjectRequest.id).where(DataSubjectRequest.contact_id == cid))
    at.selectbox(key="dsr_pick_request").set_value(rid).run()
    assert "Endgültig löschen" in [b.label for b in at.button]
    at.text_input(key="dsr_confirm").set_value("vielleicht").run()
    _button(at, "dsr_erase").click().run()
    assert "Es wurde nichts gelöscht" in all_text(at)
    with Session(eng) as s:
        assert s.get(Contact, cid) is not None
    at.text_input(key="dsr_confirm").set_value("LÖSCHEN").run()
    _button(at, "dsr_erase").click().run()
    assert not at.exception, at.exception
    assert "Die Person ist gelöscht" in all_text(at)
    with Session(eng) as s:
        assert s.get(Contact, cid) is None
        req = s.get(DataSubjectRequest, rid)
        assert req.status == "done" and req.contact_id is None
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "dsr_erasure_done", AuditEvent.object_id == str(rid))
            )
            == 1
        )
    eng.dispose()


def _audits(s, action: str, rid: int) -> int:
    return s.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.object_id == str(rid))
    )


def test_admin_creates_access_export_as_pdf_and_json_and_marks_it_sent(app_db):
    cid = _person(app_db, "Quappenberg")
    eng = make_engine(app_db)
    with Session(eng) as s:
        s.add(DataSubjectRequest(contact_id=cid, kind="access", status="open"))
        s.commit()
        rid = s.scalar(select(DataSubjectRequest.id).where(DataSubjectRequest.contact_id == cid))
    at = open_page(PAGE, "admin")
    at.selectbox(key="dsr_pick_request").set_value(rid).run()
    assert _button(at, "dsr_access_sent").disabled  # nothing to send before the export exists

    _button(at, "dsr_access").click().run()
    assert not at.exception, at.exception
    export = at.session_state["dsr_export"]
    pdf, pdf_name = export["pdf"]
    data, json_name = export["json"]
    assert export["rid"] == rid and pdf_name.endswith(".pdf") and json_name.endswith(".json")
    assert pdf.startswith(b"%PDF") and "Quappenberg" in pdf_text(pdf)
    doc = json.loads(data)
    assert doc["Stammdaten"]["E-Mail"] == "quappenberg@example.org" and doc["Stammdaten"]["Quelle"] == "Webformular"
    assert "ist erzeugt (PDF und JSON)" in all_text(at)
    with Session(eng) as s:
        # Making the files does not finish the request.
        assert s.get(DataSubjectRequest, rid).status == "open"
        assert _audits(s, "dsr_access_exported", rid) == 1 and _audits(s, "dsr_access_sent", rid) == 0
    assert at.selectbox(key="dsr_pick_request").value == rid
    assert not _button(at, "dsr_access_sent").disabled

    _button(at, "dsr_access_sent").click().run()
    assert not at.exception, at.exception
    assert f"Auskunft Nr. {rid} ist als versendet markiert; die Anfrage ist erledigt." in all_text(at)
    assert "dsr_export" not in at.session_state
    with Session(eng) as s:
        req = s.get(DataSubjectRequest, rid)
        assert req.status == "done" and req.completed_at is not None
        assert _audits(s, "dsr_access_sent", rid) == 1
    open_now = (
        at.selectbox(key="dsr_pick_request").options if any(b.key == "dsr_pick_request" for b in at.selectbox) else []
    )
    assert not [o for o in open_now if o.startswith(f"Nr. {rid} ·")]
    eng.dispose()


@pytest.mark.parametrize("role", ["team", "land", "kreis", "leitung"])
def test_other_roles_cannot_reach_the_page(app_db, role):
    with pytest.raises(ValueError):
        open_page(PAGE, ROLES_USERS[role])


def test_admin_carries_out_objection_and_sees_overdue(app_db):
    cid = _person(app_db, "Widerspruchlich")
    eng = make_engine(app_db)
    with Session(eng) as s:
        s.add(
            DataSubjectRequest(
                contact_id=cid, kind="objection", status="open", received_at=datetime(2020, 1, 2, tzinfo=UTC)
            )
        )
        s.commit()
        rid = s.scalar(select(DataSubjectRequest.id).where(DataSubjectRequest.contact_id == cid))
    at = open_page(PAGE, "admin")
    assert "überfällig" in all_text(at)
    at.selectbox(key="dsr_pick_request").set_value(rid).run()
    assert "Widerruft 1 aktive Einwilligungen" in all_text(at)
    _button(at, "dsr_object").click().run()
    assert not at.exception, at.exception
    assert "Widerspruch umgesetzt: 1 Einwilligungen widerrufen" in all_text(at)
    with Session(eng) as s:
        assert s.get(DataSubjectRequest, rid).status == "done"
        assert s.scalar(select(Consent.withdrawn_at).where(Consent.contact_id == cid)) is not None
    eng.dispose()
