"""AppTest: team downloads the packing list as PDF on the Zeitungsversand page (audited)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.engine import make_engine
from db.models import AuditEvent
from tests.support.apptest import all_text, edition_with_batch, open_page


def test_team_downloads_packing_list_pdf(app_db):
    ed = edition_with_batch(app_db, "Packlistenausgabe", date(2002, 1, 1), "06")  # Hessen
    eng = make_engine(app_db)
    at = open_page("pages/zeitung_versand.py", "team")
    at.selectbox(key="np_ship_edition").set_value(ed).run()
    at.multiselect(key="np_doc_statuses").set_value(["requested"]).run()
    at.selectbox(key="np_doc_land").set_value("06").run()
    [b for b in at.button if b.label == "Packliste (PDF) erzeugen"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert "Keine Bestellungen" not in all_text(at), all_text(at)
    assert [b for b in at.get("download_button") if "Packliste (PDF)" in b.proto.label]
    _, (data, name, mime) = at.session_state["np_doc_packing_pdf_data"]
    assert data.startswith(b"%PDF") and name == f"zeitung-{ed}-06-packliste.pdf" and mime == "application/pdf"
    # Other settings than the document was built for: it is no longer offered for download.
    at.selectbox(key="np_doc_land").set_value(None).run()
    assert not [b for b in at.get("download_button") if "Packliste (PDF)" in b.proto.label]
    with eng.connect() as conn:
        n = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "newspaper_export_packing_pdf", AuditEvent.object_id == str(ed))
        )
    eng.dispose()
    assert n == 1
