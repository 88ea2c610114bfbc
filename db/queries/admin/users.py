"""Queries on user accounts: one by username, the active ones, the list for administration."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import User


def user_named(session: Session, username: str) -> User | None:
    """The user (ORM row) with exactly this username, or None."""
    return session.scalar(select(User).where(User.username == username))


def username_taken(session: Session, username: str) -> bool:
    """Whether a user with exactly this username exists."""
    return bool(session.scalar(select(func.count()).select_from(User).where(User.username == username)))


def active_users(session: Session) -> list[User]:
    """The active users (ORM rows)."""
    return list(session.scalars(select(User).where(User.active.is_(True))))


def users_by_username(session: Session) -> list[User]:
    """Every user (ORM rows), by username case-insensitively."""
    return list(session.scalars(select(User).order_by(func.lower(User.username))))
