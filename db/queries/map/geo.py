"""Queries on places: a PLZ with its Kreis, KV, Land and nearest office; centroids and open office points."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Kreis, Kreisverband, Land, Office, Plz


def place_row(session: Session, plz: str):
    """(Plz, Kreis name, KV id, KV name, Land code, Land name, nearest office name) of a PLZ, or None."""
    office = aliased(Office)
    return session.execute(
        select(Plz, Kreis.name, Kreisverband.id, Kreisverband.name, Land.code, Land.name, office.name)
        .join(Kreis, Kreis.ags == Plz.kreis_ags)
        .join(Kreisverband, Kreisverband.id == Kreis.kv_id)
        .join(Land, Land.code == Kreis.land_code)
        .outerjoin(office, office.id == Plz.nearest_office_id)
        .where(Plz.plz == plz)
    ).first()


def plz_centroids(session: Session) -> list:
    """(plz, lat, lon) of every PLZ, by PLZ."""
    return session.execute(select(Plz.plz, Plz.lat, Plz.lon).order_by(Plz.plz)).all()


def open_office_points(session: Session) -> list:
    """(id, lat, lon) of every active office, by id."""
    return session.execute(
        select(Office.id, Office.lat, Office.lon).where(Office.active.is_(True)).order_by(Office.id)
    ).all()
