"""Queries of the personal links: the person a token names, their delivery of a call, used tokens, sign-ups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Activity, CallDelivery, CallToAction, Consent, Contact, ContactTopic, LinkTokenUse
from db.queries.contacts.consent import active_consent_filter

# The timeline kind of an unsubscribe that came through a personal link (its ref names the mailing).
UNSUBSCRIBE_KIND = "link_unsubscribe"
LAPSED_KIND = "link_lapsed"


def contact(session: Session, contact_id: int) -> Contact | None:
    """The person a link names (None when erased)."""
    return session.get(Contact, contact_id)


def delivery(session: Session, contact_id: int, call_id: int) -> tuple[CallDelivery, CallToAction] | None:
    """The person's delivery of the call, with the call; None when the call never went to them."""
    row = session.execute(
        select(CallDelivery, CallToAction)
        .join(CallToAction, CallToAction.id == CallDelivery.call_id)
        .where(CallDelivery.contact_id == contact_id, CallDelivery.call_id == call_id)
    ).first()
    return (row[0], row[1]) if row else None


def topic_codes(session: Session, contact_id: int) -> set[str]:
    """The person's topic codes."""
    return set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == contact_id)))


def active_consents(session: Session, contact_id: int) -> list[tuple[str, str | None]]:
    """The (purpose, channel) pairs whose latest record is active for the person."""
    pairs = session.execute(
        select(Consent.purpose, Consent.channel).where(Consent.contact_id == contact_id).distinct()
    ).all()
    return sorted(
        (
            (p, c)
            for p, c in pairs
            if session.scalar(select(Contact.id).where(Contact.id == contact_id, active_consent_filter(p, c)))
        ),
        key=lambda pc: (pc[0], pc[1] or ""),
    )


def token_used(session: Session, nonce: str) -> LinkTokenUse | None:
    """The recorded use of a one-time token, or None."""
    return session.get(LinkTokenUse, nonce)


def record_token_use(session: Session, nonce: str, contact_id: int, purpose: str, at: datetime) -> bool:
    """Record the use of a one-time token; False when it was used already (also by a request at the same moment)."""
    try:
        with session.begin_nested():
            session.add(LinkTokenUse(nonce=nonce, contact_id=contact_id, purpose=purpose, used_at=at))
    except IntegrityError:
        return False
    return True


def unsubscribed_count(session: Session, ref_type: str, ref_id: int) -> int:
    """How many people unsubscribed through a link that came in this mailing (e.g. 'info', 12)."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Activity.contact_id))).where(
                Activity.kind == UNSUBSCRIBE_KIND, Activity.ref_type == ref_type, Activity.ref_id == ref_id
            )
        )
        or 0
    )


def unconfirmed_before(session: Session, cutoff: datetime, limit: int | None = None) -> list[int]:
    """Ids of people whose sign-up waits for confirmation since before cutoff."""
    stmt = (
        select(Contact.id)
        .where(Contact.unconfirmed_since.is_not(None), Contact.unconfirmed_since < cutoff)
        .order_by(Contact.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def unconfirmed_among(session: Session, contact_ids) -> set[int]:
    """Those of contact_ids whose sign-up still waits for confirmation (the sender sends them nothing else)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return set()
    return set(session.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.unconfirmed_since.is_not(None))))


def signup_lapsed(session: Session, contact_id: int) -> bool:
    """Whether the person's sign-up lapsed unconfirmed (services.links.signup.lapse_unconfirmed)."""
    stmt = select(Activity.id).where(Activity.contact_id == contact_id, Activity.kind == LAPSED_KIND).limit(1)
    return session.scalar(stmt) is not None


def latest_consent(session: Session, contact_id: int, purpose: str, channel: str | None) -> Consent | None:
    """The record that decides for one purpose and channel (latest by granted_at, then id), or None."""
    channel_match = Consent.channel.is_(None) if channel is None else Consent.channel == channel
    return session.scalars(
        select(Consent)
        .where(Consent.contact_id == contact_id, Consent.purpose == purpose, channel_match)
        .order_by(Consent.granted_at.desc(), Consent.id.desc())
        .limit(1)
    ).first()


@contextmanager
def staged_texts(session: Session, rows: list[tuple[int, str]], name: str) -> Iterator[Table]:
    """A temporary table (key, text) holding rows for the block (COPY on PostgreSQL); dropped after it."""
    table = Table(
        f"staged_{name}",
        MetaData(),
        Column("key", Integer, primary_key=True),
        Column("text", Text),
        prefixes=["TEMPORARY"],
    )
    bind = session.connection()
    table.create(bind)
    if rows and bind.dialect.name == "postgresql":
        # COPY: a tenth of the time of INSERTs for 100,000 rows (DESIGN §8).
        with (
            bind.connection.driver_connection.cursor() as cur,
            cur.copy(f"COPY staged_{name} (key, text) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), [{"key": k, "text": t} for k, t in rows[start : start + 5000]])
    yield table
    table.drop(bind)
