"""Alembic environment: one history for SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from db.engine import make_engine
from db.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from services.core.settings import get_settings

        url = get_settings().database_url
    return url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        # A batch rebuild of a parent table with foreign keys on deletes children (DESIGN §7).
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=is_sqlite, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()
    if is_sqlite:
        bad = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if bad:
            raise RuntimeError(f"foreign_key_check failed after migration: {bad[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    if connection.in_transaction():
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations_online()
