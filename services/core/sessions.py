"""Login sessions kept on the server (ASVS V3), so that a copied login cookie stops working.

streamlit-authenticator's cookie is a stateless signed token: on its own it stays valid until it
expires, whatever happens on the server. So every login starts a session record here, the cookie
carries its random id, and every run checks the record: ended (logout, password change or reset,
deactivation, "überall abmelden") or idle too long (per session) means logged out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db.models import User, UserSession
from db.queries.admin.sessions import end_open_sessions, session_by_id
from db.types import utcnow
from services.core import audit
from services.core.scope import Scope

# Writing last_seen_at on every rerun (each click) would cost a write per click: once a minute is
# enough for an idle limit counted in minutes.
TOUCH_EVERY = timedelta(minutes=1)


def session_ref(session_id: str) -> str:
    """A short, non-secret name of a session for the audit log (the id itself is a bearer secret)."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]


def start_session(session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a session for a user who just logged in; returns its random id (the caller commits)."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(id=session_id, user_id=user_id, created_at=now, last_seen_at=now))
    session.flush()
    return session_id


def session_user(
    session: Session,
    session_id: str | None,
    username: str,
    idle_minutes: int,
    now: datetime | None = None,
    resumed: bool = False,
) -> User | None:
    """The user of an open session, or None (then the browser is logged out); commits.

    None when the id is unknown or names another user's session, when the session was ended, the
    account is inactive, locked or logged out everywhere since, or the session was idle longer than
    idle_minutes (it is then ended). resumed=True (a session taken up again from the login cookie in
    a new browser tab or after a reload) writes an audit event.
    """
    now = now or utcnow()
    row = session_by_id(session, session_id) if session_id else None
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.username != username:
        return None
    reason = _end_reason(user, row, now, idle_minutes)
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        if reason == "idle":
            audit.record(
                session, _actor(user), "session_ended", "user", user.id, reason=reason, session_ref=session_ref(row.id)
            )
        session.commit()
        return None
    if resumed:
        audit.record(session, _actor(user), "session_resumed", "user", user.id, session_ref=session_ref(row.id))
    if resumed or now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        user.last_activity_at = now
    session.commit()
    return user


def _end_reason(user: User, row: UserSession, now: datetime, idle_minutes: int) -> str | None:
    if not user.active:
        return "deactivated"
    if user.locked_until is not None and user.locked_until > now:
        return "locked"
    if user.sessions_revoked_at is not None and row.created_at <= user.sessions_revoked_at:
        return "logged_out_everywhere"
    if now - row.last_seen_at > timedelta(minutes=idle_minutes):
        return "idle"
    return None


def end_session(session: Session, session_id: str | None, reason: str, now: datetime | None = None) -> None:
    """End one session (logout); the caller audits and commits."""
    row = session_by_id(session, session_id) if session_id else None
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now or utcnow(), reason
        session.flush()


def end_user_sessions(
    session: Session, user_id: int, reason: str, keep: str | None = None, now: datetime | None = None
) -> int:
    """End every open session of a user except keep (the caller audits and commits)."""
    return end_open_sessions(session, user_id, reason, now or utcnow(), keep=keep)


def _actor(user: User) -> Scope:
    return Scope(role=user.role, user_id=user.id, username=user.username)
