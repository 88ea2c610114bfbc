"""Places and reach: resolve a PLZ to its Kreis/KV/Land, nearest offices (DESIGN §2, §8)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.queries.map import geo as q
from domain.errors import ValidationError

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
PLACES_SEPARATOR = "|"  # plz.places holds all place names of a PLZ joined by this
_PLZ_RE = re.compile(r"[0-9]{5}")  # ASCII only: \d would accept other digits


@dataclass(frozen=True)
class PlaceInfo:
    """Everything a PLZ tells us: place, Kreis, KV, Land, centroid and nearest office."""

    plz: str
    place: str
    places: list[str] = field(default_factory=list)
    kreis_ags: str = ""
    kreis_name: str = ""
    kv_id: int = 0
    kv_name: str = ""
    land_code: str = ""
    land_name: str = ""
    lat: float = 0.0
    lon: float = 0.0
    nearest_office_id: int | None = None
    nearest_office_name: str | None = None
    nearest_office_km: float | None = None


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (numpy-vectorised, broadcasting, degrees in)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _unit_vectors(latlon: np.ndarray) -> np.ndarray:
    lat = np.radians(latlon[:, 0])
    lon = np.radians(latlon[:, 1])
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def nearest(points_latlon: np.ndarray, offices_latlon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest office and its great-circle km for every point (-1/inf without offices)."""
    points = np.asarray(points_latlon, dtype=float).reshape(-1, 2)
    offices = np.asarray(offices_latlon, dtype=float).reshape(-1, 2)
    if len(offices) == 0:
        return np.full(len(points), -1, dtype=np.int64), np.full(len(points), np.inf)
    if len(points) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    # On the unit sphere the nearest by chord is the nearest by arc, so a 3-D KD-tree is exact.
    chord, idx = cKDTree(_unit_vectors(offices)).query(_unit_vectors(points), k=1)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    return idx.astype(np.int64), km


def normalize_plz(plz) -> str:
    """The PLZ as a five-digit string, or ValidationError with a German message."""
    value = "" if plz is None else str(plz).strip()
    if not _PLZ_RE.fullmatch(value):
        raise ValidationError("Die PLZ muss aus fünf Ziffern bestehen.")
    return value


def resolve_plz(session: Session, plz) -> PlaceInfo:
    """Place, Kreis, KV, Land and nearest office of a PLZ; ValidationError if malformed or unknown."""
    value = normalize_plz(plz)
    row = q.place_row(session, value)
    if row is None:
        raise ValidationError(
            f"Die PLZ {value} kennen wir nicht. Bitte prüfe die Eingabe (fünf Ziffern, deutsche PLZ)."
        )
    p, kreis_name, kv_id, kv_name, land_code, land_name, office_name = row
    places = [s for s in (p.places or "").split(PLACES_SEPARATOR) if s] or [p.place]
    return PlaceInfo(
        plz=p.plz,
        place=p.place,
        places=places,
        kreis_ags=p.kreis_ags,
        kreis_name=kreis_name,
        kv_id=kv_id,
        kv_name=kv_name,
        land_code=land_code,
        land_name=land_name,
        lat=p.lat,
        lon=p.lon,
        nearest_office_id=p.nearest_office_id,
        nearest_office_name=office_name,
        nearest_office_km=p.nearest_office_km,
    )


def recompute_nearest_offices(session: Session) -> int:
    """Store the nearest active office and its km on every PLZ (NULL without offices); returns PLZ count."""
    plz_rows = q.plz_centroids(session)
    if not plz_rows:
        return 0
    off_rows = q.open_office_points(session)
    codes = [r[0] for r in plz_rows]
    if not off_rows:
        session.execute(text("UPDATE plz SET nearest_office_id = NULL, nearest_office_km = NULL"))
        session.expire_all()
        return len(codes)
    points = np.array([(r[1], r[2]) for r in plz_rows], dtype=float)
    offices = np.array([(r[1], r[2]) for r in off_rows], dtype=float)
    office_ids = np.array([r[0] for r in off_rows], dtype=np.int64)
    idx, km = nearest(points, offices)
    # Full precision: the Karte recomputes distances live, and a rounded 15.0003 km stored as
    # 15.0 would count a place as in reach on the Übersicht but not on the map.
    params = list(zip(office_ids[idx].tolist(), km.tolist(), codes))
    _bulk_update_nearest(session, params)
    # The update bypasses the ORM: loaded Plz objects must not keep their old values.
    session.expire_all()
    return len(codes)


def _bulk_update_nearest(session: Session, params: list[tuple[int, float, str]]) -> None:
    # Runs on the session's own DBAPI connection so it joins the caller's transaction.
    conn = session.connection()
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS _nearest_office")
            cur.execute(
                "CREATE TEMP TABLE _nearest_office (office_id integer, km double precision, "
                "plz varchar(5) PRIMARY KEY) ON COMMIT DROP"
            )
            with cur.copy("COPY _nearest_office (office_id, km, plz) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            cur.execute(
                "UPDATE plz SET nearest_office_id = n.office_id, nearest_office_km = n.km "
                "FROM _nearest_office n WHERE plz.plz = n.plz"
            )
            cur.execute("DROP TABLE _nearest_office")
    else:
        cur = dbapi.cursor()
        try:
            cur.executemany("UPDATE plz SET nearest_office_id = ?, nearest_office_km = ? WHERE plz = ?", params)
        finally:
            cur.close()
