"""Queue one mail per recipient with the person's own links (answer, topics, unsubscribe) in bulk.

The text is the same for everyone but the first name and the links; the links are signed per person
(services.links), so the bodies are built here and written with one executemany per batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import MailOutbox
from services.core.settings import Settings
from services.links.mail_links import link_block_maker, personal_link_block
from services.mail.outbox import valid_address

BATCH = 10_000
SAMPLE_FIRST_NAME = "<Vorname>"


def link_block(settings: Settings, contact_id: int, ref_type: str, ref_id: int, answer: bool) -> str:
    """The person's link block at the end of a mail; ref_type as the links name it ('call' or 'info')."""
    return personal_link_block(settings, contact_id, ref_type=ref_type, ref_id=ref_id, answer=answer)


def mail_body(first_name: str, body_after_greeting: str, links: str) -> str:
    """The mail as the recipient reads it: greeting, the text, then the personal links."""
    return f"Hallo {first_name}{body_after_greeting}\n{links}".rstrip() + "\n"


def queue_personal_mails(
    session: Session,
    settings: Settings,
    recipients: Iterable[tuple[int, str, str, int]],
    *,
    subject: str,
    body_after_greeting: str,
    purpose: str,
    ref_type: str,
    link_ref: tuple[str, int],
    answer: bool,
    at: datetime,
) -> int:
    """Queue a mail to each (contact id, first name, e-mail, outbox ref id) with their personal links.

    ref_type and each row's ref id name the mail in the outbox ('info' and the Info's id, 'call_delivery'
    and the delivery's id); link_ref names the mailing in the links ('info', id) or ('call', id).
    Returns how many mails were queued.
    """
    subject = " ".join((subject or "").split())[:300]
    link_type, link_id = link_ref
    links = link_block_maker(settings, ref_type=link_type, ref_id=link_id, answer=answer)
    # The time as the driver stores it (UTCDateTime: naive UTC; on SQLite SQLAlchemy's text form), made once.
    dialect = session.get_bind().dialect
    bind = MailOutbox.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = bind(at) if bind else at
    done, batch = 0, []
    for contact_id, first_name, email, ref_id in recipients:
        to = (email or "").strip()
        if not valid_address(to):
            continue
        body = mail_body(first_name, body_after_greeting, links(contact_id))
        # In the order of _COLUMNS.
        batch.append((contact_id, to, subject, body, purpose, "email", ref_type, ref_id, "queued", 0, "", stamp, stamp))
        if len(batch) >= BATCH:
            _write(session, batch)
            done, batch = done + len(batch), []
    if batch:
        _write(session, batch)
        done += len(batch)
    return done


_COLUMNS = (
    "contact_id",
    "to_addr",
    "subject",
    "body",
    "purpose",
    "channel",
    "ref_type",
    "ref_id",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
)


def _write(session: Session, rows: list[tuple]) -> None:
    # PostgreSQL: COPY (100,000 mails in about a second; an executemany INSERT took ten). SQLite: the
    # driver's executemany with the values ready (SQLAlchemy's per-row parameter handling cost a second).
    cursor = session.connection().connection.dbapi_connection.cursor()
    if session.get_bind().dialect.name != "postgresql":
        marks = ", ".join("?" * len(_COLUMNS))
        cursor.executemany(f"INSERT INTO mail_outbox ({', '.join(_COLUMNS)}) VALUES ({marks})", rows)
        return
    with cursor.copy(f"COPY mail_outbox ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
