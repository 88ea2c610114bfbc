"""Queries of the health check: the migration the database is at, the outbox's oldest waiting mail, heartbeats,
PostgreSQL's connection limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.models import AppSetting, MailOutbox
from db.types import utcnow

HEARTBEAT_PREFIX = "heartbeat:"


def database_revision(session: Session) -> str | None:
    """The Alembic revision the database is at (None when it was never migrated)."""
    try:
        with session.begin_nested():
            return session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # no alembic_version table: a database nobody migrated
        return None


def oldest_queued_at(session: Session) -> datetime | None:
    """When the oldest mail that still waits in the outbox was queued (None when none waits)."""
    return session.scalar(select(func.min(MailOutbox.created_at)).where(MailOutbox.status == "queued"))


def record_heartbeat(session: Session, name: str, at: datetime | None = None) -> None:
    """Note that the job `name` ran successfully at `at` (one row per job in app_setting)."""
    at = at or utcnow()
    key = HEARTBEAT_PREFIX + name
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=at.isoformat(), updated_at=at))
    else:
        row.value, row.updated_at = at.isoformat(), at


def heartbeat(session: Session, name: str) -> datetime | None:
    """When the job `name` last ran successfully (None when never)."""
    row = session.get(AppSetting, HEARTBEAT_PREFIX + name)
    return row.updated_at if row is not None else None


@dataclass(frozen=True)
class ConnectionLimits:
    """PostgreSQL's max_connections, the slots kept for superusers (and pg_use_reserved_connections), and those in use."""

    max_connections: int
    reserved: int
    in_use: int


def connection_limits(session: Session) -> ConnectionLimits | None:
    """The server's connection limit and use (None on SQLite, which has no such limit)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    settings = dict(
        session.execute(
            text(
                "SELECT name, setting FROM pg_settings "
                "WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')"
            )
        ).all()
    )
    # Client backends only: the background workers (autovacuum, WAL writer) do not take these slots.
    in_use = session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"))
    reserved = int(settings.get("superuser_reserved_connections", 0)) + int(settings.get("reserved_connections", 0))
    return ConnectionLimits(int(settings["max_connections"]), reserved, int(in_use))
