"""resolve_plz and recompute_nearest_offices against SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select, update

from db.models import Office, Plz
from domain.errors import ValidationError
from services.geo.places import haversine_km, recompute_nearest_offices, resolve_plz


def test_resolve_leipzig(session):
    info = resolve_plz(session, "04109")
    assert info.place == "Leipzig" and info.places[0] == "Leipzig"
    assert info.kreis_ags == "14713" and info.kreis_name == "Leipzig"
    assert info.kv_name == "KV Leipzig" and info.land_code == "14" and info.land_name == "Sachsen"
    assert 51 < info.lat < 52 and 12 < info.lon < 13
    assert info.nearest_office_id is not None and info.nearest_office_km < 10
    assert info.nearest_office_name


def test_resolve_plz_with_several_places(session):
    code, places = session.execute(select(Plz.plz, Plz.places).where(Plz.places.contains("|")).limit(1)).one()
    info = resolve_plz(session, code)
    assert info.places == places.split("|") and len(info.places) > 1 and info.place == info.places[0]


def test_unknown_and_malformed_plz(session):
    with pytest.raises(ValidationError, match=r"^Die PLZ 00000 kennen wir nicht\."):
        resolve_plz(session, "00000")
    with pytest.raises(ValidationError, match="fünf Ziffern"):
        resolve_plz(session, "0410")


def test_recompute_matches_brute_force(session):
    plz = session.execute(
        select(Plz.plz, Plz.lat, Plz.lon, Plz.nearest_office_id, Plz.nearest_office_km).order_by(Plz.plz)
    ).all()
    offices = session.execute(select(Office.id, Office.lat, Office.lon).where(Office.active.is_(True))).all()
    lat = np.array([p[1] for p in plz])
    lon = np.array([p[2] for p in plz])
    d = haversine_km(
        lat[:, None],
        lon[:, None],
        np.array([o[1] for o in offices])[None, :],
        np.array([o[2] for o in offices])[None, :],
    )
    np.testing.assert_allclose([p[4] for p in plz], d.min(axis=1), atol=2e-3)


def test_recompute_after_closing_offices(session):
    leipzig = (
        session.execute(select(Office.id).join(Plz, Plz.plz == Office.plz).where(Plz.kreis_ags == "14713"))
        .scalars()
        .all()
    )
    session.execute(update(Office).where(Office.id.in_(leipzig)).values(active=False))
    assert recompute_nearest_offices(session) > 8000
    info = resolve_plz(session, "04109")
    assert info.nearest_office_id not in leipzig and info.nearest_office_km > 10
    session.execute(update(Office).values(active=False))
    recompute_nearest_offices(session)
    info = resolve_plz(session, "04109")
    assert info.nearest_office_id is None and info.nearest_office_km is None and info.nearest_office_name is None
    session.execute(update(Office).values(active=True))
    recompute_nearest_offices(session)
    assert resolve_plz(session, "04109").nearest_office_km < 10
