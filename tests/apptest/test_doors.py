"""The two doors of appctx: read and act open the session, pass the one scope, show errors, flash and commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from db.models import AuditEvent


def _page():
    import streamlit as st

    import appctx
    from domain.errors import ConflictError
    from services.core import audit

    def write(session, scope, action, fail):
        # A service writes, then refuses: the door must not commit what came before the error.
        audit.record(session, scope, action, "door", 1)
        session.flush()
        if fail:
            raise ConflictError("Das gibt es schon.")
        session.commit()
        return scope.role

    def whose_scope(session, scope):
        return f"{scope.role}:{scope.kv_id}:{scope.land_code}"

    appctx.flash()
    st.text(appctx.read(whose_scope, fallback="kein Zugriff"))
    if st.button("ok"):
        appctx.act(write, "door_test_ok", False, success=lambda role: f"Gespeichert als {role}.")
    if st.button("fail"):
        appctx.act(write, "door_test_fail", True, success="nie")


def _user(role: str, kv_id=None, land_code=None):
    import appctx

    return appctx.CurrentUser(
        id=1, username="door", display_name="Door", role=role, kv_id=kv_id, land_code=land_code, area=""
    )


def _count(url: str, action: str) -> int:
    eng = make_engine(url)
    with Session(eng) as s:
        n = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))
    eng.dispose()
    return n


def _at(user) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["cockpit_user"] = user
    at.run()
    return at


def test_act_flashes_after_success_and_commits(app_db):
    at = _at(_user("team"))
    before = _count(app_db, "door_test_ok")
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["Gespeichert als team."]
    assert _count(app_db, "door_test_ok") == before + 1
    at.run()  # the flash is shown once
    assert not at.success


def test_act_shows_the_german_error_and_commits_nothing(app_db):
    at = _at(_user("team"))
    at.button[1].click().run()
    assert [e.value for e in at.error] == ["Das gibt es schon."]
    assert not at.success
    assert _count(app_db, "door_test_fail") == 0
    assert not at.exception


def test_read_passes_the_scope_from_scope_for(app_db):
    at = _at(_user("kreis", kv_id=7, land_code="14"))
    assert at.text[0].value == "kreis:7:None"  # a kreis scope carries its KV only
    at = _at(_user("land", kv_id=7, land_code="14"))
    assert at.text[0].value == "land:None:14"


def test_an_account_without_its_area_gets_an_error_not_everything(app_db):
    at = _at(_user("kreis", kv_id=None))
    assert at.text[0].value == "kein Zugriff"
    assert "kein Kreisverband zugeordnet" in at.error[0].value
    at.button[0].click().run()  # acting fails the same way and writes nothing
    assert not at.success
    assert "kein Kreisverband zugeordnet" in at.error[-1].value
