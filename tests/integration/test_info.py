"""Linksaktiv-Info on SQLite and PostgreSQL: audience, limit, scope, sending once, mails with links, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Consent, Contact, ContactTopic, InfoDelivery, MailOutbox
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from services.core.settings import get_settings
from services.info import workflow as info
from services.links.tokens import read_token
from tests.support.scopes import kv_of, user_scope

NOW = datetime(2031, 6, 1, 12, tzinfo=UTC)  # after every seeded consent


def _form(**kw) -> info.InfoForm:
    base = dict(
        title="Neues zur Miete", body="Der Mietendeckel kommt voran.", topics=("miete",), region_level="national"
    )
    base.update(kw)
    return info.InfoForm(**base)


def _expected(session, topics, land=None, kv=None) -> set[int]:
    """Brute force: topic, address, latest information/email consent active, no pending confirmation."""
    latest: dict[int, Consent] = {}
    for c in session.scalars(select(Consent).where(Consent.purpose == "information", Consent.channel == "email")):
        cur = latest.get(c.contact_id)
        if cur is None or (c.granted_at, c.id) > (cur.granted_at, cur.id):
            latest[c.contact_id] = c
    with_topic = set(session.scalars(select(ContactTopic.contact_id).where(ContactTopic.topic.in_(topics))))
    out = set()
    for cid, email, land_code, kv_id, unconfirmed in session.execute(
        select(Contact.id, Contact.email, Contact.land_code, Contact.kv_id, Contact.unconfirmed_since)
    ):
        consent = latest.get(cid)
        if (
            cid in with_topic
            and email
            and "@" in email
            and unconfirmed is None
            and consent is not None
            and consent.withdrawn_at is None
            and (land is None or land_code == land)
            and (kv is None or kv_id == kv)
        ):
            out.add(cid)
    return out


def _delivered(session, info_id) -> set[int]:
    return set(session.scalars(select(InfoDelivery.contact_id).where(InfoDelivery.info_id == info_id)))


def test_audience_sends_once_with_personal_links(session):
    team = user_scope(session, "team")
    # One interested person waits for the confirmation of the sign-up: left out.
    waiting = session.scalar(
        select(Contact).join(ContactTopic, ContactTopic.contact_id == Contact.id).where(ContactTopic.topic == "miete")
    )
    waiting.unconfirmed_since = NOW - timedelta(days=2)
    session.flush()
    iid = info.create_info(session, team, _form(topics=("miete", "pflege")))
    expected = _expected(session, ["miete", "pflege"])
    assert len(expected) > 20 and waiting.id not in expected
    pv = info.preview(session, team, iid, now=NOW)
    assert (pv.recipients, pv.at_limit) == (len(expected), 0) and len(pv.sample) == 10
    assert int(pv.by_kv["Empfänger:innen"].sum()) == len(expected)
    assert info.send(session, team, iid, pv.recipients, now=NOW) == len(expected)
    assert _delivered(session, iid) == expected

    mails = session.scalars(select(MailOutbox).where(MailOutbox.ref_type == "info", MailOutbox.ref_id == iid)).all()
    assert len(mails) == len(expected) and {m.status for m in mails} == {"queued"}
    assert {m.purpose for m in mails} == {"information"} and {m.contact_id for m in mails} == expected
    one = session.get(Contact, min(expected))
    mail = next(m for m in mails if m.contact_id == one.id)
    assert mail.subject == "Neues zur Miete"
    assert mail.body.startswith(f"Hallo {one.first_name},\n\nDer Mietendeckel kommt voran.")
    # The topics link in the mail is this person's, for this Info.
    line = next(x for x in mail.body.splitlines() if x.startswith("Meine Themen / Abmelden: "))
    token = line.split("?t=", 1)[1]
    from urllib.parse import unquote

    s = get_settings()
    claim = read_token(s.link_secret, unquote(token), "topics", max_age_days=s.link_max_age_days)
    assert (claim.contact_id, claim.ref) == (one.id, f"info:{iid}")
    assert "Antworten:" not in mail.body
    audits = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "info_send", AuditEvent.object_id == str(iid))
    )
    assert audits == 1

    figures = info.figures(session, team, iid)
    assert (figures.sent, figures.waiting, figures.delivered, figures.failed) == (len(expected), len(expected), 0, 0)

    with pytest.raises(ConflictError, match="schon am"):
        info.send(session, team, iid, 0, now=NOW)
    assert len(_delivered(session, iid)) == len(expected)


def test_limit_counted_apart_from_calls(session, monkeypatch):
    team = user_scope(session, "team")
    monkeypatch.setattr(info, "_max_infos", lambda: 1)
    first = info.create_info(session, team, _form())
    info.send(session, team, first, info.preview(session, team, first, now=NOW).recipients, now=NOW)
    got = _delivered(session, first)
    second = info.create_info(session, team, _form(title="Pflege aktuell", topics=("pflege",)))
    pflege = _expected(session, ["pflege"])
    pv = info.preview(session, team, second, now=NOW + timedelta(days=10))
    assert pv.at_limit == len(pflege & got) > 0 and pv.recipients == len(pflege - got)
    # The sample is the first recipients in id order: nobody at the limit.
    first = sorted(pflege - got)[: len(pv.sample)]
    names = session.execute(select(Contact.first_name, Contact.last_name).where(Contact.id.in_(first))).all()
    assert sorted(map(tuple, pv.sample[["Vorname", "Nachname"]].values.tolist())) == sorted(map(tuple, names))
    later = info.preview(session, team, second, now=NOW + timedelta(days=31))
    assert (later.recipients, later.at_limit) == (len(pflege), 0)


def test_changed_audience_and_empty_form_change_nothing(session):
    team = user_scope(session, "team")
    iid = info.create_info(session, team, _form())
    n = info.preview(session, team, iid, now=NOW).recipients
    with pytest.raises(ConflictError, match=f"jetzt {n} statt {n + 1}"):
        info.send(session, team, iid, n + 1, now=NOW)
    assert not _delivered(session, iid)
    with pytest.raises(ValidationError, match="Thema"):
        info.create_info(session, team, _form(title="Ohne Thema", topics=()))
    with pytest.raises(ValidationError, match="Titel"):
        info.create_info(session, team, _form(title="  "))
    with pytest.raises(ValidationError, match="schon als Entwurf"):
        info.create_info(session, team, _form())


def test_region_and_roles(session):
    lv = user_scope(session, "lv-sachsen")
    with pytest.raises(ValidationError, match="Bundesweite"):
        info.create_info(session, lv, _form())
    with pytest.raises(ValidationError, match="eigenes Land"):
        info.create_info(session, lv, _form(region_level="land", land_code="12"))
    for role in ("leitung", "admin"):
        with pytest.raises(PermissionDenied):
            info.create_info(session, user_scope(session, role), _form(region_level="land", land_code="14"))
    own = info.create_info(session, lv, _form(region_level="land", land_code="14"))
    n = info.preview(session, lv, own, now=NOW).recipients
    info.send(session, lv, own, n, now=NOW)
    assert _delivered(session, own) == _expected(session, ["miete"], land="14")

    kv = user_scope(session, "kv-leipzig")
    with pytest.raises(ValidationError, match="Kreisverband"):
        info.create_info(session, kv, _form(region_level="land", land_code="14"))
    mine = info.create_info(session, kv, _form(title="Leipzig", region_level="kv", kv_id=kv_of(session, "14713")))
    assert {i.id for i in info.infos(session, kv)} == {mine}
    with pytest.raises(NotFoundError):
        info.preview(session, kv, own, now=NOW)
    n = info.preview(session, kv, mine, now=NOW).recipients
    info.send(session, kv, mine, n, now=NOW + timedelta(minutes=1))
    assert _delivered(session, mine) == _expected(session, ["miete"], kv=kv_of(session, "14713"))


def test_mail_preview_has_sample_links_of_nobody(session):
    team = user_scope(session, "team")
    iid = info.create_info(session, team, _form())
    subject, body = info.mail_preview(session, team, iid)
    assert subject == "Neues zur Miete"
    assert body.startswith("Hallo <Vorname>,\n\nDer Mietendeckel kommt voran.")
    assert "Meine Themen / Abmelden: http" in body and "Miete" in body
