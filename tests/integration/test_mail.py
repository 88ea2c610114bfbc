"""Mail outbox and SMTP sender against a real local SMTP server (aiosmtpd), on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import make_session_factory
from db.models import MailOutbox
from db.types import utcnow
from domain.errors import ValidationError
from services.mail.outbox import enqueue
from services.mail.sender import MAX_ATTEMPTS, deliver_due
from tests.support.smtp import free_port
from tests.support.smtp import smtp_settings as _settings


def _queue(engine, **kw) -> int:
    # A service mail to a campaign lead: it needs no consent, so these tests see SMTP alone
    # (consent at send time: tests/integration/test_mail_consent.py).
    with make_session_factory(engine)() as s:
        mail = enqueue(
            s,
            kw.get("to", "helferin@example.org"),
            "Vermittlung: Infostand in Leipzig",
            "Hallo,\nschön, dass du hilfst – Grüße aus Görlitz.",
            "service",
            "assignment",
            7,
        )
        s.commit()
        return mail.id


def _get(engine, mail_id) -> MailOutbox:
    with make_session_factory(engine)() as s:
        return s.get(MailOutbox, mail_id)


def test_mail_arrives(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    mail_id = _queue(empty_engine)
    report = deliver_due(empty_engine, _settings(ctl.port))
    assert (report.sent, report.retry, report.failed) == (1, 0, 0)
    ((rcpt, msg),) = inbox.messages
    assert rcpt == ["helferin@example.org"]
    assert msg["Subject"] == "Vermittlung: Infostand in Leipzig"
    assert "Grüße aus Görlitz" in msg.get_content()
    row = _get(empty_engine, mail_id)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    # A second run sends nothing again.
    assert deliver_due(empty_engine, _settings(ctl.port)).sent == 0
    assert len(inbox.messages) == 1


def test_retry_with_backoff_then_failed(empty_engine, smtp_server):
    mail_id = _queue(empty_engine)
    refused = _settings(free_port())
    now = utcnow()
    report = deliver_due(empty_engine, refused, now=now)
    assert report.retry == 1
    row = _get(empty_engine, mail_id)
    assert row.status == "queued" and row.attempts == 1 and row.last_error.startswith("connect")
    assert row.next_attempt_at > now
    # Not due yet: nothing is tried.
    assert deliver_due(empty_engine, refused, now=now).retry == 0
    t = now
    for _ in range(MAX_ATTEMPTS - 1):
        t += timedelta(hours=7)
        deliver_due(empty_engine, refused, now=t)
    assert _get(empty_engine, mail_id).status == "failed"
    assert _get(empty_engine, mail_id).attempts == MAX_ATTEMPTS


def test_retry_then_success(empty_engine, smtp_server):
    ctl, inbox = smtp_server
    mail_id = _queue(empty_engine)
    deliver_due(empty_engine, _settings(free_port()))
    deliver_due(empty_engine, _settings(ctl.port), now=utcnow() + timedelta(minutes=5))
    assert _get(empty_engine, mail_id).status == "sent"
    assert len(inbox.messages) == 1


def test_bad_address_changes_nothing(empty_engine):
    with make_session_factory(empty_engine)() as s:
        with pytest.raises(ValidationError):
            enqueue(s, "a@b.de\nBcc: x@y.de", "Betreff", "Text", "volunteering")
        assert s.scalar(select(MailOutbox.id)) is None
