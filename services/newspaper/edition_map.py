"""Where an edition's copies go: live orders and copies per Kreis, for the edition overview's map."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import NewspaperEdition
from db.queries import newspaper as q
from domain.errors import NotFoundError
from services.core.scope import Scope, require_persons
from services.geo.files import kreise_table


def copies_per_kreis(session: Session, scope: Scope, edition_id: int) -> list[dict]:
    """One dict per Kreis with orders: ags, name, land_code, orders, copies (largest first)."""
    require_persons(scope)  # the editions overview is a staff view; leitung has its own maps
    if session.get(NewspaperEdition, edition_id) is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    names = kreise_table().set_index("ags")
    rows = []
    for ags, orders, copies in q.copies_by_kreis(session, scope, edition_id):
        known = ags in names.index
        rows.append(
            {
                "ags": ags,
                "name": names.at[ags, "name"] if known else ags,
                "land_code": names.at[ags, "land_code"] if known else "",
                "orders": orders,
                "copies": copies,
            }
        )
    return sorted(rows, key=lambda r: (-r["copies"], r["ags"]))
