"""Server-side login sessions (ASVS V3): the cookie names a session record that every run checks.

AppTest cannot carry cookies (DESIGN §7): the session logic is tested here on both databases,
the cookie itself in tests/e2e/test_session_cookie_browser.py.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import timedelta

from sqlalchemy import select

from db.models import AuditEvent, User, UserSession
from db.types import utcnow
from services.admin import accounts
from services.core import sessions
from services.core.auth import change_my_password, check_login, record_logout
from services.seed.users import DEMO_PASSWORD
from tests.support.scopes import user_scope

IDLE = 60
NEW_PW = "ein-neues-langes-passwort"


def _uid(session, username: str) -> int:
    return session.scalar(select(User.id).where(User.username == username))


def _start(session, username: str, now=None) -> str:
    sid = sessions.start_session(session, _uid(session, username), now=now)
    session.commit()
    return sid


def _valid(session, sid, username: str, now=None) -> bool:
    return sessions.session_user(session, sid, username, IDLE, now=now) is not None


def test_login_starts_a_session_record(session):
    result = check_login(session, "team", DEMO_PASSWORD)
    assert result.ok and result.session_id
    row = session.get(UserSession, result.session_id)
    assert row.user_id == _uid(session, "team") and row.ended_at is None
    assert row.created_at is not None and row.last_seen_at is not None
    assert len(result.session_id) >= 40  # secrets.token_urlsafe(32): 256 random bits
    assert _valid(session, result.session_id, "team")
    assert not check_login(session, "team", "falsch-falsch").session_id


def test_logout_ends_the_session_for_good(session):
    sid = _start(session, "team")
    other = _start(session, "team")
    record_logout(session, _uid(session, "team"), "team", sid)
    assert not _valid(session, sid, "team")
    row = session.get(UserSession, sid)
    assert row.ended_at is not None and row.end_reason == "logout"
    assert _valid(session, other, "team")  # another browser of the same user goes on


def test_own_password_change_ends_the_other_sessions(session):
    mine = _start(session, "kv-leipzig")
    elsewhere = _start(session, "kv-leipzig")
    scope = dataclasses.replace(user_scope(session, "kv-leipzig"), session_id=mine)
    change_my_password(session, scope, DEMO_PASSWORD, NEW_PW, NEW_PW)
    assert _valid(session, mine, "kv-leipzig")
    assert not _valid(session, elsewhere, "kv-leipzig")
    assert session.get(UserSession, elsewhere).end_reason == "password_changed"


def test_admin_password_reset_ends_every_session(session):
    a, b = _start(session, "kv-goerlitz"), _start(session, "kv-goerlitz")
    accounts.reset_password(session, user_scope(session, "admin"), _uid(session, "kv-goerlitz"), NEW_PW)
    assert not _valid(session, a, "kv-goerlitz") and not _valid(session, b, "kv-goerlitz")
    assert session.get(UserSession, a).end_reason == "password_reset"


def test_deactivation_and_log_out_everywhere_end_the_sessions(session):
    admin = user_scope(session, "admin")
    sid = _start(session, "lv-sachsen")
    accounts.deactivate(session, admin, _uid(session, "lv-sachsen"))
    assert session.get(UserSession, sid).end_reason == "deactivated"
    accounts.reactivate(session, admin, _uid(session, "lv-sachsen"))
    assert not _valid(session, sid, "lv-sachsen")  # reactivating does not revive an ended session

    first, second = _start(session, "team"), _start(session, "team")
    accounts.log_out_everywhere(session, admin, _uid(session, "team"))
    assert not _valid(session, first, "team") and not _valid(session, second, "team")
    assert session.get(UserSession, first).end_reason == "logged_out_everywhere"
    assert _valid(session, _start(session, "team"), "team")  # a new login after it works


def test_idle_time_is_kept_per_session(session):
    now = utcnow()
    old = _start(session, "team", now=now - timedelta(minutes=IDLE + 30))
    fresh = _start(session, "team", now=now - timedelta(minutes=5))
    # The fresh session's activity does not keep the idle one alive.
    assert _valid(session, fresh, "team", now=now)
    assert not _valid(session, old, "team", now=now)
    assert session.get(UserSession, old).end_reason == "idle"
    assert not _valid(session, old, "team", now=now + timedelta(seconds=1))
    # Activity moves last_seen_at: a session used every 40 minutes stays alive past the limit.
    later = now + timedelta(minutes=40)
    assert _valid(session, fresh, "team", now=later)
    assert _valid(session, fresh, "team", now=later + timedelta(minutes=40))


def test_unknown_forged_or_foreign_session_ids_are_refused(session):
    team = _start(session, "team")
    assert not _valid(session, None, "team")
    assert not _valid(session, "", "team")
    assert not _valid(session, secrets.token_urlsafe(32), "team")
    assert not _valid(session, team, "admin")  # a session of team never logs in admin
    assert _valid(session, team, "team")


def test_a_session_resumed_from_a_cookie_is_audited(session):
    sid = _start(session, "kv-leipzig")
    before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    assert sessions.session_user(session, sid, "kv-leipzig", IDLE, resumed=True) is not None
    events = session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
    assert [e.action for e in events] == ["session_resumed"]
    assert events[0].object_id == str(_uid(session, "kv-leipzig")) and events[0].username == "kv-leipzig"
    assert sid not in str(events[0].details)  # the audit names the session, never its secret id
    # An ordinary rerun of a running session writes no audit event.
    sessions.session_user(session, sid, "kv-leipzig", IDLE)
    assert session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == events[0].id
