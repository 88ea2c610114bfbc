"""Region choices for the batch form, limited to the user's area."""
from __future__ import annotations

from sqlalchemy.orm import Session

from db.queries import newspaper as q
from services.core.scope import Scope


def region_choices(session: Session, scope: Scope):
    """(Länder as (code, name), KVs as (id, name, land_code)) the user may choose from."""
    return q.regions(session, scope)
