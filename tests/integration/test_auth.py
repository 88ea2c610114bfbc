"""Login: lockout after 5 failures for 15 minutes (also across restarts), unlock, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import AuditEvent, User
from db.types import utcnow
from domain.errors import ValidationError
from services.admin import accounts
from services.core.auth import LOGIN_REFUSED, change_own_password, check_login
from services.core.runtime import session_scope
from services.seed.users import DEMO_PASSWORD, demo_password_hash
from tests.support.scopes import ADMIN

NEW_PW = "ein-neues-langes-passwort"


@pytest.fixture
def users_db(empty_engine):
    """A fresh database with reference data and two users (real commits)."""
    from services.geo.reference import load_reference_data

    with session_scope(empty_engine) as s:
        load_reference_data(s, merge_small_kvs=False)
        s.add_all(
            [
                User(id=1, username="admin", display_name="A", password_hash=demo_password_hash(), role="admin"),
                User(id=2, username="anna", display_name="Anna", password_hash=demo_password_hash(), role="team"),
            ]
        )
        s.commit()
    return empty_engine


def test_five_failures_lock_for_15_minutes_across_restarts(users_db):
    now = utcnow()
    with session_scope(users_db) as s:
        for _ in range(4):
            assert check_login(s, "anna", "falsch-falsch", now=now).message == LOGIN_REFUSED
        locked = check_login(s, "anna", "falsch-falsch", now=now)
        assert not locked.ok and "gesperrt" in locked.message
    # A new engine is a restarted app: the lock lives in the database.
    users_db.dispose()
    fresh = make_engine(users_db.url.render_as_string(hide_password=False))
    with session_scope(fresh) as s:
        assert not check_login(s, "anna", DEMO_PASSWORD, now=now + timedelta(minutes=14)).ok
        assert check_login(s, "anna", DEMO_PASSWORD, now=now + timedelta(minutes=16)).ok
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == "2")).all()
        assert actions.count("login_failed") == 5 and "account_locked" in actions and "login" in actions
    fresh.dispose()


def test_unlock_by_admin(users_db):
    with session_scope(users_db) as s:
        for _ in range(5):
            check_login(s, "anna", "falsch-falsch")
        assert not check_login(s, "anna", DEMO_PASSWORD).ok
        accounts.unlock(s, ADMIN, 2)
        assert check_login(s, "anna", DEMO_PASSWORD).ok


def test_password_change(users_db):
    with session_scope(users_db) as s:
        with pytest.raises(ValidationError, match="bisherige"):
            change_own_password(s, 2, "falsch-falsch", NEW_PW, NEW_PW)
        with pytest.raises(ValidationError, match="überein"):
            change_own_password(s, 2, DEMO_PASSWORD, NEW_PW, NEW_PW + "x")
        change_own_password(s, 2, DEMO_PASSWORD, NEW_PW, NEW_PW)
        assert not check_login(s, "anna", DEMO_PASSWORD).ok
        assert check_login(s, "anna", NEW_PW).ok


def test_inactive_user_cannot_log_in(users_db):
    with session_scope(users_db) as s:
        accounts.deactivate(s, ADMIN, 2)
        result = check_login(s, "anna", DEMO_PASSWORD)
        assert not result.ok and result.message == LOGIN_REFUSED


def test_passwords_over_72_bytes_are_refused_cleanly(users_db):
    long_pw = "ü" * 37  # 74 bytes
    with session_scope(users_db) as s:
        assert not check_login(s, "anna", long_pw).ok
        with pytest.raises(ValidationError, match="72 Bytes"):
            change_own_password(s, 2, DEMO_PASSWORD, long_pw, long_pw)
        with pytest.raises(ValidationError, match="72 Bytes"):
            accounts.reset_password(s, ADMIN, 2, long_pw)
        assert check_login(s, "anna", DEMO_PASSWORD).ok
