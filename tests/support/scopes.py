"""Shared helpers for integration tests: scopes of the demo users."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Kreis, User
from services.core.scope import Scope, scope_for


def user_scope(session, username: str) -> Scope:
    """The scope of a seeded demo user."""
    return scope_for(session.scalar(select(User).where(User.username == username)))


def kv_of(session, ags: str) -> int:
    """The KV id covering a Kreis."""
    return session.get(Kreis, ags).kv_id


ADMIN = Scope(role="admin", user_id=1, username="admin")
