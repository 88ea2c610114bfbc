"""Queue a mail in the outbox; the sender (services.mail.sender) delivers it later.

Every mail carries its purpose and channel and names the person it goes to (contact_id). A mail to a
Linksaktive:r needs that person's active consent for purpose and channel when it goes out, not only
when it is queued (DESIGN §3.7); only service mails (to a campaign lead's address about its work)
need none. A mail that may not go out is cancelled with a reason code and kept, never deleted.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import MailOutbox
from db.queries import mail as q
from db.queries.calls import withdraw_delivery
from db.types import utcnow
from domain.errors import ValidationError
from services.contacts.rules import CHANNEL_LESS

_ADDR = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
PURPOSES = (
    "information",
    "call_to_action",
    "newspaper",
    "volunteering",
    "pass_to_branch",
    "service",
    "confirmation",
)
# Mails about someone's work for the party (to a campaign lead's address); no consent purpose covers them.
# A sign-up's confirmation mail (double opt-in, services.links.signup) asks for the consent it confirms.
NO_CONSENT_NEEDED = ("service", "confirmation")
# Why a queued mail was not sent (mail_outbox.cancel_reason).
CANCEL_REASONS = {
    "no_consent": "beim Versand keine aktive Einwilligung für Zweck und Kanal",
    "consent_withdrawn": "Einwilligung widerrufen",
    "objection": "Widerspruch nach Art. 21 DSGVO",
    "no_person": "braucht eine Einwilligung, nennt aber keine Person",
    "unconfirmed": "Anmeldung noch nicht bestätigt (Double-Opt-In)",
    "signup_lapsed": "Anmeldung nicht rechtzeitig bestätigt",
}


def valid_address(addr: str) -> bool:
    """Whether addr looks like a single deliverable address (no header injection)."""
    return bool(addr) and len(addr) <= 160 and bool(_ADDR.match(addr))


def required_consent(purpose: str, channel: str) -> tuple[str, str | None] | None:
    """The (purpose, channel) consent a mail of this purpose needs at send time; None for service mails."""
    if purpose in NO_CONSENT_NEEDED:
        return None
    return purpose, (None if purpose in CHANNEL_LESS else channel)


def enqueue(
    session: Session,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    ref_type: str = "",
    ref_id: int | None = None,
    *,
    contact_id: int | None = None,
    channel: str = "email",
) -> MailOutbox:
    """Add one mail to the outbox (committed with the caller's action); ValidationError on a bad address.

    contact_id is the Linksaktive:r the mail goes to; a mail that needs consent must name one.
    """
    to = (to or "").strip()
    if not valid_address(to):
        raise ValidationError("Die E-Mail-Adresse ist ungültig; die Mail wurde nicht eingereiht.")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown mail purpose {purpose!r}")
    if contact_id is None and required_consent(purpose, channel) is not None:
        raise ValueError(f"a {purpose!r} mail needs consent: name the person it goes to (contact_id)")
    # Header values must be one line: a newline in a subject would let data inject headers.
    subject = " ".join((subject or "").split())[:300]
    mail = MailOutbox(
        contact_id=contact_id,
        to_addr=to,
        subject=subject,
        body=body,
        purpose=purpose,
        channel=channel,
        ref_type=ref_type,
        ref_id=ref_id,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    return mail


def cancel(session: Session, mail: MailOutbox, reason: str, now: datetime) -> None:
    """Mark a queued mail as not to be sent, with its reason; a call's delivery no longer counts as reached."""
    if reason not in CANCEL_REASONS:
        raise ValueError(f"unknown cancel reason {reason!r}")
    mail.status, mail.cancel_reason, mail.cancelled_at = "cancelled", reason, now
    if mail.ref_type == "call_delivery" and mail.ref_id is not None:
        # Not reached: the delivery leaves the figures and the 30-day limit; the timeline says why.
        withdraw_delivery(session, mail.ref_id)


def cancel_queued(
    session: Session, contact_id: int, reason: str, now: datetime, purpose: str | None = None, channel=None
) -> int:
    """Cancel the person's queued mails that need the consent (purpose, channel), or every mail that needs
    any consent when purpose is None (an objection); returns how many."""
    done = 0
    for mail in q.queued_of(session, contact_id):
        need = required_consent(mail.purpose, mail.channel)
        if need is None or (purpose is not None and need != (purpose, channel or None)):
            continue
        cancel(session, mail, reason, now)
        done += 1
    return done
