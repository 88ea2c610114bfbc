"""The scheduled import command: a JSON summary per file, --dry-run writes nothing, imported files move aside."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import make_engine
from db.models import Contact, ImportBatch
from scripts import import_contacts
from services.seed import seed_demo
from tests.support.databases import fresh_database

CSV = (
    "Vorname;Nachname;E-Mail;PLZ;Ort\n"
    "Cli;Importtest;cli.import@example.org;04109;Leipzig\n"
    "Cli;Woanders;cli.woanders@example.org;02826;Görlitz\n"
    "Kaputt;;;;\n"
).encode("cp1252")


def test_command_dry_run_then_import(tmp_path, capsys):
    url = fresh_database("sqlite", tmp_path, suffix="cli")
    eng = make_engine(url)
    seed_demo(eng, contacts=200, seed=7)
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "liste.csv").write_bytes(CSV)
    args = [str(folder), "--source", "infostand", "--as", "kv-leipzig", "--database-url", url]

    with Session(eng) as s:
        people = s.scalar(select(func.count()).select_from(Contact))
    assert import_contacts.main([*args, "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out.strip())
    assert (dry["created"], dry["rejected"], dry["outside_area"]) == (2, 1, 1)
    assert set(dry["per_kv"]) == {"KV Leipzig", "KV Görlitz"}
    with Session(eng) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == people
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert (folder / "liste.csv").exists()

    assert import_contacts.main(args) == 0
    done = json.loads(capsys.readouterr().out.strip())
    assert done["created"] == 2 and done["batch_id"] >= 1
    assert (folder / "importiert" / "liste.csv").exists() and not (folder / "liste.csv").exists()
    with Session(eng) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == people + 2

    (folder / "bild.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    assert import_contacts.main(args) == 1
    failed = json.loads(capsys.readouterr().out.strip())
    assert "keine Tabelle" in failed["error"] and (folder / "bild.csv").exists()
    eng.dispose()


def test_command_imports_a_file_as_unconfirmed(tmp_path, capsys):
    url = fresh_database("sqlite", tmp_path, suffix="cli_unconfirmed")
    eng = make_engine(url)
    seed_demo(eng, contacts=200, seed=7)
    path = tmp_path / "liste.csv"
    path.write_bytes(CSV)
    args = [str(path), "--source", "infostand", "--as", "kv-leipzig", "--database-url", url, "--unconfirmed"]
    assert import_contacts.main(args) == 0
    done = json.loads(capsys.readouterr().out.strip())
    with Session(eng) as s:
        marks = s.scalars(select(Contact.unconfirmed_since).where(Contact.import_batch_id == done["batch_id"])).all()
    assert len(marks) == 2 and all(m is not None for m in marks)
    eng.dispose()
