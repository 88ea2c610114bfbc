"""Issue 14, finding 7: the Weiße-Flecken CSV is built on click by a service that audits it, never served unasked."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from db.models import AuditEvent
from tests.support.apptest import ROLES_USERS

PAGE = "pages/karte.py"


def _exports(app_db: str) -> int:
    eng = create_engine(app_db)
    with eng.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export_whitespots"))
    eng.dispose()
    return n


def test_whitespot_csv_exists_only_after_an_audited_click(run_page, app_db):
    before = _exports(app_db)
    at = run_page(PAGE, ROLES_USERS["team"])
    assert not at.exception, at.exception
    # Drawing the page puts no file on Streamlit's (unauthenticated) media endpoint.
    assert not list(at.get("download_button"))
    assert _exports(app_db) == before
    at.button(key="export_plz").click().run()
    assert not at.exception, at.exception
    assert _exports(app_db) == before + 1
    downloads = list(at.get("download_button"))
    assert len(downloads) == 1 and downloads[0].proto.label == "CSV herunterladen"
    at.run()  # a rerun without a click builds nothing new
    assert _exports(app_db) == before + 1
