"""consent_active agrees with the consent ledger ("latest record decides") after every kind of consent write,
on SQLite and PostgreSQL, and the Liste's consent counts equal counts by the ledger's rule."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from db import consent_state
from db.models import Consent, Contact
from db.queries.contacts import listing as q
from db.queries.contacts.consent import active_consent_filter
from db.types import utcnow
from services.contacts.care import grant_consent, withdraw_consent
from services.contacts.listing import ListFilter
from services.contacts.rules import ConsentInput
from services.privacy.erasure import erase_contact
from services.privacy.objection import withdraw_all_consents
from services.privacy.tombstones import RETENTION
from tests.support.scopes import ADMIN, user_scope
from tests.support.writes import import_some, merge_some

PAIRS = (("newspaper", "post"), ("information", "email"), ("call_to_action", "email"), ("volunteering", None))


def _agree(session) -> None:
    session.flush()
    assert consent_state.differences(session.connection()) == set()


def _someone(session, rng: random.Random) -> int:
    ids = list(session.scalars(select(Contact.id).order_by(Contact.id)))
    return rng.choice(ids)


def _ledger_writes(session, rng: random.Random) -> None:
    """Grants and withdrawals through the card, raw records with tied times, edits, deletes and an objection."""
    now = utcnow()
    for purpose, channel in PAIRS:
        cid = _someone(session, rng)
        try:
            grant_consent(session, ADMIN, cid, ConsentInput(purpose, channel, "infostand", "Unterschrift"))
        except Exception:  # already active, or no address for the channel: withdraw it instead
            session.rollback()
            try:
                withdraw_consent(session, ADMIN, cid, purpose, channel)
            except Exception:
                session.rollback()
        _agree(session)
    a, b, c, d = (_someone(session, rng) for _ in range(4))
    # A withdrawal record and a grant at the very same time: the higher id decides.
    session.add_all(
        [
            Consent(contact_id=a, purpose="newspaper", channel="post", granted_at=now, withdrawn_at=now),
            Consent(contact_id=a, purpose="newspaper", channel="post", granted_at=now),
        ]
    )
    session.flush()
    _agree(session)
    # A record moved to another person and another channel; a withdrawal taken back; records deleted.
    rec = session.scalars(select(Consent).where(Consent.contact_id == b)).first()
    if rec is not None:
        rec.contact_id, rec.channel = c, ("email" if rec.channel != "email" else "post")
    session.execute(
        update(Consent).where(Consent.contact_id == c, Consent.withdrawn_at.is_not(None)).values(withdrawn_at=None)
    )
    session.execute(delete(Consent).where(Consent.contact_id == d, Consent.purpose == "information"))
    session.flush()
    _agree(session)
    withdraw_all_consents(session, _someone(session, rng), now + timedelta(seconds=1))
    session.commit()
    _agree(session)


def test_consent_active_agrees_with_the_ledger_after_every_kind_of_write(session):
    rng = random.Random(5)
    _agree(session)
    for _ in range(3):
        _ledger_writes(session, rng)
        import_some(session)  # new people with consents, and consents added to people who exist
        _agree(session)
        merge_some(session, rng)  # the younger person's consents move to the older
        _agree(session)
        erase_contact(session, _someone(session, rng), RETENTION, journal=False)  # cascade
        session.commit()
        _agree(session)


def test_rebuild_repairs_a_table_that_drifted(session):
    conn = session.connection()
    conn.exec_driver_sql("DELETE FROM consent_active WHERE purpose = 'newspaper'")
    assert consent_state.differences(conn)
    consent_state.rebuild(conn)
    assert consent_state.differences(conn) == set()


def test_the_liste_counts_consents_as_the_ledger_decides(session):
    rng = random.Random(9)
    _ledger_writes(session, rng)
    for username in ("team", "lv-sachsen", "kv-leipzig"):
        scope = user_scope(session, username)
        for purpose, channel in PAIRS:
            for flt in (
                ListFilter(consent=(purpose, channel)),
                ListFilter(consent=(purpose, channel), topics=("miete",)),
                ListFilter(consent=(purpose, channel), topics=("miete",), statuses=("active", "member")),
            ):
                by_rule = q.filtered(scope, ListFilter(topics=flt.topics, statuses=flt.statuses), func.count()).where(
                    active_consent_filter(purpose, channel)
                )
                assert q.count(session, scope, flt) == session.scalar(by_rule), (username, flt)
