"""Queries on login sessions: one by its id, ending the open sessions of a user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import UserSession


def session_by_id(session: Session, session_id: str) -> UserSession | None:
    """The session record with exactly this id, or None."""
    return session.get(UserSession, session_id)


def end_open_sessions(session: Session, user_id: int, reason: str, now: datetime, keep: str | None = None) -> int:
    """End every open session of a user (but keep, if given); returns how many ended."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep:
        stmt = stmt.where(UserSession.id != keep)
    return session.execute(stmt.values(ended_at=now, end_reason=reason)).rowcount
