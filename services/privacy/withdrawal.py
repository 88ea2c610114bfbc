"""What waits for a consent stops when the consent goes (DESIGN §3.7).

A withdrawal cancels the person's queued mails that need that purpose and channel, and when the
newspaper consent by post goes, the person's open newspaper orders (their copies return to the
stock). An Art. 21 objection stops everything at once. The sender checks consent again when a mail
goes out; this makes the stop immediate, so nothing waits in the outbox that may not be sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import DispatchOrder
from services.mail.outbox import cancel_queued

# Orders not yet packed can simply stop; packed ones are on their way to the post office.
CANCELLABLE_ORDERS = ("requested", "approved")
# The consent a newspaper order by post needs.
NEWSPAPER_CONSENT = ("newspaper", "post")


@dataclass(frozen=True)
class Stopped:
    """What was cancelled."""

    mails: int
    orders: int


def cancel_open_orders(session: Session, contact_id: int, now: datetime) -> int:
    """Cancel the person's newspaper orders that are not packed yet; returns how many."""
    return session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.contact_id == contact_id, DispatchOrder.status.in_(CANCELLABLE_ORDERS))
        .values(status="cancelled", cancelled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def after_withdrawal(session: Session, contact_id: int, purpose: str, channel: str | None, now: datetime) -> Stopped:
    """Cancel what needed the consent (purpose, channel) that was just withdrawn (no commit)."""
    mails = cancel_queued(session, contact_id, "consent_withdrawn", now, purpose, channel)
    orders = cancel_open_orders(session, contact_id, now) if (purpose, channel) == NEWSPAPER_CONSENT else 0
    return Stopped(mails, orders)


def after_objection(session: Session, contact_id: int, now: datetime) -> Stopped:
    """Cancel every queued mail that needs a consent and every open newspaper order (no commit)."""
    return Stopped(cancel_queued(session, contact_id, "objection", now), cancel_open_orders(session, contact_id, now))
