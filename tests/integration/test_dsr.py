"""Data-subject requests on SQLite and PostgreSQL: access export, erasure, objection, rectification, roles."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, func, or_, select, update

from db.models import (
    Assignment,
    AuditEvent,
    Base,
    CampaignLead,
    Consent,
    Contact,
    DataSubjectRequest,
    DispatchOrder,
    MailOutbox,
    NewspaperEdition,
    VolunteerOffer,
)
from db.queries.contacts.consent import active_consent_filter
from db.types import utcnow
from domain.enums import PURPOSES
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.core.scope import Scope
from services.privacy import (
    access as dsr_access,
)
from services.privacy import (
    erasure as dsr_erasure,
)
from services.privacy import (
    objection as dsr_objection,
)
from services.privacy import (
    requests as dsr,
)
from tests.support.dsr_person import EMAIL, IDENTIFYING, LAST, STREET, make_person
from tests.support.pdf import pdf_text

ADMIN = Scope(role="admin", user_id=1, username="admin")


def _hits(session, value: str) -> list[tuple[str, str]]:
    """(table, column) of every text or JSON cell that contains value, case-insensitive, over all tables."""
    found = []
    for table in Base.metadata.sorted_tables:
        cols = [c for c in table.c if isinstance(c.type, (String, Text, JSON))]
        for col in cols:
            expr = cast(col, Text) if isinstance(col.type, JSON) else col
            n = session.scalar(select(func.count()).select_from(table).where(func.lower(expr).contains(value.lower())))
            if n:
                found.append((table.name, col.name))
    return found


def _request(session, person, kind):
    return dsr.register_request(session, ADMIN, person.contact_id, kind, note=f"Brief von {LAST}")


def test_erasure_leaves_no_trace_and_keeps_audit_request_and_stock(session):
    p = make_person(session)
    rid = _request(session, p, "erasure")
    old_rid = _request(session, p, "access")  # an earlier request of the same person keeps its fact
    for v in IDENTIFYING:
        assert _hits(session, v), v  # the scan does find the person before
    audits = session.scalar(select(func.count()).select_from(AuditEvent))
    orders_before = session.execute(
        select(func.count(), func.sum(DispatchOrder.copies)).where(DispatchOrder.edition_id.in_(p.editions))
    ).one()
    stock_before = session.scalars(
        select(NewspaperEdition.copies_in_stock).where(NewspaperEdition.id.in_(p.editions))
    ).all()

    done = dsr_erasure.erase(session, ADMIN, rid, "löschen")

    assert done.orders_cancelled == 2 and done.mails_deleted == 1 and done.leads_blanked == 1 and done.blockers == ()
    for v in IDENTIFYING:
        assert _hits(session, v) == [], v
    assert session.get(Contact, p.contact_id) is None
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audits + 1
    ev = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dsr_erasure_done").order_by(AuditEvent.id.desc())
    ).first()
    assert ev.object_id == str(rid) and ev.details["contact_id"] == p.contact_id
    for req_id, status in ((rid, "done"), (old_rid, "open")):
        req = session.get(DataSubjectRequest, req_id)
        session.refresh(req)
        assert req.contact_id is None and req.status == status and req.note.startswith("Brief von")
    rows = session.execute(select(DispatchOrder).where(DispatchOrder.edition_id.in_(p.editions))).scalars().all()
    assert (len(rows), sum(o.copies for o in rows)) == tuple(orders_before)
    assert all(o.contact_id is None and o.ship_name == "" and o.ship_street == "" and o.ship_plz == p.plz for o in rows)
    assert {o.id: o.status for o in rows} == {
        p.orders["delivered"]: "delivered",
        p.orders["requested"]: "cancelled",
        p.orders["approved"]: "cancelled",
    }
    assert (
        session.scalars(select(NewspaperEdition.copies_in_stock).where(NewspaperEdition.id.in_(p.editions))).all()
        == stock_before
    )
    assert session.scalar(select(func.count()).select_from(VolunteerOffer).where(VolunteerOffer.id.in_(p.offers))) == 0
    assert session.get(MailOutbox, p.other_mail_id).body == "Nichts über sie"
    lead_mails = session.scalars(select(MailOutbox).where(MailOutbox.to_addr == "lea.leitung@example.org")).all()
    assert {m.status for m in lead_mails} == {"sent", "queued"}
    assert [m.body for m in lead_mails if m.status == "sent"] == [""]
    assert "(gelöscht)" in [m.body for m in lead_mails if m.status == "queued"][0]
    own_lead = session.get(CampaignLead, p.own_lead_id)
    assert (own_lead.contact_name, own_lead.contact_email, own_lead.contact_phone) == ("(gelöscht)", "", "")
    assert own_lead.note == "(gelöscht) hat einen Schlüssel fürs Büro"
    assert session.get(CampaignLead, p.lead_id).contact_name == "Lea Leitung"  # another person's lead stays


def test_erasure_needs_confirmation_and_refuses_an_announced_assignment(session):
    p = make_person(session, assignment_status="confirmed")
    rid = _request(session, p, "erasure")
    with pytest.raises(ValidationError):
        dsr_erasure.erase(session, ADMIN, rid, "ja")
    with pytest.raises(ConflictError, match="Vermittlung"):
        dsr_erasure.erase(session, ADMIN, rid, p.plz)
    assert session.get(Contact, p.contact_id) is not None
    assert session.get(DataSubjectRequest, rid).status == "open"
    assert session.get(DispatchOrder, p.orders["requested"]).ship_street == STREET


def _keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_access_export_contains_every_related_record_in_german(session):
    p = make_person(session)
    rid = _request(session, p, "access")
    export = dsr_access.build_access_export(session, ADMIN, rid)
    data = json.loads(export.json.decode("utf-8"))
    assert export.json_name.startswith(f"auskunft-{rid}-") and export.json_name.endswith(".json")
    assert export.pdf_name == export.json_name.removesuffix(".json") + ".pdf"
    assert data["Auskunft"]["Anfrage-Nr."] == rid and data["Auskunft"]["Rechtsgrundlage"] == "Art. 15 DSGVO"
    person = data["Stammdaten"]
    assert person["E-Mail"] == EMAIL and person["Straße"] == STREET and person["Nachname"] == LAST
    assert person["Kontakt seit"] == "05.01.2024"
    assert data["Themen"] == ["Miete", "Pflege"]
    consents = data["Einwilligungen"]
    assert len(consents) == 6 and consents[0]["Erteilt am"] == "01.03.2024, 11:00"  # 10:00 UTC in Berlin
    assert {c["Zweck"] for c in consents} <= set(PURPOSES.values())  # labels, not codes
    assert len(data["Zeitleiste"]) == 2
    assert {o["Status"] for o in data["Zeitungsbestellungen"]} == {"zugestellt", "angefragt", "freigegeben"}
    assert all(o["Straße"] == STREET and o["Ausgabe"].startswith("DSR-Test") for o in data["Zeitungsbestellungen"])
    assert [sorted(o["Tätigkeiten"]) for o in data["Hilfsangebote"]] == [["Infostand", "Verteilen"]] * 2
    assert sorted(a["Nummer"] for a in data["Vermittlungen"]) == sorted(p.assignments)
    assert len(data["Freigaben für andere Kreisverbände"]) == 1 and len(data["Aktionsaufrufe"]) == 1
    assert [ld["Nummer"] for ld in data["Als Ansprechperson eines Bedarfs"]] == [p.own_lead_id]
    assert len(data["E-Mails"]) == 5 and p.other_mail_id not in [m["Nummer"] for m in data["E-Mails"]]
    assert [(r["Nummer"], r["Status"]) for r in data["Datenschutz-Anfragen"]] == [(rid, "offen")]
    # No English field name is left: every key is German (capitalised or with a space, umlaut or dot).
    assert sorted(k for k in _keys(data) if re.fullmatch(r"[a-z_]+", k)) == []
    text = pdf_text(export.pdf)
    assert export.pdf.startswith(b"%PDF") and "Auskunft nach Art. 15 DSGVO" in text
    for shown in (EMAIL, "Gänseblümchenweg 77", "Einwilligungen (6)", "Zeitungsbestellungen (3)", "zugestellt"):
        assert shown in text, shown

    # Making the files does not close the request; marking it as sent does.
    req = session.get(DataSubjectRequest, rid)
    assert req.status == "open" and req.completed_at is None
    ev = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dsr_access_exported").order_by(AuditEvent.id.desc())
    ).first()
    assert ev.object_id == str(rid) and ev.details["consents"] == 6

    dsr_access.mark_access_sent(session, ADMIN, rid)
    session.refresh(req)
    assert req.status == "done" and req.completed_at is not None
    sent = session.scalars(select(AuditEvent).where(AuditEvent.action == "dsr_access_sent")).all()
    assert [(e.object_id, e.details["contact_id"]) for e in sent] == [(str(rid), p.contact_id)]
    with pytest.raises(ConflictError):
        dsr_access.build_access_export(session, ADMIN, rid)  # done is done
    with pytest.raises(ConflictError):
        dsr_access.mark_access_sent(session, ADMIN, rid)


def test_access_request_cannot_be_marked_sent_before_an_export(session):
    p = make_person(session)
    rid = _request(session, p, "access")
    with pytest.raises(ConflictError, match="zuerst die Auskunft"):
        dsr_access.mark_access_sent(session, ADMIN, rid)
    assert session.get(DataSubjectRequest, rid).status == "open"
    # An export of another request does not count for this one.
    other = session.scalar(select(Contact.id).where(Contact.id != p.contact_id).order_by(Contact.id).limit(1))
    other_rid = dsr.register_request(session, ADMIN, other, "access")
    dsr_access.build_access_export(session, ADMIN, other_rid)
    with pytest.raises(ConflictError):
        dsr_access.mark_access_sent(session, ADMIN, rid)
    dsr_access.build_access_export(session, ADMIN, rid)
    dsr_access.mark_access_sent(session, ADMIN, rid)
    assert session.get(DataSubjectRequest, rid).status == "done"
    assert session.get(DataSubjectRequest, other_rid).status == "open"


def test_access_request_can_be_marked_sent_after_the_person_was_erased(session):
    p = make_person(session)
    access_rid = _request(session, p, "access")
    never_exported = dsr.register_request(session, ADMIN, p.contact_id, "objection")
    dsr_access.build_access_export(session, ADMIN, access_rid)
    dsr_erasure.erase(session, ADMIN, _request(session, p, "erasure"), "LÖSCHEN")
    assert session.get(DataSubjectRequest, access_rid).contact_id is None

    dsr_access.mark_access_sent(session, ADMIN, access_rid)  # the answer went out before the erasure

    req = session.get(DataSubjectRequest, access_rid)
    session.refresh(req)
    assert req.status == "done"
    with pytest.raises(ConflictError):
        dsr_access.mark_access_sent(session, ADMIN, never_exported)  # not an access request


def _active(session, contact_id):
    keys = session.execute(
        select(Consent.purpose, Consent.channel).where(Consent.contact_id == contact_id).distinct()
    ).all()
    return {
        (pu, ch)
        for pu, ch in keys
        if session.scalar(select(Contact.id).where(Contact.id == contact_id, active_consent_filter(pu, ch)))
    }


def test_objection_withdraws_consents_orders_and_offers(session):
    p = make_person(session)
    assert _active(session, p.contact_id) == {
        ("information", "email"),
        ("newspaper", "post"),
        ("volunteering", None),
        ("pass_to_branch", None),
    }
    rid = _request(session, p, "objection")
    assert dsr_objection.preview(session, ADMIN, rid).consents_withdrawn == 4
    result = dsr_objection.carry_out_objection(session, ADMIN, rid)
    assert result == dsr_objection.ObjectionResult(4, 2, 2, 1)
    assert _active(session, p.contact_id) == set()
    # The first newspaper record keeps its own, older withdrawal.
    first = session.scalars(
        select(Consent)
        .where(Consent.contact_id == p.contact_id, Consent.purpose == "newspaper")
        .order_by(Consent.granted_at)
    ).first()
    assert first.withdrawn_at.date() == date(2024, 3, 4)
    statuses = {
        o.id: o.status for o in session.scalars(select(DispatchOrder).where(DispatchOrder.contact_id == p.contact_id))
    }
    assert statuses == {
        p.orders["delivered"]: "delivered",
        p.orders["requested"]: "cancelled",
        p.orders["approved"]: "cancelled",
    }
    assert all(
        o.withdrawn_at is not None
        for o in session.scalars(select(VolunteerOffer).where(VolunteerOffer.id.in_(p.offers)))
    )
    assert session.get(Assignment, p.assignments[0]).status == "cancelled"
    assert session.get(DataSubjectRequest, rid).status == "done"
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "dsr_objection_done", AuditEvent.object_id == str(rid))
        )
        == 1
    )


def test_register_list_rectify_reject(session):
    p = make_person(session)
    rid = dsr.register_request(session, ADMIN, p.contact_id, "rectification", date.today() - timedelta(days=40))
    with pytest.raises(ConflictError):
        dsr.register_request(session, ADMIN, p.contact_id, "rectification")
    with pytest.raises(ValidationError):
        # "Tomorrow" in Berlin, where the service counts days (UTC's date lags an hour or two).
        dsr.register_request(session, ADMIN, p.contact_id, "access", dsr.berlin_date(utcnow()) + timedelta(days=1))
    row = next(r for r in dsr.list_requests(session, ADMIN, "open") if r.id == rid)
    assert row.overdue and row.person.startswith(LAST)
    with pytest.raises(ValidationError):
        dsr.complete_rectification(session, ADMIN, rid, "  ")
    dsr.complete_rectification(session, ADMIN, rid, "Telefonnummer korrigiert")
    assert rid in [r.id for r in dsr.list_requests(session, ADMIN, "done")]
    rid2 = dsr.register_request(session, ADMIN, p.contact_id, "access")
    dsr.reject_request(session, ADMIN, rid2, "Identität nicht nachgewiesen")
    assert session.get(DataSubjectRequest, rid2).status == "rejected"


@pytest.mark.parametrize("role", ["team", "land", "kreis", "leitung"])
def test_non_admin_is_refused(session, role):
    p = make_person(session)
    rid = _request(session, p, "erasure")
    other = Scope(role=role, user_id=2, username="x", kv_id=1, land_code="14")
    calls = [
        lambda: dsr.register_request(session, other, p.contact_id, "access"),
        lambda: dsr.list_requests(session, other),
        lambda: dsr_access.build_access_export(session, other, rid),
        lambda: dsr_access.mark_access_sent(session, other, rid),
        lambda: dsr_erasure.plan(session, other, rid),
        lambda: dsr_erasure.erase(session, other, rid, "LÖSCHEN"),
        lambda: dsr_objection.carry_out_objection(session, other, rid),
        lambda: dsr.reject_request(session, other, rid, "nein"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert session.get(Contact, p.contact_id) is not None
    assert (
        session.scalar(
            select(func.count())
            .select_from(DataSubjectRequest)
            .where(or_(DataSubjectRequest.contact_id == p.contact_id))
        )
        == 1
    )


def test_a_request_closed_meanwhile_is_not_carried_out_twice(session):
    p = make_person(session)
    rid = _request(session, p, "objection")
    req = dsr.load_open(session, rid, "objection")
    # A colleague closes it between loading and acting (bypassing this session's copy).
    session.execute(
        update(DataSubjectRequest)
        .where(DataSubjectRequest.id == rid)
        .values(status="rejected")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(ConflictError, match="gerade bearbeitet"):
        dsr.close(session, req, "done")
