"""Queries of the mail outbox: the due mails, a person's queued mails, whose consent still holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Contact, MailOutbox
from db.queries.contacts.consent import active_consent_filter


def due_mails(session: Session, now: datetime, batch: int) -> list[MailOutbox]:
    """Queued mails whose next attempt is due, oldest first; on PostgreSQL locked (skipping those another
    sender holds), so that several senders never take the same mail."""
    stmt = (
        select(MailOutbox)
        .where(MailOutbox.status == "queued", MailOutbox.next_attempt_at <= now)
        .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def queued_of(session: Session, contact_id: int) -> list[MailOutbox]:
    """The person's mails that wait in the outbox."""
    return list(
        session.scalars(
            select(MailOutbox)
            .where(MailOutbox.contact_id == contact_id, MailOutbox.status == "queued")
            .order_by(MailOutbox.id)
        )
    )


def with_active_consent(session: Session, contact_ids, purpose: str, channel: str | None) -> set[int]:
    """Those of contact_ids whose latest consent for purpose and channel is active."""
    ids = sorted(set(contact_ids))
    if not ids:
        return set()
    return set(session.scalars(select(Contact.id).where(Contact.id.in_(ids), active_consent_filter(purpose, channel))))
