"""AppTest of the public link pages: no login, no navigation, only what the token allows; errors change nothing."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, make_session_factory
from db.models import Activity, AuditEvent, CallDelivery, Consent, Contact, ContactTopic
from tests.support.apptest import APP, all_text
from tests.support.links import fresh_person, sent_call, token


@pytest.fixture
def links_app(app_db):
    """(factory, secret): the app's database and its link secret; a high rate limit for the other tests."""
    from services.core.settings import get_settings

    os.environ["LINK_RATE_LIMIT"] = "100000"
    get_settings.cache_clear()
    eng = make_engine(app_db)
    yield make_session_factory(eng), get_settings().link_secret
    eng.dispose()


def _open(tok: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["t"] = tok
    at.run()
    assert not at.exception, at.exception
    return at


def _person(factory, email):
    with factory() as s:
        c = fresh_person(s, email=email)
        s.commit()
        return c.id


def _no_staff_page(at):
    text = all_text(at)
    assert "Anmelden" not in [b.label for b in at.button]
    assert not at.sidebar.children or all("page_link" not in str(type(e)).lower() for e in at.sidebar)
    assert "Übersicht" not in text and "Benutzername" not in [t.label for t in at.text_input]


def test_without_token_public_only_shows_the_hint_and_no_login(links_app, monkeypatch):
    from services.core.settings import get_settings

    monkeypatch.setenv("PUBLIC_ONLY", "1")
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception, at.exception
        assert "Bitte öffne den Link direkt aus deiner Mail" in all_text(at)
        assert not at.text_input  # no login form
    finally:
        monkeypatch.delenv("PUBLIC_ONLY")
        get_settings.cache_clear()


def test_topics_link_changes_topics_and_unsubscribes_one_purpose(links_app):
    factory, secret = links_app
    cid = _person(factory, "topics.at@example.org")
    at = _open(token(secret, cid, "topics", "info:12"))
    _no_staff_page(at)
    assert "Meine Themen" in all_text(at) and "Rosa," in [t.value for t in at.text][0]
    assert at.multiselect(key="link_topics_choice").value == ["miete", "pflege"]
    at.multiselect(key="link_topics_choice").set_value(["miete", "frieden"])
    at.button[0].click().run()  # the form's submit
    assert "Deine Themen sind gespeichert (1 neu, 1 entfernt)" in all_text(at), all_text(at)
    with factory() as s:
        topics = set(s.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == cid)))
        assert topics == {"miete", "frieden"}

    radio = at.radio[0]
    assert "Aktionsaufrufe per E-Mail" in radio.options
    radio.set_value("call_to_action")
    next(b for b in at.button if b.label == "Jetzt abmelden").click().run()
    assert "Du bist abgemeldet" in all_text(at), all_text(at)
    with factory() as s:
        withdrawn = s.scalars(
            select(Consent.purpose).where(Consent.contact_id == cid, Consent.withdrawn_at.is_not(None))
        ).all()
        assert withdrawn == ["call_to_action"]
        act = s.scalars(select(Activity).where(Activity.contact_id == cid, Activity.kind == "link_unsubscribe")).one()
        assert (act.ref_type, act.ref_id) == ("info", 12)
        assert (
            s.scalar(
                select(func.count()).where(AuditEvent.action == "link_unsubscribed", AuditEvent.object_id == str(cid))
            )
            == 1
        )


def test_answer_link_says_yes_and_can_change_it(links_app):
    factory, secret = links_app
    cid = _person(factory, "answer.at@example.org")
    with factory() as s:
        call_id = sent_call(s, [cid], title="Infostand Link-Test")
        s.commit()
    at = _open(token(secret, cid, "answer", f"call:{call_id}"))
    _no_staff_page(at)
    assert "Infostand Link-Test" in "\n".join(str(t.value) for t in at.text)
    next(b for b in at.button if b.label == "Ich bin dabei").click().run()
    assert "Deine Antwort ist gespeichert: **zugesagt**" in all_text(at), all_text(at)
    next(b for b in at.button if b.label == "Ich kann leider nicht").click().run()
    with factory() as s:
        response = s.scalar(select(CallDelivery.response).where(CallDelivery.call_id == call_id))
    assert response == "declined"


def test_confirm_link_confirms_once_then_says_it_was_used(links_app):
    factory, secret = links_app
    with factory() as s:
        c = fresh_person(s, email="confirm.at@example.org")
        from db.types import utcnow

        c.unconfirmed_since = utcnow()
        s.commit()
        cid = c.id
    tok = token(secret, cid, "confirm")
    at = _open(tok)
    next(b for b in at.button if b.label == "Anmeldung bestätigen").click().run()
    assert "Deine Anmeldung ist bestätigt" in all_text(at), all_text(at)
    assert not at.button  # only the message
    with factory() as s:
        assert s.get(Contact, cid).unconfirmed_since is None
    again = _open(tok)
    assert "schon benutzt" in all_text(again) and not again.button


@pytest.mark.parametrize(
    "mangle, expected",
    [(lambda t: t[:-3] + "xyz", "ungültig"), (lambda t: t[: len(t) // 2], "ungültig")],
)
def test_forged_links_get_a_german_page_and_change_nothing(links_app, mangle, expected):
    factory, secret = links_app
    cid = _person(factory, f"forged{len(expected)}.{id(mangle)}@example.org")
    at = _open(mangle(token(secret, cid, "topics")))
    assert expected in all_text(at) and not at.button and not at.multiselect
    _no_staff_page(at)


def test_answer_link_of_another_persons_call_is_refused(links_app):
    factory, secret = links_app
    cid = _person(factory, "other.a@example.org")
    other = _person(factory, "other.b@example.org")
    with factory() as s:
        call_id = sent_call(s, [other])
        s.commit()
    at = _open(token(secret, cid, "answer", f"call:{call_id}"))
    assert "ging nicht an dich" in all_text(at) and not at.button


def test_too_many_requests_from_one_address_get_a_german_page(links_app):
    from services.core.settings import get_settings

    factory, secret = links_app
    cid = _person(factory, "rate.at@example.org")
    os.environ["LINK_RATE_LIMIT"] = "2"
    get_settings.cache_clear()
    try:
        tok = token(secret, cid, "topics")
        texts = [all_text(_open(tok)) for _ in range(3)]
    finally:
        os.environ["LINK_RATE_LIMIT"] = "100000"
        get_settings.cache_clear()
    assert "Meine Themen" in texts[0]
    assert "sehr viele Anfragen" in texts[2] and "Meine Themen" not in texts[2]


def test_kontakte_web_form_sign_up_gets_only_a_confirmation_mail(links_app):
    from db.models import MailOutbox
    from tests.support.apptest import open_page

    factory, secret = links_app
    email = "web.form@example.org"
    at = open_page("pages/kontakte.py", "kv-leipzig")
    for field, value in dict(first="Wera", last="Webform", email=email, plz="04109").items():
        at.text_input(key=f"kontakte_new_0_{field}").input(value)
    at.selectbox(key="kontakte_new_0_source").set_value("webformular")
    at.multiselect(key="kontakte_new_0_consents").select(("call_to_action", "email"))
    at.text_input(key="kontakte_new_0_evidence").input("Webformular vom 05.12.2026")
    next(b for b in at.button if b.label == "Erfassen").click().run()
    assert not at.exception and not at.error, all_text(at)
    assert any("Bestätigungsmail" in s.value for s in at.success), all_text(at)
    with factory() as s:
        c = s.scalars(select(Contact).where(Contact.email == email)).one()
        assert c.unconfirmed_since is not None
        mails = s.scalars(select(MailOutbox).where(MailOutbox.contact_id == c.id)).all()
        assert [(m.purpose, m.status) for m in mails] == [("confirmation", "queued")]
        confirm_link = [line for line in mails[0].body.splitlines() if "?t=" in line][0]
    at = _open(confirm_link.split("?t=", 1)[1])
    assert "Hallo Wera," in [t.value for t in at.text] and "Anmeldung bestätigen" in [b.label for b in at.button]


def test_an_expired_link_gets_a_german_page_and_changes_nothing(links_app, monkeypatch):
    import time

    factory, secret = links_app
    cid = _person(factory, "expired.at@example.org")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 61 * 86400)
    old = token(secret, cid, "topics")
    monkeypatch.setattr(time, "time", real)
    at = _open(old)
    assert "abgelaufen" in all_text(at) and not at.button and not at.multiselect
    _no_staff_page(at)
