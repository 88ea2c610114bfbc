"""Consent is checked when a mail goes out, for every kind of mail, and a withdrawal or objection cancels
what waits (DESIGN §3.7): queued mails at once, open newspaper orders when the newspaper consent goes.
SQLite and PostgreSQL; the sender delivers to a real local SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import make_session_factory
from db.models import (
    AuditEvent,
    CallDelivery,
    Consent,
    Contact,
    DispatchOrder,
    MailOutbox,
    NewspaperEdition,
)
from db.queries.contacts.consent import active_consent_filter
from services.calls import workflow as calls
from services.contacts import care
from services.mail.outbox import enqueue
from services.mail.sender import deliver_due
from services.privacy import objection
from services.privacy import requests as dsr
from services.seed import seed_demo
from tests.support.scopes import ADMIN, user_scope
from tests.support.smtp import free_port
from tests.support.smtp import smtp_settings as _settings
from tests.support.volunteers import accepted_volunteer

NOW = datetime(2031, 6, 1, 12, tzinfo=UTC)  # after every seeded consent


def _mails_to(s, addr: str) -> list[MailOutbox]:
    return list(s.scalars(select(MailOutbox).where(MailOutbox.to_addr == addr).order_by(MailOutbox.id)))


def test_volunteering_mail_queued_while_smtp_was_down_is_not_sent_after_an_objection(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=600, seed=7)
    factory = make_session_factory(empty_engine)
    with factory() as s:
        v = accepted_volunteer(s)
    assert deliver_due(empty_engine, _settings(free_port())).retry >= 2  # SMTP is down: both mails wait
    with factory() as s:
        assert [m.status for m in _mails_to(s, v.email)] == ["queued"]
        rid = dsr.register_request(s, ADMIN, v.contact_id, "objection")
        result = objection.carry_out_objection(s, ADMIN, rid)
        assert result.mails_cancelled == 1
        # Cancelled at once, kept with its reason (not deleted).
        assert [(m.status, m.cancel_reason) for m in _mails_to(s, v.email)] == [("cancelled", "objection")]

    report = deliver_due(empty_engine, _settings(ctl.port), now=datetime.now(UTC) + timedelta(hours=1))

    assert v.email not in {r for rcpt, _ in inbox.messages for r in rcpt}
    assert report.sent >= 1  # the lead still hears of the placement and of its end
    assert {r for rcpt, _ in inbox.messages for r in rcpt} == {v.lead_email}


def test_sender_checks_the_volunteering_consent_at_send_time(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=600, seed=7)
    factory = make_session_factory(empty_engine)
    with factory() as s:
        v = accepted_volunteer(s)
        # Withdrawn by a way that cancels nothing itself (say, a database fix): the sender must still refuse.
        s.add(Consent(contact_id=v.contact_id, purpose="volunteering", channel=None, granted_at=NOW, withdrawn_at=NOW))
        s.commit()

    report = deliver_due(empty_engine, _settings(ctl.port), now=NOW + timedelta(minutes=1))

    assert (report.sent, report.dropped) == (1, 1)
    assert {r for rcpt, _ in inbox.messages for r in rcpt} == {v.lead_email}
    with factory() as s:
        ((mail),) = _mails_to(s, v.email)
        assert (mail.status, mail.cancel_reason, mail.sent_at) == ("cancelled", "no_consent", None)


def test_sender_refuses_a_mail_that_needs_consent_but_names_nobody(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    with make_session_factory(empty_engine)() as s:
        # A row as written before mails named their person: nobody's consent can be checked.
        s.add(MailOutbox(to_addr="alt@example.org", subject="Info", body="Hallo", purpose="information"))
        s.commit()
        with pytest.raises(ValueError):
            enqueue(s, "neu@example.org", "Info", "Hallo", "information")
    report = deliver_due(empty_engine, _settings(ctl.port))
    assert (report.sent, report.dropped) == (0, 1) and inbox.messages == []
    with make_session_factory(empty_engine)() as s:
        assert s.scalar(select(MailOutbox.cancel_reason)) == "no_person"


def test_withdrawing_the_call_consent_cancels_queued_call_mails_at_once(session):
    team = user_scope(session, "team")
    cid = calls.create_call(session, team, calls.CallForm("Pflegestreik", "Komm!", "online", ("pflege",), "national"))
    n = calls.preview(session, team, cid).recipients
    assert n >= 2
    calls.send(session, team, cid, n)
    person = session.scalars(
        select(Contact)
        .join(CallDelivery, CallDelivery.contact_id == Contact.id)
        .where(CallDelivery.call_id == cid)
        .order_by(Contact.id)
    ).first()

    care.withdraw_consent(session, team, person.id, "call_to_action", "email")

    call_mails = select(MailOutbox).where(MailOutbox.ref_type == "call_delivery", MailOutbox.subject == "Pflegestreik")
    mine = [m for m in session.scalars(call_mails) if m.to_addr == person.email]
    assert [(m.status, m.cancel_reason) for m in mine] == [("cancelled", "consent_withdrawn")]
    assert sum(m.status == "queued" for m in session.scalars(call_mails)) == n - 1
    # Not reached: the delivery no longer counts (figures, 30-day limit).
    delivered = select(func.count()).where(CallDelivery.call_id == cid, CallDelivery.contact_id == person.id)
    assert session.scalar(delivered) == 0
    ev = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent_withdrawn").order_by(AuditEvent.id.desc())
    ).first()
    assert ev.details["mails_cancelled"] == 1


def test_withdrawing_the_newspaper_consent_cancels_open_orders(session):
    team = user_scope(session, "team")
    person = session.scalars(
        select(Contact).where(active_consent_filter("newspaper", "post")).order_by(Contact.id)
    ).first()
    editions = [
        NewspaperEdition(title=f"Widerruf-Test {i}", edition_date=date(2030, 1, 1 + i), copies_in_stock=100)
        for i in range(3)
    ]
    session.add_all(editions)
    session.flush()
    orders = {}
    for ed, status in zip(editions, ("requested", "approved", "shipped")):
        o = DispatchOrder(
            edition_id=ed.id,
            contact_id=person.id,
            copies=10,
            ship_name="x",
            ship_street="y",
            ship_plz=person.plz,
            ship_city="z",
            kv_id=person.kv_id,
            land_code=person.land_code,
            status=status,
        )
        session.add(o)
        session.flush()
        orders[status] = o.id
    session.commit()

    care.withdraw_consent(session, team, person.id, "newspaper", "post")

    got = {}
    for status, oid in orders.items():
        o = session.get(DispatchOrder, oid)
        session.refresh(o)
        got[status] = o.status
    # On its way already: a shipped order cannot be called back.
    assert got == {"requested": "cancelled", "approved": "cancelled", "shipped": "shipped"}
