"""Issue 14, finding 7: the lock message reveals no usernames; duplicates of offices and editions are refused."""

from __future__ import annotations

import pytest

from db.models import User
from services.core.auth import check_login
from services.core.runtime import session_scope
from services.seed.users import DEMO_PASSWORD, demo_password_hash


@pytest.fixture
def users_db(empty_engine):
    """A fresh database with reference data and one user (real commits)."""
    from services.geo.reference import load_reference_data

    with session_scope(empty_engine) as s:
        load_reference_data(s, merge_small_kvs=False)
        s.add(User(id=2, username="anna", display_name="Anna", password_hash=demo_password_hash(), role="team"))
        s.commit()
    return empty_engine


def test_locked_and_unknown_accounts_get_the_same_message(users_db):
    with session_scope(users_db) as s:
        unknown = check_login(s, "niemand-hier", "falsch-falsch")
        wrong = check_login(s, "anna", "falsch-falsch")
        for _ in range(4):
            last = check_login(s, "anna", "falsch-falsch")  # the fifth failure locks the account
        locked = check_login(s, "anna", DEMO_PASSWORD)  # right password, but locked
    assert not (unknown.ok or wrong.ok or last.ok or locked.ok)
    # Whoever tries names cannot tell an existing, a locked and an unknown account apart.
    assert unknown.message == wrong.message == last.message == locked.message
    assert "gesperrt" in locked.message  # the person who locked herself out still learns why it may fail
