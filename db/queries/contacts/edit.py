"""Queries for caring for contacts: the row to change, duplicates by e-mail, the latest consent.

Every lookup of a person goes through db.scope.apply_scope (DESIGN §3.1).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Consent, Contact, ContactTopic
from db.scope import Scope, apply_scope


def contact_for_update(session: Session, scope: Scope, contact_id: int) -> Contact | None:
    """The contact (ORM row) when it exists and lies in the scope, else None."""
    stmt = apply_scope(select(Contact).where(Contact.id == int(contact_id)), scope)
    return session.scalars(stmt).first()


def _email_key(session: Session, column):
    # The expressions of the migration's e-mail indexes, so the lookup is an index probe.
    if session.get_bind().dialect.name == "postgresql":
        return func.lower(column).collate("C")
    return column.collate("NOCASE")


def email_in_scope(session: Session, scope: Scope, email: str, exclude_id: int | None = None) -> int | None:
    """Id of a contact in the scope with this e-mail (case-insensitive), or None."""
    if session.get_bind().dialect.name == "postgresql":
        cond = _email_key(session, Contact.email) == email.lower()
    else:
        # NOCASE folds ASCII only; also try the lower-case spelling for umlauts in the local part.
        cond = _email_key(session, Contact.email).in_(sorted({email, email.lower()}))
    stmt = select(Contact.id).where(cond)
    if exclude_id is not None:
        stmt = stmt.where(Contact.id != exclude_id)
    return session.scalars(apply_scope(stmt, scope).order_by(Contact.id).limit(1)).first()


def latest_consent(session: Session, contact_id: int, purpose: str, channel: str | None) -> Consent | None:
    """The record that decides (latest by granted_at, then id) for one purpose and channel, or None."""
    channel_match = Consent.channel.is_(None) if channel is None else Consent.channel == channel
    stmt = (
        select(Consent)
        .where(Consent.contact_id == contact_id, Consent.purpose == purpose, channel_match)
        .order_by(Consent.granted_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def topic_codes(session: Session, contact_id: int) -> set[str]:
    """The contact's topic codes."""
    return set(session.scalars(select(ContactTopic.topic).where(ContactTopic.contact_id == contact_id)))
