"""Shared fixtures: databases on SQLite and PostgreSQL, seeded once, isolated per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.engine import make_engine  # noqa: E402
from tests.support.databases import BACKENDS, TEST_CONTACTS, fresh_database, pg_url  # noqa: E402


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

    from tests.support.smtp import Inbox, free_port

    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl, inbox
    ctl.stop()
