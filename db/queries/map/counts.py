"""Read queries behind the Karte: contact counts per PLZ, places, offices, Kreise, persons of one PLZ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contact, ContactTopic, Kreis, Kreisverband, Office, Plz, RollupPlzStatus, RollupPlzTopic
from db.queries.common import generation
from db.queries.common.frames import frame
from db.scope import Scope, apply_area, apply_scope


@dataclass(frozen=True)
class ContactFilter:
    """Which contacts the map counts; empty tuples mean 'all'. Hashable (a cache key)."""

    statuses: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    created_since: datetime | None = None
    land_code: str | None = None
    kv_id: int | None = None


def _filtered(stmt, f: ContactFilter):
    if f.statuses:
        stmt = stmt.where(Contact.status.in_(f.statuses))
    if f.sources:
        stmt = stmt.where(Contact.source.in_(f.sources))
    if f.created_since is not None:
        stmt = stmt.where(Contact.created_at >= f.created_since)
    if f.land_code:
        stmt = stmt.where(Contact.land_code == f.land_code)
    if f.kv_id is not None:
        stmt = stmt.where(Contact.kv_id == f.kv_id)
    if f.topics:
        stmt = stmt.where(Contact.id.in_(select(ContactTopic.contact_id).where(ContactTopic.topic.in_(f.topics))))
    return stmt


def _area(stmt, scope: Scope, f: ContactFilter):
    return _filtered(apply_area(stmt, scope, Contact.kv_id, Contact.land_code), f)


def _rolled(stmt, table, scope: Scope, f: ContactFilter):
    """The rollup's statement in the scope's area and the filter's Land or KV (and statuses, if it has them)."""
    stmt = apply_area(stmt, scope, table.kv_id, table.land_code)
    if f.land_code:
        stmt = stmt.where(table.land_code == f.land_code)
    if f.kv_id is not None:
        stmt = stmt.where(table.kv_id == f.kv_id)
    if f.statuses:
        stmt = stmt.where(table.status.in_(f.statuses))
    return stmt


def counts_by_plz_status(session: Session, scope: Scope, f: ContactFilter) -> pd.DataFrame:
    """Filtered contacts in the scope's area per PLZ and status: columns plz, status, n."""
    if not (f.topics or f.sources or f.created_since):
        # Only area and status: the rollup answers (thousands of rows for all Germany).
        r = RollupPlzStatus
        total = func.sum(r.n)
        stmt = _rolled(
            select(r.plz, r.status, total.label("n")).group_by(r.plz, r.status).having(total != 0), r, scope, f
        )
    else:
        stmt = _area(
            select(Contact.plz, Contact.status, func.count().label("n")).group_by(Contact.plz, Contact.status), scope, f
        )
    return frame(session.execute(stmt), ["plz", "status", "n"]).astype({"n": int})


def topic_counts_by_plz(session: Session, scope: Scope, f: ContactFilter, plz_codes=None) -> pd.DataFrame:
    """Filtered contacts per PLZ and topic (a contact counts once per topic): plz, topic, n."""
    if plz_codes is not None and not len(plz_codes):
        return pd.DataFrame(columns=["plz", "topic", "n"])
    if not (f.topics or f.sources or f.created_since or f.statuses):
        r = RollupPlzTopic
        total = func.sum(r.n)
        stmt = _rolled(
            select(r.plz, r.topic, total.label("n")).group_by(r.plz, r.topic).having(total != 0), r, scope, f
        )
        if plz_codes is not None:
            stmt = stmt.where(r.plz.in_(list(plz_codes)))
        return frame(session.execute(stmt), ["plz", "topic", "n"]).astype({"n": int})
    stmt = (
        select(Contact.plz, ContactTopic.topic, func.count().label("n"))
        .join(ContactTopic, ContactTopic.contact_id == Contact.id)
        .group_by(Contact.plz, ContactTopic.topic)
    )
    if plz_codes is not None:
        stmt = stmt.where(Contact.plz.in_(list(plz_codes)))
    return frame(session.execute(_area(stmt, scope, f)), ["plz", "topic", "n"])


def contact_version(session: Session) -> tuple:
    """A cheap fingerprint of the contacts, read from the database: changes when contacts are added,
    removed or edited, or move to another KV with their Kreis (the structure generation)."""
    # Separate statements: SQLite answers a lone max() from the index, not a combined one. The rollups'
    # newest rows change with every insert, delete, move or status step (no count of a million rows).
    return (
        session.scalar(select(func.max(RollupPlzStatus.id))),
        session.scalar(select(func.max(RollupPlzTopic.id))),
        session.scalar(select(func.max(Contact.id))),
        session.scalar(select(func.max(Contact.updated_at))),
        generation.current(session, "structure"),
    )


def plz_places(session: Session) -> pd.DataFrame:
    """All PLZ with place, Kreis and centroid: plz, place, kreis_ags, lat, lon."""
    stmt = select(Plz.plz, Plz.place, Plz.kreis_ags, Plz.lat, Plz.lon)
    return frame(session.execute(stmt), ["plz", "place", "kreis_ags", "lat", "lon"])


def active_offices(session: Session) -> pd.DataFrame:
    """Open offices with their KV and Land: id, name, kind, street, plz, city, lat, lon, opening_hours, kv_id, land_code."""
    stmt = (
        select(
            Office.id,
            Office.name,
            Office.kind,
            Office.street,
            Office.plz,
            Office.city,
            Office.lat,
            Office.lon,
            Office.opening_hours,
            Office.kv_id,
            Kreisverband.land_code,
        )
        .join(Kreisverband, Kreisverband.id == Office.kv_id)
        .where(Office.active.is_(True))
        .order_by(Office.id)
    )
    cols = ["id", "name", "kind", "street", "plz", "city", "lat", "lon", "opening_hours", "kv_id", "land_code"]
    return frame(session.execute(stmt), cols)


def kreise(session: Session) -> pd.DataFrame:
    """All Kreise: ags, name, land_code, kv_id, population, lat, lon."""
    stmt = select(Kreis.ags, Kreis.name, Kreis.land_code, Kreis.kv_id, Kreis.population, Kreis.lat, Kreis.lon)
    return frame(session.execute(stmt), ["ags", "name", "land_code", "kv_id", "population", "lat", "lon"])


def kreisverbaende(session: Session) -> pd.DataFrame:
    """All Kreisverbände: id, name, land_code (for the filter choices)."""
    stmt = select(Kreisverband.id, Kreisverband.name, Kreisverband.land_code).order_by(Kreisverband.name)
    return frame(session.execute(stmt), ["id", "name", "land_code"])


def contacts_in_plz(session: Session, scope: Scope, f: ContactFilter, plz: str, limit: int = 1000) -> pd.DataFrame:
    """The persons of one PLZ the scope may see (filtered): id, first_name, last_name, status, source, created_at."""
    stmt = (
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.status, Contact.source, Contact.created_at)
        .where(Contact.plz == plz)
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
        .limit(limit)
    )
    stmt = _filtered(apply_scope(stmt, scope), f)
    return frame(session.execute(stmt), ["id", "first_name", "last_name", "status", "source", "created_at"])
