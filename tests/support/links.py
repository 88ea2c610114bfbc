"""Helpers for the personal-link tests: a person with consents, a sent call delivered to them, their tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from db.models import CallDelivery, CallToAction, Consent, Contact, ContactTopic
from db.queries.contacts.consent import active_consent_filter
from services.links.tokens import issue_token

NOW = datetime.now(UTC)


def person(session, *, exclude=()) -> Contact:
    """A seeded person with an e-mail address and an active consent for calls to action by e-mail."""
    stmt = (
        select(Contact)
        .where(Contact.email != "", active_consent_filter("call_to_action", "email"), Contact.id.not_in(exclude))
        .order_by(Contact.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


def fresh_person(session, *, first_name="Rosa", email="rosa.link@example.org", source="webformular") -> Contact:
    """A new person (copying a seeded one's place) with topics and three active consents."""
    model = session.scalars(select(Contact).order_by(Contact.id).limit(1)).first()
    c = Contact(
        first_name=first_name,
        last_name="Linkstest",
        email=email,
        plz=model.plz,
        city=model.city,
        kreis_ags=model.kreis_ags,
        kv_id=model.kv_id,
        land_code=model.land_code,
        status="contact",
        contact_since=NOW.date(),
        source=source,
    )
    session.add(c)
    session.flush()
    session.add_all([ContactTopic(contact_id=c.id, topic=t) for t in ("miete", "pflege")])
    at = NOW - timedelta(days=1)
    for purpose, channel in (("call_to_action", "email"), ("information", "email"), ("newspaper", "post")):
        session.add(Consent(contact_id=c.id, purpose=purpose, channel=channel, granted_at=at, source="test"))
    session.flush()
    return c


def sent_call(session, contact_ids, *, title="Infostand am Markt", ends_at=None, kind=None) -> int:
    """A call sent to contact_ids (deliveries only; no mails); returns its id."""
    call = CallToAction(
        title=title,
        body="Wir stehen Samstag am Markt.",
        mode="online",
        topics="miete",
        region_level="national",
        sent_at=NOW - timedelta(hours=1),
        ends_at=ends_at,
    )
    if kind is not None:
        call.kind = kind
    session.add(call)
    session.flush()
    session.add_all([CallDelivery(call_id=call.id, contact_id=cid, sent_at=NOW) for cid in contact_ids])
    session.flush()
    return call.id


def token(secret: str, contact_id: int, purpose: str, ref: str = "") -> str:
    """A token as a mail would carry it."""
    return issue_token(secret, contact_id, purpose, ref, one_time=purpose == "confirm")


def tokens_in(body: str) -> dict[str, str]:
    """Link label → token of the personal links in a mail body ('Antworten', 'Meine Themen / Abmelden', ...)."""
    found = {}
    for line in body.splitlines():
        if "?t=" in line:
            label, _, url = line.rpartition(": ")
            found[label.strip() or "link"] = parse_qs(urlparse(url.strip()).query)["t"][0]
    return found
