"""Queries on the audit log: a filtered page of events, newest first, and the action names present."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent


def events(
    session: Session,
    username: str = "",
    action: str = "",
    since: datetime | None = None,
    before: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[tuple]:
    """(at, username, action, object_type, object_id, details) rows, newest first, filtered and paged."""
    stmt = select(
        AuditEvent.at,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.details,
    )
    if username:
        stmt = stmt.where(AuditEvent.username == username.strip())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if before:
        stmt = stmt.where(AuditEvent.at < before)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    return [tuple(r) for r in session.execute(stmt).all()]


def action_names(session: Session) -> list[str]:
    """The distinct action names present in the log, sorted."""
    return sorted(session.scalars(select(AuditEvent.action).distinct()))
