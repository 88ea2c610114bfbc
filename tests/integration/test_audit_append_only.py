"""The audit log cannot be changed: the database refuses UPDATE and DELETE of audit rows (both backends)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine
from db.models import AuditEvent
from tests.support.databases import fresh_database, pg_url

ROOT = Path(__file__).resolve().parents[2]


def _one_event(conn) -> int:
    return conn.execute(
        AuditEvent.__table__.insert()
        .values(username="test", action="append_only_probe", object_type="probe", object_id="1", details={})
        .returning(AuditEvent.__table__.c.id)
    ).scalar_one()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'forged' WHERE id = :id",
        "UPDATE audit_event SET details = '{}', username = 'someone' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
        "DELETE FROM audit_event",
    ],
)
def test_update_and_delete_of_an_audit_row_fail(engine, statement):
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            eid = _one_event(conn)
            with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
                conn.execute(text(statement), {"id": eid})
            row = conn.execute(select(AuditEvent.action, AuditEvent.username).where(AuditEvent.id == eid)).one()
            assert tuple(row) == ("append_only_probe", "test")
        finally:
            outer.rollback()


def test_inserting_stays_possible_and_the_guard_is_installed(engine):
    from db import audit_guard

    with engine.connect() as conn, conn.begin() as tx:
        before = conn.scalar(select(func.count()).select_from(AuditEvent))
        _one_event(conn)
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
        assert audit_guard.installed(conn) == set(audit_guard.triggers_for(conn.dialect.name))
        tx.rollback()


def test_truncate_fails_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with engine.connect() as conn, conn.begin() as tx:
        with pytest.raises(DBAPIError, match="append-only"), conn.begin_nested():
            conn.exec_driver_sql("TRUNCATE audit_event")
        tx.rollback()


def test_wiping_a_demo_database_keeps_the_guard(empty_engine):
    from db import audit_guard
    from services.seed import reset_demo

    with empty_engine.begin() as conn:
        _one_event(conn)
    reset_demo(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert audit_guard.installed(conn) == set(audit_guard.triggers_for(conn.dialect.name))


def _superuser(url):
    """An AUTOCOMMIT engine as postgres on the test server's database name, or None when not allowed."""
    su = url.set(username="postgres", password=None)
    eng = make_engine(su.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            if conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
                return eng
    except DBAPIError:
        pass
    eng.dispose()
    return None


def test_grant_script_leaves_the_app_role_no_update_or_delete_on_audit(tmp_path):
    """deploy/postgres/grants.sql, run by the owner: the app role may read and append, not change."""
    pg_url()
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not installed")
    db_url = make_url(fresh_database("postgresql", tmp_path, suffix="grants"))
    admin = _superuser(db_url)
    if admin is None:
        pytest.skip("creating a test role needs a superuser connection as postgres")
    role, password = "cockpit_app_grants_test", "grants-test-pw"
    with admin.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    app = make_engine(db_url.set(username=role, password=password).render_as_string(hide_password=False))
    try:
        conninfo = db_url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        script = ROOT / "deploy" / "postgres" / "grants.sql"
        subprocess.run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"app_role={role}", "-d", conninfo, "-f", str(script)],
            check=True,
            env={**os.environ, "PGPASSWORD": db_url.password or ""},
            capture_output=True,
        )
        with app.connect() as conn, conn.begin() as tx:
            eid = _one_event(conn)
            assert conn.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id == eid)) == 1
            for sql in ("UPDATE audit_event SET action = 'x' WHERE id = :id", "DELETE FROM audit_event WHERE id = :id"):
                with pytest.raises(DBAPIError, match="permission denied"), conn.begin_nested():
                    conn.execute(text(sql), {"id": eid})
            conn.execute(text("UPDATE app_setting SET value = value"))  # other tables stay writable
            tx.rollback()
    finally:
        app.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
