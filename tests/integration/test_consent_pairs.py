"""Consents exist only as sensible purpose × channel pairs and need the contact detail of their channel.

On SQLite and PostgreSQL (the session fixture): the service refuses in German and changes nothing,
whatever the widget offered.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Consent, Contact
from domain.errors import ValidationError
from services.contacts.care import grant_consent
from services.contacts.edit import create_contact, update_master
from services.contacts.rules import CONSENT_PAIRS, ConsentInput, ContactInput
from tests.support.scopes import user_scope

EVIDENCE = "Unterschrift auf Infostand-Liste vom 03.05.2025"


def _person(**kw) -> ContactInput:
    base = dict(first_name="Ida", last_name="Paartest", email="ida.paartest@example.org", plz="04109")
    base.update(kw)
    return ContactInput(**base)


def _consents(session, cid) -> int:
    return session.scalar(select(func.count()).select_from(Consent).where(Consent.contact_id == cid))


def test_the_pairs_that_exist():
    assert CONSENT_PAIRS["newspaper"] == ("post",)
    assert "sms" in CONSENT_PAIRS["call_to_action"] and "post" not in CONSENT_PAIRS["call_to_action"]
    assert sum(len(c) for c in CONSENT_PAIRS.values()) < 14


def test_newspaper_by_sms_is_refused_in_german(session):
    scope = user_scope(session, "kv-leipzig")
    cid = create_contact(session, scope, _person(phone="0341 123456", street="Markt 1")).id
    with pytest.raises(ValidationError, match="„Zeitung per SMS“ gibt es nicht: Zeitung geht nur per Post"):
        grant_consent(session, scope, cid, ConsentInput("newspaper", "sms", "infostand", EVIDENCE))
    assert _consents(session, cid) == 0


def test_sms_consent_without_a_phone_number_is_refused_then_accepted(session):
    scope = user_scope(session, "kv-leipzig")
    cid = create_contact(session, scope, _person()).id
    sms = ConsentInput("call_to_action", "sms", "infostand", EVIDENCE)
    with pytest.raises(ValidationError, match="braucht es eine \\(Handy-\\)Telefonnummer"):
        grant_consent(session, scope, cid, sms)
    assert _consents(session, cid) == 0
    update_master(session, scope, cid, _person(phone="0151 23456789"))
    grant_consent(session, scope, cid, sms)
    assert _consents(session, cid) == 1


def test_capture_refuses_post_without_an_address_and_changes_nothing(session):
    scope = user_scope(session, "kv-leipzig")
    before = session.scalar(select(func.count()).select_from(Contact))
    data = _person(
        email="ohne.strasse@example.org", consents=(ConsentInput("newspaper", "post", "infostand", EVIDENCE),)
    )
    with pytest.raises(ValidationError, match="Postanschrift"):
        create_contact(session, scope, data)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contact)) == before
    no_mail = _person(email="", consents=(ConsentInput("information", "email", "infostand", EVIDENCE),))
    with pytest.raises(ValidationError, match="E-Mail-Adresse"):
        create_contact(session, scope, no_mail)
