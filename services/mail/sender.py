"""Deliver due mails of the outbox over SMTP, with retries and exponential backoff."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import make_session_factory
from db.models import MailOutbox
from db.queries import mail as q
from db.queries.links import unconfirmed_among
from db.types import utcnow
from services.mail.outbox import cancel, required_consent

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What one sender run did."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    dropped: int = 0  # not sent and cancelled: no active consent for its purpose and channel any more


def refusals(session: Session, mails: list[MailOutbox]) -> dict[int, str]:
    """Mail id → cancel reason for the mails that may not go out now: their person's consent for the mail's
    purpose and channel is not active (no_consent), or a mail that needs consent names nobody (no_person).
    Every kind of mail is checked; only service mails need no consent (services.mail.outbox)."""
    refused: dict[int, str] = {}
    by_need: dict[tuple[str, str | None], list[MailOutbox]] = {}
    for mail in mails:
        need = required_consent(mail.purpose, mail.channel)
        if need is None:
            continue
        if mail.contact_id is None:
            refused[mail.id] = "no_person"
        else:
            by_need.setdefault(need, []).append(mail)
    for (purpose, channel), group in by_need.items():
        ok = q.with_active_consent(session, [m.contact_id for m in group], purpose, channel)
        refused.update({m.id: "no_consent" for m in group if m.contact_id not in ok})
    # A sign-up that waits for its double opt-in gets its confirmation mail and nothing else (issue 10).
    waiting = unconfirmed_among(session, [m.contact_id for m in mails if m.contact_id is not None])
    refused.update({m.id: "unconfirmed" for m in mails if m.contact_id in waiting and m.purpose != "confirmation"})
    return refused


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: 1, 2, 4, ... minutes, at most 6 h."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_message(mail: MailOutbox, sender: str, now: datetime) -> EmailMessage:
    """The RFC 5322 message for an outbox row (UTF-8 plain text)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}")
    msg.set_content(mail.body)
    return msg


def _connect(settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15)
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password)
    return smtp


def _fail(mail: MailOutbox, error: str, now: datetime, max_attempts: int, report: DeliveryReport) -> None:
    mail.attempts += 1
    mail.last_error = error[:500]
    if mail.attempts >= max_attempts:
        mail.status = "failed"
        report.failed += 1
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)
        report.retry += 1


def deliver_due(
    engine: Engine, settings, now: datetime | None = None, batch: int = 100, max_attempts: int = MAX_ATTEMPTS
) -> DeliveryReport:
    """Send every queued mail whose next attempt is due; each result is committed at once."""
    now = now or utcnow()
    report = DeliveryReport()
    factory = make_session_factory(engine)
    with factory() as session:
        mails = q.due_mails(session, now, batch)
        if not mails:
            return report
        # Consent is checked when the mail goes out (DESIGN §3.7), before the SMTP server is even asked.
        refused = refusals(session, mails)
        for mail in mails:
            if mail.id in refused:
                cancel(session, mail, refused[mail.id], now)
                report.dropped += 1
        mails = [m for m in mails if m.id not in refused]
        if not mails:
            session.commit()
            return report
        try:
            smtp = _connect(settings)
        except (OSError, smtplib.SMTPException) as exc:
            for mail in mails:
                _fail(mail, f"connect: {exc}", now, max_attempts, report)
            session.commit()
            return report
        try:
            for mail in mails:
                try:
                    smtp.send_message(build_message(mail, settings.mail_from, now))
                    mail.status, mail.sent_at, mail.last_error = "sent", now, ""
                    mail.attempts += 1
                    report.sent += 1
                except (OSError, smtplib.SMTPException) as exc:
                    _fail(mail, str(exc), now, max_attempts, report)
                session.commit()
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return report
