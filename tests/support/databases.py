"""Test databases on SQLite and PostgreSQL: fresh, migrated, named per suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import make_engine
from db.migrate import upgrade

TEST_CONTACTS = 2000


BACKENDS = ["sqlite", "postgresql"]


def pg_url(suffix: str = "") -> str:
    """The PostgreSQL test URL (optionally of a sibling database), or skip/fail when unset."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip(
            "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/cockpit_test)"
        )
    if not suffix:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def fresh_database(backend: str, tmp_dir: Path, suffix: str = "scratch") -> str:
    """URL of an empty, migrated database of the backend."""
    if backend == "sqlite":
        path = tmp_dir / f"{suffix}.sqlite"
        for p in tmp_dir.glob(f"{suffix}.sqlite*"):
            p.unlink()
        url = f"sqlite:///{path}"
    else:
        url = pg_url(suffix)
        eng = make_engine(url)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        eng.dispose()
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    return url
