"""Backups while the app runs and restores on both databases; erased people stay erased after a restore."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import audit_guard
from db.engine import make_engine
from db.models import AuditEvent, Contact, ErasureTombstone
from db.types import utcnow
from scripts import backup as backup_cli
from services.core import audit, backup
from services.core.settings import get_settings
from services.privacy import erasure, tombstones
from services.privacy import requests as dsr
from services.seed import seed_demo
from tests.support.databases import fresh_database
from tests.support.retention import old_contact
from tests.support.scopes import ADMIN

LEIPZIG = "14713"


@pytest.fixture
def small_db(backend, tmp_path, monkeypatch):
    """(url, backup folder) of a small seeded database of the backend; BACKUP_DIR points to the folder."""
    url = fresh_database(backend, tmp_path, suffix="backup")
    eng = make_engine(url)
    seed_demo(eng, contacts=40, seed=5)
    eng.dispose()
    folder = tmp_path / "sicherungen"
    monkeypatch.setenv("BACKUP_DIR", str(folder))
    get_settings.cache_clear()
    yield url, folder
    monkeypatch.delenv("BACKUP_DIR")
    get_settings.cache_clear()


def _erase_art17(session, cid: int) -> None:
    rid = dsr.register_request(session, ADMIN, cid, "erasure")
    erasure.erase(session, ADMIN, rid, "LÖSCHEN")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_restore_brings_back_the_data_but_not_the_people_erased_since(small_db):
    url, folder = small_db
    eng = make_engine(url)
    with Session(eng) as s:
        erased_later = old_contact(s, LEIPZIG, "Spaetergeloescht")
        kept = old_contact(s, LEIPZIG, "Bleibt")
        s.commit()
        contacts_at_backup = _count(s, Contact)

    # The app is running: another connection holds an open transaction with an uncommitted change.
    busy = eng.connect()
    busy_tx = busy.begin()
    busy.execute(text("UPDATE contact SET city = 'Uncommitted' WHERE id = :id"), {"id": kept})
    try:
        info = backup.create(url, folder)
    finally:
        busy_tx.rollback()
        busy.close()
    assert info.backend == eng.dialect.name and info.bytes > 0
    manifest = json.loads(backup.manifest_of(info.file).read_text())
    assert manifest["audit_max_id"] == info.audit_max_id and manifest["file"] == info.file

    with Session(eng) as s:
        _erase_art17(s, erased_later)  # after the backup: the backup still holds this person
        created_after = old_contact(s, LEIPZIG, "Neuerdings", created=utcnow())
        s.commit()
        _erase_art17(s, created_after)  # created and erased after the backup: only a tombstone comes back
        newest = old_contact(s, LEIPZIG, "NachDerSicherung", created=utcnow())
        audit.record(s, ADMIN, "after_backup_probe", "probe", "1")
        s.commit()
    eng.dispose()
    assert {e["contact_id"] for e in tombstones.read_journal(folder)} == {erased_later, created_after}

    result = backup.restore(url, info.file, folder)

    assert (result.reapplied, result.tombstones_added) == (1, 1)
    eng = make_engine(url)
    with Session(eng) as s:
        assert s.get(Contact, erased_later) is None
        assert s.get(Contact, kept).city != "Uncommitted"
        assert s.get(Contact, newest) is None  # made after the backup: a restore goes back to it
        assert _count(s, Contact) == contacts_at_backup - 1
        stones = {t.contact_id: t.reason for t in s.scalars(select(ErasureTombstone))}
        assert stones == {erased_later: "art17", created_after: "art17"}
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        # The audit log is not shortened by the restore: events after the backup are carried over.
        assert "after_backup_probe" in actions and actions.count("dsr_erasure_done") >= 2
        assert actions[-2:] == ["erasure_reapplied", "backup_restored"]
        with s.connection() as conn:
            assert audit_guard.installed(conn) == set(audit_guard.triggers_for(conn.dialect.name))
    eng.dispose()
    # Restoring twice is harmless: nothing more to erase.
    again = backup.restore(url, info.file, folder)
    assert again.reapplied == 1 and again.tombstones_added == 1


def test_the_journal_alone_is_enough_when_the_database_is_lost(small_db, backend):
    url, folder = small_db
    eng = make_engine(url)
    with Session(eng) as s:
        person = old_contact(s, LEIPZIG, "Verloren")
        s.commit()
    info = backup.create(url, folder)
    with Session(eng) as s:
        _erase_art17(s, person)
    eng.dispose()
    # The database is gone (disk lost): only the backup and the journal beside it remain.
    if backend == "sqlite":
        for f in backup.sqlite_path(url).parent.glob(backup.sqlite_path(url).name + "*"):
            f.unlink()
    else:
        lost = make_engine(url)
        with lost.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        lost.dispose()
    result = backup.restore(url, info.file, folder)
    assert result.reapplied == 1
    eng = make_engine(url)
    with Session(eng) as s:
        assert s.get(Contact, person) is None
        assert s.scalar(select(ErasureTombstone.reason).where(ErasureTombstone.contact_id == person)) == "art17"
    eng.dispose()


def test_an_id_that_comes_back_is_someone_else(small_db):
    """SQLite gives the next contact the highest id + 1: an erased newest person's id returns."""
    url, folder = small_db
    eng = make_engine(url)
    with Session(eng) as s:
        first = old_contact(s, LEIPZIG, "Erste", created=utcnow() - timedelta(days=1))
        s.commit()
        _erase_art17(s, first)
        second = old_contact(s, LEIPZIG, "Zweite", created=utcnow())
        s.commit()
    info = backup.create(url, folder)
    with Session(eng) as s:
        _erase_art17(s, second)  # a second tombstone for the same id on SQLite: allowed
        assert _count(s, ErasureTombstone) == 2
    eng.dispose()
    backup.restore(url, info.file, folder)
    eng = make_engine(url)
    with Session(eng) as s:
        assert s.get(Contact, second) is None
    eng.dispose()
    # A backup in which the returned id belongs to someone created after both erasures keeps them.
    eng = make_engine(url)
    with Session(eng) as s:
        third = old_contact(s, LEIPZIG, "Dritte", created=utcnow())
        s.commit()
    eng.dispose()
    info = backup.create(url, folder)
    backup.restore(url, info.file, folder)
    eng = make_engine(url)
    with Session(eng) as s:
        assert s.get(Contact, third) is not None
    eng.dispose()


def test_command_creates_and_restores_and_asks_before_replacing(small_db, capsys):
    url, folder = small_db
    assert backup_cli.main(["create", "--database-url", url]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["file"].startswith(str(folder)) and made["bytes"] > 0
    assert backup_cli.main(["restore", made["file"], "--database-url", url]) == 1
    assert "--yes" in json.loads(capsys.readouterr().out)["error"]
    assert backup_cli.main(["restore", made["file"], "--yes", "--database-url", url]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["restored_from"] == made["file"] and restored["reapplied"] == 0
    assert backup_cli.main(["restore", str(folder / "fehlt.dump"), "--yes", "--database-url", url]) == 1
    assert "gibt es nicht" in json.loads(capsys.readouterr().out)["error"]


def test_pg_tools_are_found():
    assert backup.pg_tool("pg_dump").endswith("pg_dump")
    assert backup.pg_tool("pg_restore").endswith("pg_restore")
