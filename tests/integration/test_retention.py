"""Retention: who is due, listed per area, anonymised by the Art. 17 erasure; tombstones for every erasure."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Contact, ErasureTombstone, Kreis
from domain.errors import PermissionDenied, ValidationError
from scripts import retention as retention_cli
from services.core.scope import Scope
from services.core.settings import get_settings, load_settings
from services.privacy import erasure, retention, tombstones
from services.privacy import requests as dsr
from services.seed import seed_demo
from tests.support.retention import DUE, NOT_DUE, NOW, people
from tests.support.scopes import ADMIN, kv_of, user_scope

LEIPZIG = "14713"


@pytest.fixture
def backup_dir(tmp_path, monkeypatch):
    """BACKUP_DIR set for the test (erasures append to its journal)."""
    folder = tmp_path / "sicherungen"
    monkeypatch.setenv("BACKUP_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    monkeypatch.delenv("BACKUP_DIR")
    get_settings.cache_clear()


def _due_ids(session, scope, kv_id=None) -> set[int]:
    return {p.contact_id for p in retention.due_persons(session, scope, kv_id=kv_id, now=NOW, limit=10_000)}


def test_retention_months_setting_defaults_to_24():
    assert load_settings(env={}).retention_months == 24
    assert load_settings(env={"RETENTION_MONTHS": "36"}).retention_months == 36


def test_due_are_people_without_activity_and_without_active_consent(session):
    ids = people(session, LEIPZIG)
    due = _due_ids(session, ADMIN, kv_of(session, LEIPZIG))
    assert {label for label, cid in ids.items() if cid in due} == set(DUE)
    assert not {ids[label] for label in NOT_DUE} & due
    # The clock decides: a year later the recent ones are not due yet, ten years later most are.
    later = {p.contact_id for p in retention.due_persons(session, ADMIN, now=NOW.replace(year=NOW.year + 10))}
    assert {ids["recent_activity"], ids["recent_order"], ids["new"]} <= later
    assert ids["member"] not in later and ids["active_consent"] not in later and ids["open_request"] not in later


def test_due_per_kv_is_scoped_and_persons_only_for_roles_that_see_persons(session):
    ids = people(session, LEIPZIG)
    kv = kv_of(session, LEIPZIG)
    kreis_scope = user_scope(session, "kv-leipzig")
    rows = retention.due_per_kv(session, kreis_scope, now=NOW)
    assert [r.kv_id for r in rows] == [kv] and rows[0].due >= len(DUE)
    assert _due_ids(session, kreis_scope) >= {ids[label] for label in DUE}
    goerlitz = user_scope(session, "kv-goerlitz")
    assert kv not in {r.kv_id for r in retention.due_per_kv(session, goerlitz, now=NOW)}
    assert not _due_ids(session, goerlitz) & set(ids.values())
    land = user_scope(session, "lv-sachsen")
    land_rows = retention.due_per_kv(session, land, now=NOW)
    assert kv in {r.kv_id for r in land_rows}
    lands = {
        session.get(Kreis, ags).land_code
        for ags in session.scalars(select(Kreis.ags).where(Kreis.kv_id.in_([r.kv_id for r in land_rows])))
    }
    assert lands == {"14"}
    admin_rows = {r.kv_id: r.due for r in retention.due_per_kv(session, ADMIN, now=NOW)}
    assert admin_rows[kv] == rows[0].due and sum(admin_rows.values()) == retention.due_total(session, ADMIN, now=NOW)
    leitung = user_scope(session, "leitung")
    assert all(r.due is None or r.due >= 5 for r in retention.due_per_kv(session, leitung, now=NOW))
    with pytest.raises(PermissionDenied):
        retention.due_persons(session, leitung, now=NOW)


def test_run_anonymises_the_due_through_the_erasure_and_audits(session, backup_dir):
    ids = people(session, LEIPZIG)
    system = retention.SYSTEM
    dry = retention.run(session, system, dry_run=True, now=NOW)
    assert dry.dry_run and dry.erased == 0 and dry.due >= len(DUE)
    assert all(session.get(Contact, cid) is not None for cid in ids.values())
    audits = session.scalar(select(func.count()).select_from(AuditEvent))
    assert session.scalar(select(func.count()).select_from(ErasureTombstone)) == 0

    done = retention.run(session, system, now=NOW)

    assert done.erased == dry.due - done.blocked and done.blocked >= 1
    session.expire_all()
    for label in DUE:
        gone = session.get(Contact, ids[label]) is None
        assert gone == (label != "blocked"), label
    for label in NOT_DUE:
        assert session.get(Contact, ids[label]) is not None, label
    stones = {t.contact_id: t.reason for t in session.scalars(select(ErasureTombstone))}
    assert len(stones) == done.erased and {stones[ids[lb]] for lb in DUE if lb != "blocked"} == {"retention"}
    events = session.scalars(select(AuditEvent).where(AuditEvent.id > 0).order_by(AuditEvent.id)).all()[audits:]
    erased_events = [e for e in events if e.action == "retention_erased"]
    assert {int(e.object_id) for e in erased_events} == set(stones)
    summary = [e for e in events if e.action == "retention_run"]
    assert len(summary) == 1 and summary[0].details["erased"] == done.erased
    # The journal outside the database holds the same ids (re-applied after a restore).
    assert {e["contact_id"] for e in tombstones.read_journal(backup_dir)} == set(stones)
    # Nothing is due any more but the blocked one.
    assert _due_ids(session, ADMIN) == {ids["blocked"]}


def test_page_action_needs_the_admin_and_the_confirmation(session):
    ids = people(session, LEIPZIG)
    kv = kv_of(session, LEIPZIG)
    with pytest.raises(PermissionDenied):
        retention.anonymise_due(session, user_scope(session, "kv-leipzig"), kv, retention.CONFIRM_WORD, now=NOW)
    with pytest.raises(ValidationError):
        retention.anonymise_due(session, ADMIN, kv, "ja", now=NOW)
    assert session.get(Contact, ids["plain"]) is not None
    result = retention.anonymise_due(session, ADMIN, kv, retention.CONFIRM_WORD.lower(), now=NOW)
    assert result.erased >= len(DUE) - 1 and result.blocked == 1
    assert session.get(Contact, ids["plain"]) is None and session.get(Contact, ids["member"]) is not None


def test_art17_erasure_leaves_a_tombstone_and_a_journal_line(session, backup_dir):
    ids = people(session, LEIPZIG)
    cid = ids["active_consent"]
    rid = dsr.register_request(session, ADMIN, cid, "erasure")
    before = tombstones.read_journal(backup_dir)
    erasure.erase(session, ADMIN, rid, "LÖSCHEN")
    stone = session.scalar(select(ErasureTombstone).where(ErasureTombstone.contact_id == cid))
    assert stone is not None and stone.reason == "art17"
    lines = tombstones.read_journal(backup_dir)
    assert len(lines) == len(before) + 1 and lines[-1]["contact_id"] == cid and lines[-1]["reason"] == "art17"
    # Only ids, times and reasons: nothing personal in the journal.
    assert set(lines[-1]) == {"contact_id", "erased_at", "reason"}


def test_a_rolled_back_erasure_leaves_no_journal_line(session, backup_dir):
    ids = people(session, LEIPZIG)
    session.commit()
    erasure.erase_contact(session, ids["plain"], tombstones.RETENTION)
    session.rollback()
    session.commit()
    assert tombstones.read_journal(backup_dir) == []
    assert session.get(Contact, ids["plain"]) is not None


def test_command_prints_a_json_summary_and_dry_run_changes_nothing(empty_engine, tmp_path, capsys, monkeypatch):
    from sqlalchemy.orm import Session

    seed_demo(empty_engine, contacts=60, seed=3)
    with Session(empty_engine) as s:
        ids = people(s, LEIPZIG)
        s.commit()
    url = empty_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "b"))
    get_settings.cache_clear()
    try:
        assert retention_cli.main(["--dry-run", "--database-url", url]) == 0
        dry = json.loads(capsys.readouterr().out)
        assert dry["dry_run"] is True and dry["due"] >= len(DUE) and dry["erased"] == 0
        assert dry["retention_months"] == 24 and "KV Leipzig" in dry["due_per_kv"]
        with Session(empty_engine) as s:
            assert all(s.get(Contact, cid) is not None for cid in ids.values())
        assert retention_cli.main(["--database-url", url]) == 0
        done = json.loads(capsys.readouterr().out)
        assert done["erased"] == dry["due"] - done["blocked"] and done["blocked"] == 1
        with Session(empty_engine) as s:
            assert s.get(Contact, ids["plain"]) is None and s.get(Contact, ids["member"]) is not None
            assert s.scalar(select(func.count()).select_from(ErasureTombstone)) == done["erased"]
            assert s.scalar(select(func.count()).where(AuditEvent.action == "retention_run")) == 1
    finally:
        monkeypatch.delenv("BACKUP_DIR")
        get_settings.cache_clear()


def test_system_scope_is_admin():
    assert isinstance(retention.SYSTEM, Scope) and retention.SYSTEM.role == "admin"
