"""AppTest (issue 11.11): sending a call, an Info or a survey, building an access export, an erasure and undoing an
import say what they do while they run (seconds at 1M)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import streamlit as st

from domain.formatting import format_people
from tests.support.apptest import all_text, open_page


def _button(at, label):
    return [b for b in at.button if b.label.startswith(label)][0]


def _recipients(at) -> int:
    return int(str(next(m.value for m in at.metric if m.label == "Empfänger:innen")).replace(".", ""))


def _compose(at, prefix: str) -> None:
    """Title, text, topics and the Land Sachsen in the compose form of a call, an Info or a survey."""
    at.text_input(key=f"{prefix}_title").set_value(f"Spinner {prefix}")
    at.text_area(key=f"{prefix}_body").set_value("Neues vom Bündnis.")
    at.multiselect(key=f"{prefix}_topics").set_value(["miete", "pflege"])
    at.selectbox(key=f"{prefix}_level").set_value("land").run()
    at.selectbox(key=f"{prefix}_land").set_value("14")


@pytest.fixture
def spinners(monkeypatch) -> list[str]:
    """The texts of every st.spinner shown from now on."""
    shown: list[str] = []
    real = st.spinner

    @contextmanager
    def recording(text="", *args, **kwargs):
        shown.append(text)
        with real(text, *args, **kwargs):
            yield

    monkeypatch.setattr(st, "spinner", recording)
    return shown


def _send(at, spinners: list[str], n: int) -> list[str]:
    """Ask, confirm, and return the spinner texts shown during the confirmed sending."""
    _button(at, "An ").click().run()
    assert "senden?" in all_text(at)
    spinners.clear()
    _button(at, "Ja, an").click().run()
    assert not at.exception, at.exception
    assert "unterwegs" in all_text(at), all_text(at)
    return [s for s in spinners if "verschickt" in s]


def test_sending_a_call_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/aktionen.py", "lv-sachsen")
    _compose(at, "cta")
    _button(at, "Aufruf anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Der Aufruf wird an {format_people(n)} verschickt …"]


def test_sending_an_info_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/info.py", "lv-sachsen")
    _compose(at, "info")
    _button(at, "Info anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Die Info wird an {format_people(n)} verschickt …"]


def test_sending_a_survey_shows_a_spinner_naming_the_count(app_db, spinners):
    at = open_page("pages/befragungen.py", "lv-sachsen")
    _compose(at, "svy")
    at.date_input(key="svy_end").set_value(date.today() + timedelta(days=60))
    at.number_input(key="svy_n").set_value(1).run()
    at.selectbox(key="svy_q1_kind").set_value("text").run()
    at.text_input(key="svy_q1_text").set_value("Was sollen wir tun?")
    _button(at, "Befragung anlegen").click().run()
    _button(at, "Empfänger:innen zählen").click().run()
    n = _recipients(at)
    assert _send(at, spinners, n) == [f"Die Befragung wird an {format_people(n)} verschickt …"]


def _request(app_db: str, last: str, kind: str) -> int:
    """An open data-subject request of kind for a contact of its own; returns the request id."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.engine import make_engine
    from db.models import Contact, DataSubjectRequest, Kreis, Plz

    eng = make_engine(app_db)
    with Session(eng) as s:
        place = s.scalars(select(Plz).order_by(Plz.plz.desc())).first()
        kreis = s.get(Kreis, place.kreis_ags)
        c = Contact(
            first_name="Spinnerich",
            last_name=last,
            email=f"{last.lower()}@example.org",
            plz=place.plz,
            city=place.place,
            kreis_ags=kreis.ags,
            kv_id=kreis.kv_id,
            land_code=kreis.land_code,
            status="contact",
            contact_since=date(2024, 1, 1),
            source="webformular",
        )
        s.add(c)
        s.flush()
        req = DataSubjectRequest(contact_id=c.id, kind=kind, status="open")
        s.add(req)
        s.commit()
        rid = req.id
    eng.dispose()
    return rid


def test_building_an_access_export_shows_a_spinner(app_db, spinners):
    rid = _request(app_db, "Auskunftsspinner", "access")
    at = open_page("pages/admin_dsr.py", "admin")
    at.selectbox(key="dsr_pick_request").set_value(rid).run()
    spinners.clear()
    at.button(key="dsr_access").click().run()
    assert not at.exception, at.exception
    assert at.session_state["dsr_export"]["rid"] == rid
    assert f"Die Auskunft Nr. {rid} wird erzeugt (PDF und JSON) …" in spinners


def test_an_erasure_shows_a_spinner(app_db, spinners):
    rid = _request(app_db, "Löschspinner", "erasure")
    at = open_page("pages/admin_dsr.py", "admin")
    at.selectbox(key="dsr_pick_request").set_value(rid).run()
    at.text_input(key="dsr_confirm").set_value("LÖSCHEN").run()
    spinners.clear()
    at.button(key="dsr_erase").click().run()
    assert not at.exception, at.exception
    assert "Die Person ist gelöscht" in all_text(at)
    assert "Die Person und ihre Daten werden gelöscht …" in spinners


def _newest_batch(app_db: str, file_name: str) -> int:
    from sqlalchemy import func, select

    from db.engine import make_engine
    from db.models import ImportBatch

    eng = make_engine(app_db)
    with eng.connect() as conn:
        batch = conn.scalar(select(func.max(ImportBatch.id)).where(ImportBatch.file_name == file_name))
    eng.dispose()
    return int(batch)


def test_undoing_an_import_shows_a_spinner(app_db, spinners):
    csv = "Vorname;Nachname;E-Mail;PLZ;Wohnort\nKreisel;Rücknahmespinner;kreisel.spin@example.org;04109;Leipzig\n"
    at = open_page("pages/importieren.py", "kv-leipzig")
    at.file_uploader[0].upload("spinner.csv", csv.encode(), "text/csv").run()
    at.button(key="imp_preview").click().run()
    at.button(key="imp_run").click().run()
    assert not at.exception, at.exception
    # This test's own batch: earlier tests leave batches whose people were merged since (not undoable).
    batch = _newest_batch(app_db, "spinner.csv")
    at.selectbox(key="imp_undo").set_value(batch)
    at.checkbox(key="imp_undo_sure").check().run()
    spinners.clear()
    at.button(key="imp_undo_run").click().run()
    assert not at.exception, at.exception
    assert "zurückgenommen" in at.success[0].value
    assert (
        f"Import Nr. {batch} wird zurückgenommen: die Personen und alles, was er ergänzt hat, werden entfernt …"
        in spinners
    )
