"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, cast, func, literal
from sqlalchemy.orm import Session


def weeks_since(session: Session, column, start: datetime):
    """SQL expression: whole weeks between start and column (0 for the first week)."""
    start_naive = start.replace(tzinfo=None)
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column - literal(start_naive)) / 604800), Integer)
    return cast((func.julianday(column) - func.julianday(literal(start_naive.isoformat(sep=" ")))) / 7, Integer)
