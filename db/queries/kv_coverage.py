"""Queries behind the KV coverage: Kreise with their KV and contact count, KV names in use, Kreise per KV."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contact, Kreis, Kreisverband, Land


def coverage_frame(session: Session, land_code: str | None = None) -> pd.DataFrame:
    """One row per Kreis (optionally of one Land): ags, kreis, land, land_code, kv_id, kv_name, contacts."""
    counts = (select(Contact.kreis_ags, func.count().label("n")).group_by(Contact.kreis_ags)).subquery()
    stmt = (select(Kreis.ags, Kreis.name, Land.name, Kreis.land_code, Kreisverband.id, Kreisverband.name,
                   func.coalesce(counts.c.n, 0))
            .join(Kreisverband, Kreisverband.id == Kreis.kv_id).join(Land, Land.code == Kreis.land_code)
            .outerjoin(counts, counts.c.kreis_ags == Kreis.ags).order_by(Kreis.land_code, Kreisverband.name, Kreis.ags))
    if land_code:
        stmt = stmt.where(Kreis.land_code == land_code)
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["ags", "kreis", "land", "land_code", "kv_id", "kv_name", "contacts"])


def kv_id_named(session: Session, name: str, exclude_id: int | None = None) -> int | None:
    """Id of a KV with this name (case-insensitive), other than exclude_id, or None."""
    stmt = select(Kreisverband.id).where(func.lower(Kreisverband.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Kreisverband.id != exclude_id)
    return session.scalar(stmt)


def kreis_count(session: Session, kv_id: int) -> int:
    """How many Kreise the KV covers."""
    return session.scalar(select(func.count()).select_from(Kreis).where(Kreis.kv_id == kv_id))
