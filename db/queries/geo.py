"""Reference geodata in the database: the Kreis of a PLZ, and moving a PLZ to another Kreis."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Contact, Kreis, Plz
from db.queries.common import generation


def plz_kreise(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The stored Kreis (AGS) of each of these PLZ that the database knows."""
    return dict(session.execute(select(Plz.plz, Plz.kreis_ags).where(Plz.plz.in_(list(codes)))).all())


def move_plz(session: Session, plz: str, kreis: Kreis) -> int:
    """Put a PLZ into another Kreis, and with it the Kreis, KV and Land of everybody living there.

    Returns how many contacts moved.
    """
    session.execute(update(Plz).where(Plz.plz == plz).values(kreis_ags=kreis.ags))
    generation.renew(session, "structure")  # cached PLZ places and per-area figures are outdated
    result = session.execute(
        update(Contact)
        .where(Contact.plz == plz, Contact.kreis_ags != kreis.ags)
        .values(kreis_ags=kreis.ags, kv_id=kreis.kv_id, land_code=kreis.land_code)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
