"""User administration: create, role and area, deactivate, reset, unlock, log out everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, User
from db.types import utcnow
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.admin import accounts
from services.core.auth import check_login
from tests.support.scopes import kv_of, user_scope

PW = "ein-langes-passwort"


def _admin(session):
    return user_scope(session, "admin")


def _last_action(session):
    return session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()


def test_create_user_and_login(session):
    uid = accounts.create_user(
        session, _admin(session), "  Neu.User ", "Neue Person", "kreis", PW, kv_id=kv_of(session, "14713")
    )
    user = session.get(User, uid)
    assert user.username == "neu.user" and user.land_code == "14" and user.kv_id == kv_of(session, "14713")
    assert _last_action(session) == "user_created"
    assert check_login(session, "neu.user", PW).ok


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(username="ab", role="team"), "Benutzername"),
        (dict(username="mit leerzeichen", role="team"), "Benutzername"),
        (dict(username="landuser", role="land"), "Landesverband"),
        (dict(username="kreisuser", role="kreis"), "Kreisverband"),
        (dict(username="badrole", role="chef"), "Rolle"),
        (dict(username="shortpw", role="team", password="kurz"), "mindestens"),
        (dict(username="longpw", role="team", password="ä" * 40), "72 Bytes"),
    ],
)
def test_create_user_refuses_bad_input(session, kwargs, message):
    before = session.scalar(select(func.count()).select_from(User))
    args = {"display_name": "X", "password": PW, **kwargs}
    with pytest.raises(ValidationError, match=message):
        accounts.create_user(session, _admin(session), **args)
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_duplicate_username_is_german_conflict(session):
    with pytest.raises(ConflictError, match="gibt es schon"):
        accounts.create_user(session, _admin(session), "Team", "Doppelt", "team", PW)


def test_only_admin_administers(session):
    for name in ("team", "lv-sachsen", "kv-leipzig", "leitung"):
        with pytest.raises(PermissionDenied):
            accounts.create_user(session, user_scope(session, name), "x-user", "X", "team", PW)
        with pytest.raises(PermissionDenied):
            accounts.list_users(session, user_scope(session, name))


def test_role_change_deactivate_reset_unlock(session):
    admin = _admin(session)
    uid = session.scalar(select(User.id).where(User.username == "kv-goerlitz"))
    accounts.set_role_and_area(session, admin, uid, "land", land_code="14")
    assert (session.get(User, uid).role, session.get(User, uid).kv_id) == ("land", None)
    accounts.deactivate(session, admin, uid)
    assert not check_login(session, "kv-goerlitz", "linksaktiv-demo").ok
    accounts.reactivate(session, admin, uid)
    accounts.reset_password(session, admin, uid, PW)
    assert not check_login(session, "kv-goerlitz", "linksaktiv-demo").ok
    user = session.get(User, uid)
    user.locked_until = utcnow() + timedelta(minutes=15)
    session.flush()
    assert not check_login(session, "kv-goerlitz", PW).ok
    accounts.unlock(session, admin, uid)
    assert check_login(session, "kv-goerlitz", PW).ok
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(uid))).all()
    for a in ("user_role_changed", "user_deactivated", "user_reactivated", "password_reset", "user_unlocked"):
        assert a in actions


def test_admin_cannot_lock_themself_out(session):
    admin = _admin(session)
    with pytest.raises(ValidationError):
        accounts.deactivate(session, admin, admin.user_id)
    with pytest.raises(ValidationError):
        accounts.set_role_and_area(session, admin, admin.user_id, "team")


def test_log_out_everywhere_sets_revocation(session):
    uid = session.scalar(select(User.id).where(User.username == "team"))
    accounts.log_out_everywhere(session, _admin(session), uid)
    assert session.get(User, uid).sessions_revoked_at is not None
    rows = accounts.list_users(session, _admin(session))
    assert {r.username for r in rows} >= {"admin", "team", "kv-leipzig"}
    assert next(r for r in rows if r.username == "kv-leipzig").area == "KV Leipzig"


def test_create_admin_cli(backend, tmp_path, monkeypatch, capsys):
    import io

    from scripts.create_admin import main
    from tests.support.databases import fresh_database

    url = fresh_database(backend, tmp_path, suffix="cli")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEMO_MODE", "0")
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    from services.core.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["--username", "chefin", "--password-stdin"]) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
        assert main(["--username", "chefin", "--password-stdin"]) == 1
        assert "gibt es schon" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    from db.engine import make_engine
    from services.core.runtime import session_scope

    eng = make_engine(url)
    with session_scope(eng) as s:
        assert check_login(s, "chefin", PW).ok
        assert s.scalar(select(User.role).where(User.username == "chefin")) == "admin"
    eng.dispose()
