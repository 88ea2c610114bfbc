"""Engine behaviour the app relies on under concurrent Streamlit reruns (SQLite)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import User
from services.core.runtime import read_only_engine
from tests.support.databases import fresh_database


@pytest.fixture
def sqlite_engine(tmp_path):
    """A migrated SQLite file with one user (the locking rules are SQLite's own)."""
    eng = make_engine(fresh_database("sqlite", tmp_path, suffix="locking"))
    with Session(eng) as s:
        s.add(User(username="team", display_name="Team", password_hash="x", role="team"))
        s.commit()
    yield eng
    eng.dispose()


def test_read_then_write_waits_instead_of_failing(sqlite_engine):
    """A session that reads, then writes after another one committed, must not fail."""
    errors: list[Exception] = []

    def work(pause_before_write: float, start_delay: float):
        time.sleep(start_delay)
        try:
            with Session(sqlite_engine) as s:
                s.scalar(select(User).where(User.username == "team"))
                time.sleep(pause_before_write)  # e.g. bcrypt between reading and writing
                s.execute(update(User).where(User.username == "team").values(failed_logins=User.failed_logins + 1))
                s.commit()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    slow = threading.Thread(target=work, args=(0.6, 0.0))
    fast = threading.Thread(target=work, args=(0.0, 0.2))
    slow.start()
    fast.start()
    slow.join(30)
    fast.join(30)
    assert errors == []
    with Session(sqlite_engine) as s:
        s.execute(update(User).where(User.username == "team").values(failed_logins=0))
        s.commit()


def test_read_only_engine_does_not_block_writers_and_refuses_writes(sqlite_engine):
    reader_engine = read_only_engine(sqlite_engine)
    with Session(reader_engine) as reader:
        assert reader.scalar(select(func.count()).select_from(User)) == 1  # read transaction open
        with Session(sqlite_engine) as writer:  # must not wait for the reader
            writer.execute(update(User).where(User.username == "team").values(failed_logins=0))
            writer.commit()
        with pytest.raises(OperationalError):
            reader.execute(update(User).values(failed_logins=0))
