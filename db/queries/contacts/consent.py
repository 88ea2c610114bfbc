"""Consent queries: whether a contact's latest record for a purpose and channel is active."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from db.models import Consent, ConsentActive, Contact


def active_consent_filter(purpose: str, channel: str | None, contact=Contact):
    """EXISTS-clause: the latest consent record for (contact, purpose, channel) is not withdrawn.

    Usable in any select over Contact (or an alias passed as contact). "Latest" is by granted_at,
    ties broken by id, so a later withdrawal or re-grant always decides (DESIGN §2).

    The latest record is active iff some active record has no withdrawn record after it: if the
    latest is active it is such a record; if a record has no withdrawal after it, every record
    after it (the latest too) is active. Withdrawn records are few, so PostgreSQL hashes a tenth
    of the rows and SQLite probes ix_consent_pc_latest only.
    """
    c = aliased(Consent)
    later = aliased(Consent)
    channel_match = c.channel.is_(None) if channel is None else c.channel == channel
    later_channel = later.channel.is_(None) if channel is None else later.channel == channel
    withdrawn_after = exists(
        select(later.id).where(
            later.contact_id == c.contact_id,
            later.purpose == purpose,
            later_channel,
            later.withdrawn_at.is_not(None),
            or_(later.granted_at > c.granted_at, and_(later.granted_at == c.granted_at, later.id > c.id)),
        )
    )
    return exists(
        select(c.id).where(
            c.contact_id == contact.id, c.purpose == purpose, channel_match, c.withdrawn_at.is_(None), ~withdrawn_after
        )
    )


def consent_active_exists(purpose: str, channel: str | None, contact_id=Contact.id):
    """EXISTS-clause: the consent is active, read from consent_active (db/consent_state.py) by its primary key.

    For selecting many people (the Liste, a batch's preview and orders): an index lookup instead of
    "latest record decides" over the ledger. What is sent checks the ledger itself again
    (active_consent_filter), so a rare race between two writers of one person's consent sends nothing.
    """
    a = ConsentActive
    return exists(
        select(a.contact_id).where(a.purpose == purpose, a.channel == (channel or ""), a.contact_id == contact_id)
    )
