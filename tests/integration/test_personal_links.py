"""Personal links on SQLite and PostgreSQL: call mails carry valid links (sent to a real SMTP server), answering,
topics and unsubscribing (queued mails and orders stop at once), the double opt-in end to end and its lapse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import make_session_factory
from db.models import (
    Activity,
    AuditEvent,
    CallDelivery,
    Consent,
    Contact,
    DispatchOrder,
    LinkTokenUse,
    MailOutbox,
    NewspaperEdition,
)
from db.queries.links import unsubscribed_count
from services.calls import workflow as calls
from services.contacts.edit import create_contact
from services.contacts.rules import ConsentInput, ContactInput
from services.core.settings import get_settings
from services.links import answers, preferences, signup
from services.links.access import open_link
from services.links.tokens import LinkError, read_token
from services.mail.outbox import enqueue
from services.mail.sender import deliver_due
from services.seed import seed_demo
from tests.support.links import fresh_person, sent_call, token, tokens_in
from tests.support.scopes import user_scope
from tests.support.smtp import smtp_settings

ANSWER, TOPICS = "Antworten", "Meine Themen / Abmelden"


def _secret() -> str:
    return get_settings().link_secret


def _claim(tok, purpose):
    return read_token(_secret(), tok, purpose, max_age_days=60)


def test_call_mails_carry_valid_personal_links_to_the_smtp_server(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=400, seed=11)
    factory = make_session_factory(empty_engine)
    with factory() as s:
        team = user_scope(s, "team")
        cid = calls.create_call(s, team, calls.CallForm("Mietendemo", "Komm mit!", "online", ("miete",), "national"))
        n = calls.preview(s, team, cid).recipients
        assert n >= 3
        calls.send(s, team, cid, n)
        addr_to_contact = dict(
            s.execute(
                select(MailOutbox.to_addr, MailOutbox.contact_id).where(MailOutbox.ref_type == "call_delivery")
            ).all()
        )

    report = deliver_due(empty_engine, smtp_settings(ctl.port), now=datetime.now(UTC) + timedelta(minutes=1))

    assert report.sent == n and len(inbox.messages) == n
    for rcpt, msg in inbox.messages:
        body = msg.get_content()
        links = tokens_in(body)
        assert set(links) == {ANSWER, TOPICS}, body
        owner = addr_to_contact[rcpt[0]]
        answer, topics = _claim(links[ANSWER], "answer"), _claim(links[TOPICS], "topics")
        assert (answer.contact_id, answer.ref) == (owner, f"call:{cid}")
        assert (topics.contact_id, topics.ref) == (owner, f"call:{cid}")
        assert body.index("Komm mit!") < body.index("Antworten:")  # the links come after the text
    # A link from a delivered mail answers the call for that person.
    rcpt, msg = inbox.messages[0]
    with factory() as s:
        assert answers.answer_call(s, tokens_in(msg.get_content())[ANSWER], "accepted") == "zugesagt"
        d = s.scalars(select(CallDelivery).where(CallDelivery.contact_id == addr_to_contact[rcpt[0]])).one()
        assert d.response == "accepted" and d.responded_at is not None
        assert s.scalar(select(func.count()).where(AuditEvent.action == "call_response")) == 1


def test_answer_changeable_until_the_call_ends_and_refused_after(session):
    c = fresh_person(session, email="answer.int@example.org")
    end = datetime.now(UTC) + timedelta(days=1)
    call_id = sent_call(session, [c.id], ends_at=end)
    tok = token(_secret(), c.id, "answer", f"call:{call_id}")
    answers.answer_call(session, tok, "accepted")
    answers.answer_call(session, tok, "declined")
    page = open_link(session, tok)
    assert (page.view.response, page.view.is_open, page.view.kind) == ("declined", True, "call")
    with pytest.raises(LinkError, match="vorbei") as err:
        answers.answer_call(session, tok, "accepted", now=end + timedelta(minutes=1))
    assert err.value.reason == "closed"
    assert session.scalar(select(CallDelivery.response).where(CallDelivery.call_id == call_id)) == "declined"
    notes = session.scalars(
        select(Activity.note).where(Activity.contact_id == c.id, Activity.kind == "call_to_action")
    ).all()
    assert len(notes) == 2  # one entry per change, none for the refused one


def test_answer_token_for_a_call_that_went_to_someone_else_is_refused(session):
    a = fresh_person(session, email="a.int@example.org")
    b = fresh_person(session, email="b.int@example.org")
    call_id = sent_call(session, [b.id])
    with pytest.raises(LinkError, match="ging nicht an dich"):
        answers.answer_call(session, token(_secret(), a.id, "answer", f"call:{call_id}"), "accepted")
    assert session.scalar(select(CallDelivery.response).where(CallDelivery.call_id == call_id)) == ""


def test_a_topics_token_cannot_answer_or_confirm(session):
    c = fresh_person(session, email="purpose.int@example.org")
    tok = token(_secret(), c.id, "topics")
    with pytest.raises(LinkError) as err:
        signup.confirm_signup(session, tok)
    assert err.value.reason == "purpose"


def test_unsubscribe_everything_stops_queued_mails_and_newspaper_orders_at_once(session):
    c = fresh_person(session, email="stop.int@example.org")
    call_mail = enqueue(session, c.email, "Aufruf", "Hallo", "call_to_action", contact_id=c.id)
    info_mail = enqueue(session, c.email, "Info", "Hallo", "information", contact_id=c.id)
    edition = NewspaperEdition(title="Link-Test", edition_date=date(2030, 1, 1), copies_in_stock=50)
    session.add(edition)
    session.flush()
    order = DispatchOrder(
        edition_id=edition.id,
        contact_id=c.id,
        copies=5,
        ship_name="x",
        ship_street="y",
        ship_plz=c.plz,
        ship_city="z",
        kv_id=c.kv_id,
        land_code=c.land_code,
    )
    session.add(order)
    session.commit()
    tok = token(_secret(), c.id, "topics", "info:12")
    before = unsubscribed_count(session, "info", 12)

    assert preferences.unsubscribe(session, tok, preferences.ALL) == 3

    session.refresh(call_mail), session.refresh(info_mail), session.refresh(order)
    assert (call_mail.status, call_mail.cancel_reason) == ("cancelled", "consent_withdrawn")
    assert (info_mail.status, info_mail.cancel_reason) == ("cancelled", "consent_withdrawn")
    assert order.status == "cancelled"
    active = session.scalar(select(func.count()).where(Consent.contact_id == c.id, Consent.withdrawn_at.is_(None)))
    assert active == 0
    assert unsubscribed_count(session, "info", 12) == before + 1
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "link_unsubscribed")).all()[-1]
    assert ev.object_id == str(c.id) and ev.details["orders_cancelled"] == 1 and ev.details["ref"] == "info:12"
    # Nothing left to withdraw: a clear German error, nothing written.
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(LinkError, match="schon nichts mehr"):
        preferences.unsubscribe(session, tok, preferences.ALL)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_unsubscribe_one_purpose_keeps_the_others_and_topics_change(session):
    c = fresh_person(session, email="one.int@example.org")
    tok = token(_secret(), c.id, "topics", "call:3")
    assert preferences.unsubscribe(session, tok, "information") == 1
    view = open_link(session, tok).view
    assert set(view.subscriptions) == {"call_to_action", "newspaper"}
    assert preferences.save_topics(session, tok, ["frieden"]) == (1, 2)
    assert open_link(session, tok).view.topics == ("frieden",)
    assert preferences.save_topics(session, tok, ["frieden"]) == (0, 0)
    act = session.scalars(
        select(Activity).where(Activity.contact_id == c.id, Activity.kind == "link_unsubscribe")
    ).one()
    assert (act.ref_type, act.ref_id) == ("call", 3)


def test_double_opt_in_end_to_end(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    engine = empty_engine
    seed_demo(engine, contacts=300, seed=5)
    factory = make_session_factory(engine)
    with factory() as s:
        kreis = user_scope(s, "kv-leipzig")
        made = create_contact(
            s,
            kreis,
            ContactInput(
                first_name="Clara",
                last_name="Webform",
                email="clara.webform@example.org",
                plz="04109",
                source="webformular",
                topics=("miete",),
                consents=(ConsentInput("call_to_action", "email", "webformular", "Formular 2026-12-01"),),
            ),
        )
        c = s.get(Contact, made.id)
        assert c.unconfirmed_since is not None
        # A call mail queued meanwhile must wait for the confirmation: the sender cancels it.
        other = enqueue(s, c.email, "Aufruf", "Hallo", "call_to_action", contact_id=c.id)
        s.commit()
        other_id = other.id

    deliver_due(engine, smtp_settings(ctl.port), now=datetime.now(UTC) + timedelta(minutes=1), batch=10_000)

    mine = [m for rcpt, m in inbox.messages if rcpt == ["clara.webform@example.org"]]
    assert [m["Subject"] for m in mine] == [signup.CONFIRM_SUBJECT]
    with factory() as s:
        assert (s.get(MailOutbox, other_id).status, s.get(MailOutbox, other_id).cancel_reason) == (
            "cancelled",
            "unconfirmed",
        )
    (tok,) = tokens_in(mine[0].get_content()).values()
    with factory() as s:
        assert open_link(s, tok).view.confirmed is False
        assert signup.confirm_signup(s, tok) is True
        c = s.get(Contact, made.id)
        assert c.unconfirmed_since is None
        assert s.scalar(select(func.count()).where(Activity.contact_id == c.id, Activity.kind == "link_confirm")) == 1
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "link_signup_confirmed")).all()[-1]
        assert ev.object_id == str(c.id) and ev.username == "persönlicher Link"
    # Used once: the same link again changes nothing and says so in German.
    with factory() as s:
        uses = s.scalar(select(func.count()).select_from(LinkTokenUse))
        with pytest.raises(LinkError, match="schon benutzt"):
            signup.confirm_signup(s, tok)
        with pytest.raises(LinkError, match="schon benutzt"):
            open_link(s, tok)
        assert s.scalar(select(func.count()).select_from(LinkTokenUse)) == uses


def test_unconfirmed_sign_ups_lapse_after_30_days_once(session):
    now = datetime.now(UTC)
    old = fresh_person(session, email="old.int@example.org")
    new = fresh_person(session, email="new.int@example.org")
    old.unconfirmed_since = now - timedelta(days=31)
    new.unconfirmed_since = now - timedelta(days=5)
    waiting = enqueue(session, old.email, "Aufruf", "Hallo", "call_to_action", contact_id=old.id)
    session.commit()
    confirm_tok = token(_secret(), old.id, "confirm")

    first = signup.lapse_unconfirmed(session, now=now)

    assert first["people"] >= 1 and first["consents_withdrawn"] >= 3
    active = select(func.count()).where(Consent.contact_id == old.id, Consent.withdrawn_at.is_(None))
    assert session.scalar(active) == 0
    session.refresh(waiting)
    assert (waiting.status, waiting.cancel_reason) == ("cancelled", "consent_withdrawn")
    new_active = select(func.count()).where(Consent.contact_id == new.id, Consent.withdrawn_at.is_(None))
    assert session.scalar(new_active) == 3
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "signup_lapsed")).all()[-1]
    assert ev.object_id == str(old.id) and ev.details["days"] == 30
    assert signup.lapse_unconfirmed(session, now=now) == {"people": 0, "consents_withdrawn": 0}  # idempotent
    with pytest.raises(LinkError, match="verfallen"):
        signup.confirm_signup(session, confirm_tok)


def test_queue_missing_confirmations_mails_marked_imports_once(session):
    c = fresh_person(session, email="import.int@example.org", source="import")
    c.unconfirmed_since = datetime.now(UTC)
    session.commit()
    assert signup.queue_missing_confirmations(session) >= 1
    session.commit()
    assert signup.queue_missing_confirmations(session) == 0
    mails = session.scalars(select(MailOutbox).where(MailOutbox.contact_id == c.id)).all()
    assert [m.purpose for m in mails] == ["confirmation"]
    assert "?t=" in mails[0].body


def test_expire_signups_script_lapses_then_mails_the_rest_and_is_idempotent(empty_engine, capsys):
    import json

    from scripts import expire_signups

    seed_demo(empty_engine, contacts=200, seed=3)
    factory = make_session_factory(empty_engine)
    now = datetime.now(UTC)
    with factory() as s:
        old = fresh_person(s, email="old.script@example.org")
        young = fresh_person(s, email="young.script@example.org")
        old.unconfirmed_since = now - timedelta(days=40)
        signup.queue_confirmation(s, old)  # its confirmation mail still waits: the lapse cancels it
        young.unconfirmed_since = now - timedelta(days=2)
        s.commit()
        old_id, young_id = old.id, young.id
    url = empty_engine.url.render_as_string(hide_password=False)

    assert expire_signups.main(["--database-url", url]) == 0
    first = json.loads(capsys.readouterr().out)
    assert expire_signups.main(["--database-url", url]) == 0
    second = json.loads(capsys.readouterr().out)

    assert first == {"confirmations_queued": 1, "people": 1, "consents_withdrawn": 3}
    assert second == {"confirmations_queued": 0, "people": 0, "consents_withdrawn": 0}
    with factory() as s:
        old_mails = s.scalars(select(MailOutbox).where(MailOutbox.contact_id == old_id)).all()
        assert [(m.status, m.cancel_reason) for m in old_mails] == [("cancelled", "signup_lapsed")]
        young_mails = s.scalars(select(MailOutbox).where(MailOutbox.contact_id == young_id)).all()
        assert [(m.purpose, m.status) for m in young_mails] == [("confirmation", "queued")]
        assert s.get(Contact, young_id).unconfirmed_since is not None


def test_the_mail_sender_run_mails_an_imported_unconfirmed_person_at_once(empty_engine, smtp_server, monkeypatch):
    from scripts import send_mail

    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=200, seed=4)
    factory = make_session_factory(empty_engine)
    with factory() as s:
        s.execute(MailOutbox.__table__.delete())  # only this test's mails
        c = fresh_person(s, email="imported.unconfirmed@example.org", source="import")
        c.unconfirmed_since = datetime.now(UTC)
        s.commit()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(ctl.port))
    get_settings.cache_clear()
    try:
        assert send_mail.main(["--database-url", empty_engine.url.render_as_string(hide_password=False)]) == 0
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert [(r, m["Subject"]) for r, m in inbox.messages] == [
        (["imported.unconfirmed@example.org"], signup.CONFIRM_SUBJECT)
    ]
    assert list(tokens_in(inbox.messages[0][1].get_content()))  # with its confirmation link


def test_a_volunteering_mail_carries_the_persons_topics_link(empty_engine):
    from tests.support.volunteers import accepted_volunteer

    seed_demo(empty_engine, contacts=600, seed=7)
    with make_session_factory(empty_engine)() as s:
        v = accepted_volunteer(s)
        (mail,) = s.scalars(select(MailOutbox).where(MailOutbox.to_addr == v.email)).all()
        links = tokens_in(mail.body)
        assert list(links) == [TOPICS]
        claim = _claim(links[TOPICS], "topics")
        assert (claim.contact_id, claim.ref) == (v.contact_id, "")
        lead_mails = s.scalars(select(MailOutbox).where(MailOutbox.to_addr == v.lead_email)).all()
        assert lead_mails and all("?t=" not in m.body for m in lead_mails)  # service mails to the lead: none


def test_call_mails_with_links_survive_an_smtp_outage_once_each(empty_engine, smtp_server):
    from tests.support.smtp import free_port

    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=300, seed=13)
    factory = make_session_factory(empty_engine)
    with factory() as s:
        s.execute(MailOutbox.__table__.delete())
        s.commit()
        team = user_scope(s, "team")
        cid = calls.create_call(s, team, calls.CallForm("Streik", "Komm!", "online", ("pflege",), "national"))
        n = calls.preview(s, team, cid).recipients
        calls.send(s, team, cid, n)
    t0 = datetime.now(UTC) + timedelta(minutes=1)
    down = deliver_due(empty_engine, smtp_settings(free_port()), now=t0, batch=10_000)
    assert (down.sent, down.retry) == (0, n) and inbox.messages == []
    up = deliver_due(empty_engine, smtp_settings(ctl.port), now=t0 + timedelta(minutes=5), batch=10_000)
    again = deliver_due(empty_engine, smtp_settings(ctl.port), now=t0 + timedelta(hours=1), batch=10_000)
    assert (up.sent, again.sent) == (n, 0)
    recipients = [r for rcpt, _ in inbox.messages for r in rcpt]
    assert len(recipients) == len(set(recipients)) == n  # none lost, none twice
    for _, msg in inbox.messages:
        links = tokens_in(msg.get_content())
        assert _claim(links[ANSWER], "answer").ref == f"call:{cid}"
