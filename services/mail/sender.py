"""Deliver due mails of the outbox over SMTP, with retries and exponential backoff."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import Engine, select

from db.engine import make_session_factory
from db.models import MailOutbox
from db.queries.calls import delivery_consented, withdraw_delivery
from db.types import utcnow

MAX_ATTEMPTS = 5
WITHDRAWN = "Nicht gesendet: die Einwilligung für Aktionsaufrufe per E-Mail ist nicht mehr aktiv."
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What one sender run did."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    dropped: int = 0  # not sent: the consent was withdrawn after the mail was queued


def _still_consented(session, mail: MailOutbox) -> bool:
    # Calls to action are checked again at sending time; other mails are service mails to staff
    # or answers the person asked for.
    if mail.ref_type != "call_delivery" or mail.ref_id is None:
        return True
    return delivery_consented(session, mail.ref_id)


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
        stmt = (
            select(MailOutbox)
            .where(MailOutbox.status == "queued", MailOutbox.next_attempt_at <= now)
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
            .limit(batch)
        )
        if engine.dialect.name == "postgresql":
            # Several app instances may run a sender: each mail is taken by one of them only.
            stmt = stmt.with_for_update(skip_locked=True)
        mails = list(session.scalars(stmt))
        if not mails:
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
                if not _still_consented(session, mail):
                    # Consent withdrawn since the mail was queued: it must not go out (DESIGN §2).
                    mail.status, mail.last_error = "failed", WITHDRAWN
                    withdraw_delivery(session, mail.ref_id)
                    report.dropped += 1
                    session.commit()
                    continue
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
