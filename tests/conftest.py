"""Shared fixtures: databases on SQLite and PostgreSQL, seeded once, isolated per test."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402

TEST_CONTACTS = 2000
BACKENDS = ["sqlite", "postgresql"]


def pg_url(suffix: str = "") -> str:
    """The PostgreSQL test URL (optionally of a sibling database), or skip/fail when unset."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/cockpit_test)")
    if not suffix:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
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


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database backend under test."""
    if request.param == "postgresql":
        pg_url()
    return request.param


@pytest.fixture(scope="session")
def engine(backend, tmp_path_factory):
    """A migrated database with TEST_CONTACTS seeded demo contacts (shared by a session)."""
    from services.seed import seed_demo

    url = fresh_database(backend, tmp_path_factory.mktemp(f"db_{backend}"), suffix="seeded")
    eng = make_engine(url)
    seed_demo(eng, contacts=TEST_CONTACTS, seed=42)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_engine(backend, tmp_path):
    """A migrated database without any rows, new for each test."""
    eng = make_engine(fresh_database(backend, tmp_path, suffix="scratch"))
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    """A session on the seeded database; every commit inside is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        outer.rollback()
        conn.close()


@pytest.fixture
def smtp_server():
    """(controller, inbox) of a real SMTP server on a free local port, for this test."""
    from aiosmtpd.controller import Controller

    from tests.smtp import Inbox, free_port

    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl, inbox
    ctl.stop()
