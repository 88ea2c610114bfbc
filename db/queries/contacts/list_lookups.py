"""Lookups around the list of Linksaktive: topics and names for a page's rows, and the filters' choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import Contact, ContactTopic, ImportBatch, Kreis, Kreisverband
from db.scope import Scope, apply_area, apply_scope


def topics_of(session: Session, contact_ids: list[int]) -> dict[int, list[str]]:
    """Topic codes per contact id (sorted) for the given contacts."""
    out: dict[int, list[str]] = {}
    if contact_ids:
        stmt = (
            select(ContactTopic.contact_id, ContactTopic.topic)
            .where(ContactTopic.contact_id.in_(contact_ids))
            .order_by(ContactTopic.topic)
        )
        for cid, topic in session.execute(stmt):
            out.setdefault(cid, []).append(topic)
    return out


def kv_names_of(session: Session, kv_ids) -> dict[int, str]:
    """Names of the given KVs."""
    ids = sorted(set(kv_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Kreisverband.id, Kreisverband.name).where(Kreisverband.id.in_(ids))).all())


def kreis_names_of(session: Session, ags_codes) -> dict[str, str]:
    """Names of the given Kreise."""
    codes = sorted(set(ags_codes))
    if not codes:
        return {}
    return dict(session.execute(select(Kreis.ags, Kreis.name).where(Kreis.ags.in_(codes))).all())


def kreis_names(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """(AGS, name) of the Kreise in the scope's area, by name."""
    stmt = apply_area(select(Kreis.ags, Kreis.name), scope, Kreis.kv_id, Kreis.land_code)
    return [tuple(r) for r in session.execute(stmt.order_by(Kreis.name, Kreis.ags))]


def kv_choices(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the KVs in the scope's area, by name."""
    stmt = apply_area(select(Kreisverband.id, Kreisverband.name), scope, Kreisverband.id, Kreisverband.land_code)
    return [tuple(r) for r in session.execute(stmt.order_by(Kreisverband.name))]


def batches_in_scope(session: Session, scope: Scope, limit: int = 200) -> list[tuple[int, str, datetime]]:
    """(id, file name, created_at) of the newest import batches that created someone the scope sees."""
    someone = apply_scope(select(Contact.id).where(Contact.import_batch_id == ImportBatch.id), scope)
    stmt = (
        select(ImportBatch.id, ImportBatch.file_name, ImportBatch.created_at)
        .where(exists(someone))
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    )
    return [tuple(r) for r in session.execute(stmt)]
