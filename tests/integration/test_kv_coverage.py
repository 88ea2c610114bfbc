"""Which Kreise a KV covers: moving a Kreis moves its contacts in bulk; create and rename KVs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Contact, Kreis, Kreisverband
from domain.errors import ConflictError, PermissionDenied, ValidationError
from services.admin import kv_coverage
from services.core.scope import apply_scope
from services.overview.figures import build_overview
from tests.support.scopes import ADMIN, kv_of, user_scope


def _count(session, *conds):
    return session.scalar(select(func.count()).select_from(Contact).where(*conds))


def test_move_kreis_to_new_kv_moves_contacts(session):
    goerlitz_kv = kv_of(session, "14626")
    in_kreis = _count(session, Contact.kreis_ags == "14626")
    assert in_kreis > 0
    new_kv = kv_coverage.create_kv(session, ADMIN, "KV Oberlausitz", "14")
    result = kv_coverage.move_kreis(session, ADMIN, "14626", new_kv)
    assert result.contacts_moved == in_kreis and result.source_now_empty
    assert session.get(Kreis, "14626").kv_id == new_kv
    assert _count(session, Contact.kv_id == new_kv) == in_kreis
    # A KV without Kreise keeps no contacts.
    assert _count(session, Contact.kv_id == goerlitz_kv) == 0
    # Every contact's KV is still the KV of its Kreis.
    mismatched = (
        select(func.count())
        .select_from(Contact)
        .join(Kreis, Kreis.ags == Contact.kreis_ags)
        .where(Kreis.kv_id != Contact.kv_id)
    )
    assert session.scalar(mismatched) == 0
    # The old KV's user no longer sees them; the scope follows the structure.
    goerlitz_user = user_scope(session, "kv-goerlitz")
    assert session.scalar(apply_scope(select(func.count()).select_from(Contact), goerlitz_user)) == 0
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "kreis_moved")).one()
    assert ev.object_id == "14626" and ev.details["to_kv"] == new_kv and ev.details["contacts"] == in_kreis


def test_move_only_within_land_and_admin_only(session):
    berlin_kv = session.scalar(select(Kreis.kv_id).where(Kreis.land_code == "11"))
    with pytest.raises(ValidationError, match="desselben Landes"):
        kv_coverage.move_kreis(session, ADMIN, "14626", berlin_kv)
    with pytest.raises(ValidationError, match="schon"):
        kv_coverage.move_kreis(session, ADMIN, "14626", kv_of(session, "14626"))
    with pytest.raises(PermissionDenied):
        kv_coverage.move_kreis(session, user_scope(session, "lv-sachsen"), "14626", kv_of(session, "14713"))
    assert session.get(Kreis, "14626").kv_id == kv_of(session, "14626")


def test_merge_two_kreise_into_one_kv(session):
    leipzig_kv = kv_of(session, "14713")
    land_kreis = session.scalar(select(Kreis.ags).where(Kreis.land_code == "14", Kreis.ags == "14729"))
    moved = _count(session, Contact.kreis_ags == land_kreis)
    before = _count(session, Contact.kv_id == leipzig_kv)
    result = kv_coverage.move_kreis(session, ADMIN, land_kreis, leipzig_kv)
    assert result.contacts_moved == moved
    assert _count(session, Contact.kv_id == leipzig_kv) == before + moved
    table = kv_coverage.coverage(session, ADMIN, "14")
    assert set(table.loc[table["kv_id"] == leipzig_kv, "ags"]) == {"14713", land_kreis}


def test_create_and_rename(session):
    kv_id = kv_coverage.create_kv(session, ADMIN, "KV Testland", "14")
    with pytest.raises(ConflictError):
        kv_coverage.create_kv(session, ADMIN, "kv testland", "14")
    with pytest.raises(ValidationError):
        kv_coverage.create_kv(session, ADMIN, "KV X", "99")
    kv_coverage.rename_kv(session, ADMIN, kv_id, "KV Neuer Name")
    assert session.get(Kreisverband, kv_id).name == "KV Neuer Name"
    with pytest.raises(ConflictError):
        kv_coverage.rename_kv(session, ADMIN, kv_id, "KV Leipzig")
    assert kv_id in kv_coverage.kvs_of_land(session, ADMIN, "14")


def test_cached_figures_follow_a_kreis_to_its_new_kv(session):
    # The Übersicht caches per KV by a fingerprint read from the database: moving a Kreis keeps every
    # contact's updated_at, so the structure generation must change the fingerprint (else the old KV
    # would show its people for minutes, and in another app process until the next contact edit).
    goerlitz = user_scope(session, "kv-goerlitz")
    before = build_overview(session, goerlitz, 15.0)
    assert before.total > 0
    new_kv = kv_coverage.create_kv(session, ADMIN, "KV Oberlausitz", "14")
    kv_coverage.move_kreis(session, ADMIN, "14626", new_kv)
    assert build_overview(session, goerlitz, 15.0).total == 0
