"""Audit-Log in AppTest: German labels for action codes in the filter and the table; codes without one as they are."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import make_engine
from db.models import AuditEvent
from services.core.runtime import session_scope
from tests.support.apptest import open_page

PAGE = "pages/admin_audit.py"


def _add_events(app_db):
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        s.add(
            AuditEvent(
                username="apptest-audit",
                action="user_created",
                object_type="user",
                object_id="991",
                details={"role": "kreis", "kv_id": 358, "apptest_key": True},
            )
        )
        s.add(AuditEvent(username="apptest-audit", action="apptest_unknown", object_type="thing", object_id="992"))
        s.commit()
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.object_id == "991"))
    eng.dispose()


def test_audit_log_shows_german_action_labels(app_db):
    _add_events(app_db)
    at = open_page(PAGE, "admin")
    assert not at.exception, at.exception
    box = at.selectbox(key="audit_action")
    assert "Benutzer:in angelegt" in box.options and "user_created" not in box.options
    assert "apptest_unknown" in box.options  # no label: the code itself

    at.text_input(key="audit_user").input("apptest-audit").run()
    shown = at.dataframe[0].value
    assert set(shown["Aktion"]) == {"Benutzer:in angelegt", "apptest_unknown"}
    assert set(shown["Objekt"]) == {"Benutzerkonto", "thing"}
    # Details with German keys (an unknown key as it is), not raw JSON.
    assert set(shown["Details"]) == {"Rolle: kreis; KV-Nr.: 358; apptest_key: ja", "–"}

    box.select("user_created").run()
    shown = at.dataframe[0].value
    assert list(shown["Aktion"]) == ["Benutzer:in angelegt"] and list(shown["ID"]) == ["991"]


def test_audit_log_says_when_nothing_matches(app_db):
    at = open_page(PAGE, "admin")
    at.text_input(key="audit_user").input("niemand-mit-diesem-namen").run()
    assert not at.exception
    assert not at.dataframe
    assert [i.value for i in at.info] == ["Keine Einträge für diese Auswahl."]
