"""Running sessions end when the account is revoked, deactivated or idle too long."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from db.models import User
from db.types import utcnow
from tests.support.apptest import APP, all_text


@pytest.fixture
def set_user(app_db):
    eng = make_engine(app_db)
    changed: list[str] = []

    def _set(username: str, **values):
        with eng.begin() as conn:
            conn.execute(update(User).where(User.username == username).values(**values))
        changed.append(username)

    yield _set
    with eng.begin() as conn:
        for name in changed:
            conn.execute(
                update(User)
                .where(User.username == name)
                .values(sessions_revoked_at=None, active=True, last_activity_at=None)
            )
    eng.dispose()


def _logged_in(at) -> bool:
    return any(t.value == "Übersicht" for t in at.title)


def _open_as_team(app_db, login_at=None) -> AppTest:
    # A browser session of "team" that logged in at login_at (AppTest cannot carry cookies).
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "team"
    if login_at is not None:
        at.session_state["cockpit_login_at"] = login_at
    at.run()
    return at


@pytest.mark.parametrize("change", ["revoked", "deactivated", "idle"])
def test_running_session_ends(app_db, set_user, change):
    if change == "revoked":
        set_user("team", sessions_revoked_at=utcnow())
    elif change == "deactivated":
        set_user("team", active=False)
    else:
        set_user("team", last_activity_at=utcnow() - timedelta(hours=3))
    at = _open_as_team(app_db, login_at=utcnow() - timedelta(minutes=30))
    assert not _logged_in(at)
    assert "Deine Sitzung ist abgelaufen" in all_text(at)
    assert any(t.label == "Benutzername" for t in at.text_input)


def test_session_started_after_log_out_everywhere_stays(app_db, set_user):
    set_user("team", sessions_revoked_at=utcnow() - timedelta(minutes=5))
    at = _open_as_team(app_db, login_at=utcnow())
    assert _logged_in(at)
