"""The rollups agree with counts of the contacts after random writes, imports, merges and erasures, on
SQLite and PostgreSQL, before and after compaction; the Übersicht read from them is the raw one."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from db import rollups
from db.models import Contact, RollupPlzStatus
from db.types import utcnow
from domain.enums import STATUSES
from services.intake import importer
from services.overview import figures
from services.privacy.erasure import erase_contact
from services.privacy.tombstones import RETENTION
from tests.support.scopes import ADMIN, user_scope
from tests.support.writes import import_some, merge_some, random_ids, random_writes


def _assert_agree(session) -> None:
    session.flush()
    assert rollups.differences(session.connection()) == {}


def test_rollups_agree_after_random_writes_imports_merges_and_erasures(session):
    rng = random.Random(7)
    _assert_agree(session)
    for round_ in range(3):
        random_writes(session, rng)
        _assert_agree(session)
        batch = import_some(session)
        _assert_agree(session)
        merge_some(session, rng)
        _assert_agree(session)
        (victim,) = random_ids(session, 1, rng)
        erase_contact(session, victim, RETENTION, journal=False)
        session.commit()
        _assert_agree(session)
        if round_ == 1:
            importer.rollback_batch(session, ADMIN, batch["batch_id"])
            _assert_agree(session)
        rollups.compact(session.connection())
        _assert_agree(session)


def test_compaction_leaves_one_row_per_key_and_the_same_sums(session):
    conn = session.connection()
    random_writes(session, random.Random(3))
    before = session.scalar(select(func.count()).select_from(RollupPlzStatus))
    rollups.compact(conn)
    keys = session.execute(
        select(func.count()).select_from(
            select(RollupPlzStatus.kv_id, RollupPlzStatus.plz, RollupPlzStatus.status)
            .group_by(RollupPlzStatus.kv_id, RollupPlzStatus.plz, RollupPlzStatus.status)
            .subquery()
        )
    ).scalar()
    after = session.scalar(select(func.count()).select_from(RollupPlzStatus))
    assert after == keys < before
    assert rollups.differences(conn) == {}


def test_overview_from_rollups_is_the_raw_count(session):
    rng = random.Random(11)
    random_writes(session, rng)
    import_some(session)
    now = utcnow()
    for username in ("team", "lv-sachsen", "kv-leipzig"):
        scope = user_scope(session, username)
        figures.clear_cache()
        ov = figures.build_overview(session, scope, 15.0, now=now)
        raw = select(Contact.status, func.count()).group_by(Contact.status)
        if scope.level == "kv":
            raw = raw.where(Contact.kv_id == scope.kv_id)
        elif scope.level == "land":
            raw = raw.where(Contact.land_code == scope.land_code)
        by_status = dict(session.execute(raw).tuples().all())
        assert ov.by_status == {s: by_status.get(s, 0) for s in STATUSES}
        since = select(func.count()).select_from(Contact).where(Contact.created_at >= now - timedelta(days=30))
        if scope.level == "kv":
            since = since.where(Contact.kv_id == scope.kv_id)
        elif scope.level == "land":
            since = since.where(Contact.land_code == scope.land_code)
        assert ov.new_30 == session.scalar(since)
        assert int(ov.weekly["Neue Linksaktive"].sum()) <= ov.total
