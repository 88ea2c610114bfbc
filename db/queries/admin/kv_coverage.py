"""Queries behind the KV coverage: Kreise with their KV and contact count, KV names, and moving a Kreis."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Contact, Kreis, Kreisverband, Land, Office, Plz
from db.queries.common import generation


def coverage_frame(session: Session, land_code: str | None = None) -> pd.DataFrame:
    """One row per Kreis (optionally of one Land): ags, kreis, land, land_code, kv_id, kv_name, contacts."""
    counts = (select(Contact.kreis_ags, func.count().label("n")).group_by(Contact.kreis_ags)).subquery()
    stmt = (
        select(
            Kreis.ags,
            Kreis.name,
            Land.name,
            Kreis.land_code,
            Kreisverband.id,
            Kreisverband.name,
            func.coalesce(counts.c.n, 0),
        )
        .join(Kreisverband, Kreisverband.id == Kreis.kv_id)
        .join(Land, Land.code == Kreis.land_code)
        .outerjoin(counts, counts.c.kreis_ags == Kreis.ags)
        .order_by(Kreis.land_code, Kreisverband.name, Kreis.ags)
    )
    if land_code:
        stmt = stmt.where(Kreis.land_code == land_code)
    return pd.DataFrame(
        session.execute(stmt).all(), columns=["ags", "kreis", "land", "land_code", "kv_id", "kv_name", "contacts"]
    )


def kv_id_named(session: Session, name: str, exclude_id: int | None = None) -> int | None:
    """Id of a KV with this name (case-insensitive), other than exclude_id, or None."""
    stmt = select(Kreisverband.id).where(func.lower(Kreisverband.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Kreisverband.id != exclude_id)
    return session.scalar(stmt)


def kreis_count(session: Session, kv_id: int) -> int:
    """How many Kreise the KV covers."""
    return session.scalar(select(func.count()).select_from(Kreis).where(Kreis.kv_id == kv_id))


def move_contacts_of_kreis(session: Session, ags: str, kv_id: int) -> int:
    """Give every contact of the Kreis the KV kv_id (one UPDATE); returns how many."""
    # Keep updated_at: the contact's own data did not change, only the structure around it; the
    # structure generation tells the caches (db/queries/common/generation.py).
    generation.renew(session, "structure")
    return session.execute(
        update(Contact)
        .where(Contact.kreis_ags == ags)
        .values(kv_id=kv_id, updated_at=Contact.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount


def move_offices_of_kreis(session: Session, ags: str, from_kv: int, to_kv: int) -> int:
    """Move from_kv's offices whose PLZ lies in the Kreis to to_kv; returns how many."""
    plz_in_kreis = select(Plz.plz).where(Plz.kreis_ags == ags)
    return session.execute(
        update(Office)
        .where(Office.kv_id == from_kv, Office.plz.in_(plz_in_kreis))
        .values(kv_id=to_kv)
        .execution_options(synchronize_session=False)
    ).rowcount


def rederive_contacts_kv(session: Session, kv_id: int) -> None:
    """Set the KV of every contact still at kv_id to the KV of the contact's Kreis."""
    kv_of_kreis = select(Kreis.kv_id).where(Kreis.ags == Contact.kreis_ags).scalar_subquery()
    generation.renew(session, "structure")
    session.execute(
        update(Contact)
        .where(Contact.kv_id == kv_id)
        .values(kv_id=kv_of_kreis, updated_at=Contact.updated_at)
        .execution_options(synchronize_session=False)
    )
