"""The process-wide engine and a session-per-action helper."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import make_engine, make_session_factory
from services.core.settings import get_settings


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL and process (on PostgreSQL with the configured pool)."""
    if url.startswith("sqlite"):
        return make_engine(url)
    settings = get_settings()
    return make_engine(url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)


def get_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(get_settings().database_url)


@lru_cache(maxsize=4)
def _factory(url: str):
    return make_session_factory(engine_for(url))


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for one action: commit explicitly inside; rolled back if not committed."""
    factory = make_session_factory(engine) if engine is not None else _factory(get_settings().database_url)
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@lru_cache(maxsize=4)
def _read_only_for(url: str) -> Engine:
    return make_engine(url, read_only=True)


def read_only_engine(engine: Engine) -> Engine:
    """An engine on the same database for long reads (on SQLite it never takes the write lock)."""
    if engine.dialect.name != "sqlite":
        return engine
    return _read_only_for(engine.url.render_as_string(hide_password=False))
