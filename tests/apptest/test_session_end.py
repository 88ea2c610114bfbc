"""Running sessions end when the account is revoked, deactivated, or the session idle too long.

Each browser session names a server-side session record (AppTest cannot carry the cookie that names
it, so the test puts the id into the session state, as the login does).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.engine import make_engine
from db.models import User, UserSession
from db.types import utcnow
from services.admin import accounts
from services.core.runtime import session_scope
from tests.support.apptest import all_text, logged_in_app, start_login_session
from tests.support.scopes import user_scope


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


def _open_as_team(session_id: str) -> object:
    at = logged_in_app("team", session_id)
    at.run()
    return at


def _log_out_everywhere(app_db, username: str) -> None:
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        accounts.log_out_everywhere(
            s, user_scope(s, "admin"), s.scalar(select(User.id).where(User.username == username))
        )
    eng.dispose()


@pytest.mark.parametrize("change", ["revoked", "deactivated", "idle"])
def test_running_session_ends(app_db, set_user, change):
    sid = start_login_session("team", now=utcnow() - timedelta(minutes=30))
    if change == "revoked":
        _log_out_everywhere(app_db, "team")
    elif change == "deactivated":
        set_user("team", active=False)
    else:
        eng = make_engine(app_db)
        with eng.begin() as conn:
            conn.execute(
                update(UserSession).where(UserSession.id == sid).values(last_seen_at=utcnow() - timedelta(hours=3))
            )
        eng.dispose()
    at = _open_as_team(sid)
    assert not _logged_in(at)
    assert "Deine Sitzung ist abgelaufen" in all_text(at)
    assert any(t.label == "Benutzername" for t in at.text_input)


def test_session_started_after_log_out_everywhere_stays(app_db, set_user):
    set_user("team", sessions_revoked_at=utcnow() - timedelta(minutes=5))
    _log_out_everywhere(app_db, "team")
    at = _open_as_team(start_login_session("team"))
    assert _logged_in(at)


def test_idle_time_counts_per_session_not_per_user(app_db):
    # Another browser of the same user working right now does not keep an idle session alive.
    idle = start_login_session("team", now=utcnow() - timedelta(hours=3))
    busy = start_login_session("team")
    assert _logged_in(_open_as_team(busy))
    at = _open_as_team(idle)
    assert not _logged_in(at) and "Deine Sitzung ist abgelaufen" in all_text(at)


def test_a_browser_without_a_session_record_is_not_logged_in(app_db):
    # The authenticator's keys alone (e.g. from a cookie without our session id) log nobody in.
    at = logged_in_app("team", "no-such-session")
    at.run()
    assert not _logged_in(at)
    assert any(t.label == "Benutzername" for t in at.text_input)
