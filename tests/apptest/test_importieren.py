"""The import page per role: upload, mapping guessed and corrected, preview, import, undo; bad files refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import make_engine
from db.models import Contact
from services.core.runtime import session_scope
from tests.support.apptest import ROLES_USERS, all_text, open_page

PAGE = "pages/importieren.py"
CSV = (
    "Vorname;Nachname;E-Mail;PLZ;Wohnort;Interessen\n"
    "Käthe;Apptest-Import;kaethe.apptest@example.org;04109;Leipzig;Miete\n"
    "Bruno;Außerhalb;bruno.apptest@example.org;02826;Görlitz;Pflege\n"
    "Kaputt;Zeile;kein-mail;04109;Leipzig;\n"
).encode("cp1252")


def _upload(at, content: bytes = CSV, name: str = "liste.csv"):
    at.file_uploader[0].upload(name, content, "text/csv").run()
    return at


@pytest.mark.parametrize("role", ["admin", "team", "land", "kreis"])
def test_person_roles_open_the_import(app_db, role):
    at = open_page(PAGE, ROLES_USERS[role])
    assert not at.exception
    assert at.title[0].value == "Import"
    assert at.file_uploader


def test_leitung_cannot_reach_the_import(app_db):
    at = open_page(None, "leitung")
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_kreis_previews_imports_and_undoes_a_list(app_db):
    at = _upload(open_page(PAGE, "kv-leipzig"))
    assert not at.exception, at.exception
    assert "Windows-1252" in all_text(at) or "cp1252" in all_text(at).lower()
    guessed = {s.label: s.value for s in at.selectbox if s.label.startswith("Spalte")}
    assert guessed["Spalte 2"] == "last_name" and guessed["Spalte 4"] == "plz"  # Nachname, PLZ
    assert "„Nachname“" in [t.value for t in at.text]  # the file's header, as plain text
    at.button(key="imp_preview").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["neu"] == "2" and metrics["abgelehnt"] == "1" and metrics["außerhalb deines Gebiets"] == "1"
    assert "E-Mail" in all_text(at) or any("E-Mail" in str(df.value) for df in at.dataframe)
    at.button(key="imp_run").click().run()
    assert not at.exception, at.exception
    assert "2 neu" in at.success[0].value
    assert "importiert" in str(at.dataframe[-1].value["Stand"].tolist())
    at.checkbox(key="imp_undo_sure").check().run()
    at.button(key="imp_undo_run").click().run()
    assert "zurückgenommen" in at.success[0].value


def test_a_file_that_is_not_a_table_gets_a_german_message(app_db):
    at = _upload(open_page(PAGE, "kv-leipzig"), b"\x89PNG\r\n\x1a\n" + bytes(500), "bild.csv")
    assert not at.exception
    assert at.error and "keine Tabelle" in at.error[0].value
    assert not at.metric


def test_kreis_imports_a_list_as_unconfirmed(app_db):
    csv = "Vorname;Nachname;E-Mail;PLZ\nUlla;Unbestaetigt-Apptest;ulla.apptest@example.org;04109\n".encode("cp1252")
    at = _upload(open_page(PAGE, "kv-leipzig"), csv, "unbestaetigt.csv")
    at.checkbox(key="imp_unconfirmed").check().run()
    at.button(key="imp_preview").click().run()
    at.button(key="imp_run").click().run()
    assert not at.exception, at.exception
    assert "1 neu" in at.success[0].value
    eng = make_engine(app_db)
    with session_scope(eng) as s:
        ulla = s.scalars(select(Contact).where(Contact.email_key == "ulla.apptest@example.org")).one()
        assert ulla.unconfirmed_since is not None
    eng.dispose()
