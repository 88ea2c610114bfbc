"""Queries on offices: the list for administration with each office's KV name."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Kreisverband, Office


def offices_frame(session: Session, include_closed: bool = True) -> pd.DataFrame:
    """All (or only open) offices with their KV name, by PLZ then id."""
    stmt = (
        select(
            Office.id,
            Office.name,
            Office.kind,
            Office.street,
            Office.plz,
            Office.city,
            Office.opening_hours,
            Office.phone,
            Office.email,
            Office.kv_id,
            Kreisverband.name.label("kv_name"),
            Office.lat,
            Office.lon,
            Office.active,
        )
        .join(Kreisverband, Kreisverband.id == Office.kv_id)
        .order_by(Office.plz, Office.id)
    )
    if not include_closed:
        stmt = stmt.where(Office.active.is_(True))
    return pd.DataFrame(
        session.execute(stmt).all(),
        columns=[
            "id",
            "name",
            "kind",
            "street",
            "plz",
            "city",
            "opening_hours",
            "phone",
            "email",
            "kv_id",
            "kv_name",
            "lat",
            "lon",
            "active",
        ],
    )


def office_names(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, plz) of every office, open or closed (to refuse the same office twice)."""
    return [tuple(r) for r in session.execute(select(Office.id, Office.name, Office.plz)).all()]
