"""Queue a mail in the outbox; the sender (services.mail.sender) delivers it later."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from db.models import MailOutbox
from db.types import utcnow
from domain.errors import ValidationError

_ADDR = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
PURPOSES = ("information", "call_to_action", "newspaper", "volunteering", "pass_to_branch", "service")


def valid_address(addr: str) -> bool:
    """Whether addr looks like a single deliverable address (no header injection)."""
    return bool(addr) and len(addr) <= 160 and bool(_ADDR.match(addr))


def enqueue(
    session: Session, to: str, subject: str, body: str, purpose: str, ref_type: str = "", ref_id: int | None = None
) -> MailOutbox:
    """Add one mail to the outbox (committed with the caller's action); ValidationError on a bad address."""
    to = (to or "").strip()
    if not valid_address(to):
        raise ValidationError("Die E-Mail-Adresse ist ungültig; die Mail wurde nicht eingereiht.")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown mail purpose {purpose!r}")
    # Header values must be one line: a newline in a subject would let data inject headers.
    subject = " ".join((subject or "").split())[:300]
    mail = MailOutbox(
        to_addr=to,
        subject=subject,
        body=body,
        purpose=purpose,
        ref_type=ref_type,
        ref_id=ref_id,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    return mail
