"""Aktionsaufrufe on SQLite and PostgreSQL: audience, limit, scope, sending once, responses, the sender."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import make_session_factory
from db.models import Activity, AuditEvent, CallDelivery, CallToAction, Consent, Contact, ContactTopic, MailOutbox
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from services.calls import responses as call_responses
from services.calls import workflow as calls
from services.mail.sender import deliver_due
from services.seed import seed_demo
from tests.support.scopes import user_scope
from tests.support.smtp import smtp_settings as _settings

NOW = datetime(2031, 6, 1, 12, tzinfo=UTC)  # after every seeded consent


def _form(**kw) -> calls.CallForm:
    base = dict(
        title="Mietendemo",
        body="Komm zur Demo für bezahlbare Mieten!",
        mode="online",
        topics=("miete",),
        region_level="national",
    )
    base.update(kw)
    return calls.CallForm(**base)


def _expected(session, topics, land=None, kv=None, exclude=()) -> set[int]:
    """Brute force: who has a topic, an address, and whose latest call_to_action/email consent is active."""
    latest: dict[int, Consent] = {}
    for c in session.scalars(select(Consent).where(Consent.purpose == "call_to_action", Consent.channel == "email")):
        cur = latest.get(c.contact_id)
        if cur is None or (c.granted_at, c.id) > (cur.granted_at, cur.id):
            latest[c.contact_id] = c
    with_topic = set(session.scalars(select(ContactTopic.contact_id).where(ContactTopic.topic.in_(topics))))
    out = set()
    for cid, email, land_code, kv_id in session.execute(
        select(Contact.id, Contact.email, Contact.land_code, Contact.kv_id)
    ):
        consent = latest.get(cid)
        if (
            cid in with_topic
            and email
            and "@" in email
            and consent is not None
            and consent.withdrawn_at is None
            and (land is None or land_code == land)
            and (kv is None or kv_id == kv)
            and cid not in exclude
        ):
            out.add(cid)
    return out


def _delivered(session, call_id) -> set[int]:
    return set(session.scalars(select(CallDelivery.contact_id).where(CallDelivery.call_id == call_id)))


def test_audience_is_topic_address_and_active_consent(session):
    team = user_scope(session, "team")
    cid = calls.create_call(session, team, _form(topics=("miete", "pflege")))
    expected = _expected(session, ["miete", "pflege"])
    assert len(expected) > 20
    pv = calls.preview(session, team, cid, now=NOW)
    assert (pv.recipients, pv.at_limit) == (len(expected), 0) and len(pv.sample) == 10
    assert calls.send(session, team, cid, pv.recipients, now=NOW) == len(expected)
    assert _delivered(session, cid) == expected

    mails = session.scalars(select(MailOutbox).where(MailOutbox.ref_type == "call_delivery")).all()
    assert len(mails) == len(expected) and {m.status for m in mails} == {"queued"}
    one = session.scalars(select(Contact).where(Contact.id == min(expected))).one()
    mail = next(m for m in mails if m.to_addr == one.email)
    assert mail.subject == "Mietendemo" and mail.purpose == "call_to_action"
    assert mail.body.startswith(f"Hallo {one.first_name},\n\nKomm zur Demo") and "Abmelden" in mail.body
    assert session.scalar(
        select(func.count()).select_from(Activity).where(Activity.kind == "call_to_action", Activity.ref_id == cid)
    ) == len(expected)
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "call_send", AuditEvent.object_id == str(cid))
        )
        == 1
    )

    # Sent once: a second click, or a page left open, sends nothing.
    with pytest.raises(ConflictError, match="schon am"):
        calls.send(session, team, cid, 0, now=NOW)
    assert len(_delivered(session, cid)) == len(expected)


def test_limit_per_30_days(session, monkeypatch):
    team = user_scope(session, "team")
    monkeypatch.setattr(calls, "_max_calls", lambda: 1)
    first = calls.create_call(session, team, _form(topics=("miete",)))
    calls.send(session, team, first, calls.preview(session, team, first, now=NOW).recipients, now=NOW)
    got_first = _delivered(session, first)
    second = calls.create_call(session, team, _form(title="Pflegeaktion", topics=("pflege",)))
    pflege = _expected(session, ["pflege"])
    pv = calls.preview(session, team, second, now=NOW + timedelta(days=10))
    assert pv.at_limit == len(pflege & got_first) > 0
    assert pv.recipients == len(pflege - got_first)
    # 31 days later the first call no longer counts.
    later = calls.preview(session, team, second, now=NOW + timedelta(days=31))
    assert (later.recipients, later.at_limit) == (len(pflege), 0)


def test_form_submitted_twice_makes_one_draft(session):
    team = user_scope(session, "team")
    calls.create_call(session, team, _form(title="Doppelklick"))
    with pytest.raises(ValidationError, match="schon als Entwurf"):
        calls.create_call(session, team, _form(title="Doppelklick"))
    assert (
        session.scalar(select(func.count()).select_from(CallToAction).where(CallToAction.title == "Doppelklick")) == 1
    )
    calls.create_call(session, team, _form(title="Doppelklick", region_level="land", land_code="14"))


def test_draft_can_be_changed_until_it_is_sent(session):
    lv = user_scope(session, "lv-sachsen")
    cid = calls.create_call(session, lv, _form(region_level="land", land_code="14"))
    calls.update_draft(
        session,
        lv,
        cid,
        _form(
            title="Pflegedemo",
            topics=("pflege",),
            region_level="land",
            land_code="14",
            mode="on_site",
            start_day=date(2031, 6, 6),
            all_day=True,
        ),
    )
    call = session.get(CallToAction, cid)
    assert (call.title, call.topics, call.mode) == ("Pflegedemo", "pflege", "on_site")
    assert call.starts_at.date() == date(2031, 6, 5)  # 00:00 in Berlin is 22:00 UTC the day before
    with pytest.raises(ValidationError, match="eigenes Land"):
        calls.update_draft(session, lv, cid, _form(region_level="land", land_code="12"))
    assert session.get(CallToAction, cid).land_code == "14"
    n = calls.preview(session, lv, cid, now=NOW).recipients
    assert n == len(_expected(session, ["pflege"], land="14"))
    calls.send(session, lv, cid, n, now=NOW)
    with pytest.raises(ConflictError, match="schon verschickt"):
        calls.update_draft(session, lv, cid, _form(region_level="land", land_code="14"))
    with pytest.raises(ConflictError, match="nur Entwürfe"):
        calls.delete_draft(session, lv, cid)
    assert session.get(CallToAction, cid).title == "Pflegedemo"


def test_changed_audience_sends_nothing(session):
    team = user_scope(session, "team")
    cid = calls.create_call(session, team, _form())
    n = calls.preview(session, team, cid, now=NOW).recipients
    with pytest.raises(ConflictError, match=f"jetzt {n} statt {n + 1}"):
        calls.send(session, team, cid, n + 1, now=NOW)
    assert not _delivered(session, cid)
    assert session.get(CallToAction, cid).sent_at is None


def test_land_staff_work_in_their_land_only(session):
    lv = user_scope(session, "lv-sachsen")
    with pytest.raises(ValidationError, match="Bundesweite"):
        calls.create_call(session, lv, _form())
    with pytest.raises(ValidationError, match="eigenes Land"):
        calls.create_call(session, lv, _form(region_level="land", land_code="12"))
    with pytest.raises(PermissionDenied):
        calls.create_call(session, user_scope(session, "leitung"), _form(region_level="land", land_code="14"))
    own = calls.create_call(session, lv, _form(region_level="land", land_code="14"))
    kv = session.scalar(select(Contact.kv_id).where(Contact.land_code == "14").limit(1))
    kv_call = calls.create_call(session, lv, _form(region_level="kv", kv_id=kv))
    assert session.get(CallToAction, kv_call).land_code == "14"
    other = calls.create_call(session, user_scope(session, "team"), _form(region_level="land", land_code="12"))
    assert {c.id for c in calls.calls(session, lv)} >= {own, kv_call} and other not in {
        c.id for c in calls.calls(session, lv)
    }
    with pytest.raises(NotFoundError):
        calls.preview(session, lv, other, now=NOW)

    n = calls.preview(session, lv, kv_call, now=NOW).recipients
    calls.send(session, lv, kv_call, n, now=NOW)
    assert _delivered(session, kv_call) == _expected(session, ["miete"], kv=kv)
    n = calls.preview(session, lv, own, now=NOW).recipients
    calls.send(session, lv, own, n, now=NOW)
    lands = set(
        session.scalars(
            select(Contact.land_code)
            .join(CallDelivery, CallDelivery.contact_id == Contact.id)
            .where(CallDelivery.call_id == own)
        )
    )
    assert lands == {"14"}


def test_kv_staff_send_for_their_kv_only(session):
    kv = user_scope(session, "kv-leipzig")
    other_kv = session.scalar(select(Contact.kv_id).where(Contact.kv_id != kv.kv_id).limit(1))
    with pytest.raises(ValidationError, match="für deinen Kreisverband"):
        calls.create_call(session, kv, _form(region_level="land", land_code="14"))
    with pytest.raises(ValidationError, match="eigenen Kreisverband"):
        calls.create_call(session, kv, _form(region_level="kv", kv_id=other_kv))
    own = calls.create_call(session, kv, _form(region_level="kv", kv_id=kv.kv_id))
    lv_call = calls.create_call(session, user_scope(session, "lv-sachsen"), _form(region_level="land", land_code="14"))
    assert [c.id for c in calls.calls(session, kv)] == [own]
    with pytest.raises(NotFoundError):
        calls.preview(session, kv, lv_call, now=NOW)
    n = calls.preview(session, kv, own, now=NOW).recipients
    assert n == len(_expected(session, ["miete"], kv=kv.kv_id)) > 0
    calls.send(session, kv, own, n, now=NOW)
    assert _delivered(session, own) == _expected(session, ["miete"], kv=kv.kv_id)
    # The Land sees its KVs' calls too.
    assert own in {c.id for c in calls.calls(session, user_scope(session, "lv-sachsen"))}


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(title="  "), "Titel"),
        (dict(body=""), "worum es geht"),
        (dict(topics=()), "mindestens ein Thema"),
        (dict(link="javascript:alert(1)"), "http"),
        (dict(mode="on_site"), "Datum"),
        (dict(start_day=date(2031, 5, 2), end_day=date(2031, 5, 1)), "vor dem Beginn"),
        (dict(region_level="kv", kv_id=None), "Kreisverband"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(session, change, message):
    team = user_scope(session, "team")
    before = session.scalar(select(func.count()).select_from(CallToAction))
    with pytest.raises(ValidationError, match=message):
        calls.create_call(session, team, _form(**change))
    assert session.scalar(select(func.count()).select_from(CallToAction)) == before


def test_responses_are_recorded_in_scope(session):
    team = user_scope(session, "team")
    cid = calls.create_call(session, team, _form(title="Haustürwahlkampf"))
    calls.send(session, team, cid, calls.preview(session, team, cid, now=NOW).recipients, now=NOW)
    sachsen = session.scalar(
        select(CallDelivery.id)
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .where(CallDelivery.call_id == cid, Contact.land_code == "14")
        .limit(1)
    )
    elsewhere = session.scalar(
        select(CallDelivery.id)
        .join(Contact, Contact.id == CallDelivery.contact_id)
        .where(CallDelivery.call_id == cid, Contact.land_code != "14")
        .limit(1)
    )
    lv = user_scope(session, "lv-sachsen")
    with pytest.raises(NotFoundError):
        call_responses.record_response(session, lv, sachsen, "accepted")  # a national call is not the Land's
    call_responses.record_response(session, team, sachsen, "accepted", now=NOW)
    call_responses.record_response(session, team, elsewhere, "declined", now=NOW)
    with pytest.raises(ValidationError):
        call_responses.record_response(session, team, elsewhere, "vielleicht")
    by_response, table = call_responses.figures(session, team, cid)
    assert by_response["accepted"] == 1 and by_response["declined"] == 1
    assert table["erreicht"].sum() == len(_delivered(session, cid))
    assert table.loc[table["Land"] == "Sachsen", "zugesagt"].iloc[0] == 1
    delivery = session.get(CallDelivery, sachsen)
    assert delivery.response == "accepted" and delivery.responded_at is not None
    note = session.scalars(
        select(Activity.note)
        .where(Activity.contact_id == delivery.contact_id, Activity.kind == "call_to_action")
        .order_by(Activity.id.desc())
    ).first()
    assert note == "zugesagt: Haustürwahlkampf"
    hits = call_responses.find_recipients(session, team, cid, session.get(Contact, delivery.contact_id).email)
    assert [h[0] for h in hits] == [sachsen] and hits[0][2] == "accepted"


def test_sender_drops_mail_when_consent_was_withdrawn(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=600, seed=11)
    with make_session_factory(empty_engine)() as s:
        team = user_scope(s, "team")
        cid = calls.create_call(s, team, _form())
        n = calls.preview(s, team, cid).recipients
        assert n >= 2
        calls.send(s, team, cid, n)
        gone = s.scalars(
            select(Contact)
            .join(CallDelivery, CallDelivery.contact_id == Contact.id)
            .where(CallDelivery.call_id == cid)
            .order_by(Contact.id)
        ).first()
        gone_addr, gone_id = gone.email, gone.id
        s.add(
            Consent(
                contact_id=gone.id,
                purpose="call_to_action",
                channel="email",
                granted_at=NOW,
                withdrawn_at=NOW,
                source="test",
            )
        )
        s.commit()
    report = deliver_due(empty_engine, _settings(ctl.port), now=NOW + timedelta(minutes=1), batch=10_000)
    assert (report.sent, report.dropped) == (n - 1, 1)
    assert gone_addr not in {r for rcpt, _ in inbox.messages for r in rcpt}
    assert all(msg["Subject"] == "Mietendemo" for _, msg in inbox.messages)
    assert all(msg.get_content().startswith("Hallo ") for _, msg in inbox.messages)
    with make_session_factory(empty_engine)() as s:
        dropped = s.scalars(
            select(MailOutbox).where(MailOutbox.to_addr == gone_addr, MailOutbox.ref_type == "call_delivery")
        ).one()
        # Kept with its reason, not deleted; it names the person it was meant for.
        assert (dropped.status, dropped.cancel_reason, dropped.contact_id) == ("cancelled", "no_consent", gone_id)
        # Not reached: the delivery is taken back (figures, 30-day limit) and the timeline says why.
        assert s.scalar(select(func.count()).select_from(CallDelivery).where(CallDelivery.contact_id == gone_id)) == 0
        assert s.scalar(select(func.count()).select_from(CallDelivery).where(CallDelivery.call_id == cid)) == n - 1
        assert (
            s.scalars(select(Activity.note).where(Activity.contact_id == gone_id).order_by(Activity.id.desc())).first()
            == "nicht gesendet (Einwilligung widerrufen): Mietendemo"
        )


def _kv_of_contacts(session, ids) -> dict[str, int]:
    """Brute force: recipients per KV name."""
    from db.models import Kreisverband

    out: dict[str, int] = {}
    for (name,) in session.execute(
        select(Kreisverband.name).join(Contact, Contact.kv_id == Kreisverband.id).where(Contact.id.in_(ids))
    ):
        out[name] = out.get(name, 0) + 1
    return out


def test_preview_splits_the_recipients_by_kv(session):
    team = user_scope(session, "team")
    cid = calls.create_call(session, team, _form(topics=("miete", "pflege")))
    pv = calls.preview(session, team, cid, now=NOW)
    assert list(pv.by_kv.columns) == ["Kreisverband", "Land", "Empfänger:innen"]
    assert int(pv.by_kv["Empfänger:innen"].sum()) == pv.recipients
    assert list(pv.by_kv["Empfänger:innen"]) == sorted(pv.by_kv["Empfänger:innen"], reverse=True)
    expected = _kv_of_contacts(session, _expected(session, ["miete", "pflege"]))
    assert dict(zip(pv.by_kv["Kreisverband"], pv.by_kv["Empfänger:innen"])) == expected
    assert pv.by_kv["Land"].nunique() > 1

    # Land staff see only their Land's KVs, even for a national call's audience they may not send.
    land = user_scope(session, "lv-sachsen")
    lcid = calls.create_call(session, land, _form(region_level="land", land_code="14", topics=("miete", "pflege")))
    lpv = calls.preview(session, land, lcid, now=NOW)
    assert set(lpv.by_kv["Land"]) == {"Sachsen"} and int(lpv.by_kv["Empfänger:innen"].sum()) == lpv.recipients
    assert dict(zip(lpv.by_kv["Kreisverband"], lpv.by_kv["Empfänger:innen"])) == _kv_of_contacts(
        session, _expected(session, ["miete", "pflege"], land="14")
    )


def test_preview_by_kv_leaves_out_those_at_the_limit(session, monkeypatch):
    team = user_scope(session, "team")
    first = calls.create_call(session, team, _form(title="Erster Aufruf"))
    n = calls.preview(session, team, first, now=NOW).recipients
    calls.send(session, team, first, n, now=NOW)
    monkeypatch.setattr(calls, "_max_calls", lambda: 1)
    second = calls.create_call(session, team, _form(title="Zweiter Aufruf"))
    pv = calls.preview(session, team, second, now=NOW + timedelta(days=1))
    assert pv.recipients == 0 and pv.at_limit == n and pv.by_kv.empty


def test_test_mail_goes_to_my_address_and_is_not_a_sending(session):
    from db.models import User

    kv = user_scope(session, "kv-leipzig")
    kv_id = session.scalar(select(User.kv_id).where(User.username == "kv-leipzig"))
    cid = calls.create_call(session, kv, _form(title="Zeitung verteilen", region_level="kv", kv_id=kv_id))
    before = calls.preview(session, kv, cid, now=NOW)
    mail_id = calls.send_test_mail(session, kv, cid)
    mail = session.get(MailOutbox, mail_id)
    assert (mail.to_addr, mail.subject, mail.purpose, mail.contact_id) == (
        "kv-leipzig@example.org",
        "Zeitung verteilen",
        "service",
        None,
    )
    assert (mail.ref_type, mail.ref_id, mail.status) == ("call_test", cid, "queued")
    call = session.get(CallToAction, cid)
    assert mail.body == "Hallo KV" + calls.mail_text(call)  # what a recipient reads, with this name
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "call_test_mail", AuditEvent.object_id == str(cid))
    ).one()
    assert event.user_id == kv.user_id and event.details == {"mail_id": mail_id}
    # Not a sending: still a draft, nobody reached, the audience and its limit unchanged.
    assert call.sent_at is None and _delivered(session, cid) == set()
    after = calls.preview(session, kv, cid, now=NOW)
    assert (after.recipients, after.at_limit) == (before.recipients, before.at_limit)
    assert calls.send(session, kv, cid, before.recipients, now=NOW) == before.recipients


def test_test_mail_needs_my_address_and_my_area(session):
    from db.models import User

    kv = user_scope(session, "kv-goerlitz")
    kv_id = session.scalar(select(User.kv_id).where(User.username == "kv-goerlitz"))
    cid = calls.create_call(session, kv, _form(region_level="kv", kv_id=kv_id))
    session.execute(User.__table__.update().where(User.username == "kv-goerlitz").values(email=""))
    mails = session.scalar(select(func.count()).select_from(MailOutbox))
    with pytest.raises(ValidationError, match="keine E-Mail-Adresse.*„Mein Konto“.*Administration"):
        calls.send_test_mail(session, kv, cid)
    # Another KV's draft is not there for kv-leipzig.
    with pytest.raises(NotFoundError):
        calls.send_test_mail(session, user_scope(session, "kv-leipzig"), cid)
    assert session.scalar(select(func.count()).select_from(MailOutbox)) == mails


def test_sender_delivers_the_test_mail_without_consent(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    seed_demo(empty_engine, contacts=200, seed=11)
    with make_session_factory(empty_engine)() as s:
        team = user_scope(s, "team")
        cid = calls.create_call(s, team, _form(title="Probe"))
        calls.send_test_mail(s, team, cid)
    report = deliver_due(empty_engine, _settings(ctl.port), now=NOW)
    assert (report.sent, report.dropped) == (1, 0)
    [(rcpt, msg)] = inbox.messages
    assert rcpt == ["team@example.org"] and msg["Subject"] == "Probe"
    assert msg.get_content().replace("\r\n", "\n").startswith("Hallo Linksaktiv-Team,\n\nKomm zur Demo")
