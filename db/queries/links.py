"""Queries of the personal links: the person a token names, their delivery of a call, used tokens, sign-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Activity, CallDelivery, CallToAction, Consent, Contact, ContactTopic, LinkTokenUse, MailOutbox
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


def last_mail_id(session: Session) -> int:
    """The highest id in the mail outbox (0 when empty)."""
    return int(session.scalar(select(func.max(MailOutbox.id))) or 0)


def call_mails_after(session: Session, call_id: int, after_mail_id: int) -> list[tuple[int, int]]:
    """(mail id, contact id) of the call's delivery mails with an id above after_mail_id."""
    stmt = (
        select(MailOutbox.id, MailOutbox.contact_id)
        .join(CallDelivery, CallDelivery.id == MailOutbox.ref_id)
        .where(MailOutbox.id > after_mail_id, MailOutbox.ref_type == "call_delivery", CallDelivery.call_id == call_id)
        .order_by(MailOutbox.id)
    )
    return [(int(m), int(c)) for m, c in session.execute(stmt).all()]


def append_to_bodies(session: Session, rows: list[tuple[int, str]]) -> None:
    """Append text to the body of each mail (mail id, text): staged in a temporary table, one UPDATE ... FROM."""
    if not rows:
        return
    staged = Table(
        "staged_mail_links",
        MetaData(),
        Column("mail_id", Integer, primary_key=True),
        Column("links", Text),
        prefixes=["TEMPORARY"],
    )
    bind = session.connection()
    staged.create(bind)
    for start in range(0, len(rows), 5000):
        session.execute(insert(staged), [{"mail_id": m, "links": t} for m, t in rows[start : start + 5000]])
    session.execute(
        update(MailOutbox)
        .values(body=MailOutbox.body + staged.c.links)
        .where(MailOutbox.id == staged.c.mail_id)
        .execution_options(synchronize_session=False)
    )
    staged.drop(bind)
