"""User accounts: area labels, administration (create, role, deactivate, reset, unlock)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Kreisverband, Land, User


def area_label(session: Session, user: User) -> str:
    """The user's area in words: 'Bundesweit', a Land's name or a KV's name."""
    if user.role == "kreis" and user.kv_id is not None:
        kv = session.get(Kreisverband, user.kv_id)
        return kv.name if kv else "Kreisverband"
    if user.role == "land" and user.land_code:
        land = session.get(Land, user.land_code)
        return land.name if land else "Landesverband"
    return "Bundesweit"
