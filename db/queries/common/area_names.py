"""Names of Länder and Kreisverbände: lookups by key and sorted choices for forms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Kreisverband, Land


def kv_names(session: Session) -> dict[int, str]:
    """Id → name of every KV (in the database's order)."""
    return dict(session.execute(select(Kreisverband.id, Kreisverband.name)).all())


def land_names(session: Session) -> dict[str, str]:
    """Code → name of every Land (in the database's order)."""
    return dict(session.execute(select(Land.code, Land.name)).all())


def kv_names_by_name(session: Session) -> dict[int, str]:
    """Id → name of every KV, sorted by name."""
    return dict(session.execute(select(Kreisverband.id, Kreisverband.name).order_by(Kreisverband.name)).all())


def land_names_by_name(session: Session) -> dict[str, str]:
    """Code → name of every Land, sorted by name."""
    return dict(session.execute(select(Land.code, Land.name).order_by(Land.name)).all())


def kv_names_of_land(session: Session, land_code: str) -> dict[int, str]:
    """Id → name of the KVs of a Land (also those without Kreise), sorted by name."""
    return dict(
        session.execute(
            select(Kreisverband.id, Kreisverband.name)
            .where(Kreisverband.land_code == land_code)
            .order_by(Kreisverband.name)
        ).all()
    )
