"""Who in the user's area has a right to the newspaper free by post, and ordering for several at once.

The list uses the batch rules (db.queries.newspaper.batch_select: no office in reach, active
consent for the newspaper by post, a complete postal address, no open order for the edition),
within the user's scope: a KV sees its own people, a Land its Land, the team everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db.queries import newspaper as q
from db.queries.newspaper import BatchFilter
from domain.errors import ConflictError, NotFoundError, ValidationError
from services.core import audit
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.newspaper.eligibility import assess
from services.newspaper.orders import _available, _copies, load_facts, place_order

# One step orders for at most this many people: each is checked once more under the lock.
MAX_PEOPLE = 500


@dataclass(frozen=True)
class FreeList:
    """The people of the area with a right to free shipping: how many, and the first MAX_PEOPLE by name."""

    count: int
    people: pd.DataFrame


def free_list(session: Session, scope: Scope, edition_id: int, reach_km: float) -> FreeList:
    """The people of the user's area that qualify for a free newspaper of the edition now."""
    require_action(scope, "newspaper.order")
    get_settings().reach.check(reach_km)
    flt = BatchFilter(reach_km=reach_km)
    return FreeList(
        count=q.batch_count(session, scope, edition_id, flt),
        people=q.eligible_frame(session, scope, edition_id, flt, MAX_PEOPLE),
    )


def order_for(session: Session, scope: Scope, edition_id: int, contact_ids, bundles: int, reach_km: float) -> int:
    """Order the edition for each chosen person through the single-order path, all or none; audited.

    Every person is checked again under the edition's lock (scope, consent, address, reach, no
    open order): when one no longer qualifies or the stock is short, nothing is ordered.
    """
    require_action(scope, "newspaper.order")
    get_settings().reach.check(reach_km)
    ids = sorted({int(i) for i in contact_ids})
    if not ids:
        raise ValidationError("Bitte wähle mindestens eine Person aus.")
    if len(ids) > MAX_PEOPLE:
        raise ValidationError(f"Bitte bestelle in einem Schritt für höchstens {MAX_PEOPLE} Personen.")
    edition = q.lock_edition(session, edition_id)  # first statement: stock and orders are counted under the lock
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    copies = _copies(edition, bundles)
    facts, refused = [], 0
    for cid in ids:
        f = load_facts(session, scope, cid, edition_id)
        verdict = assess(f, reach_km)
        if verdict.missing or verdict.office_in_reach:
            refused += 1
        facts.append(f)
    if refused:
        raise ConflictError(
            f"{refused} der gewählten Personen haben keinen Anspruch mehr (inzwischen bestellt, Einwilligung "
            "oder Adresse geändert). Es wurde nichts bestellt; bitte prüfe die aktuelle Liste."
        )
    available = _available(session, edition)
    if copies * len(ids) > available:
        raise ConflictError(
            f"Nicht genug Bestand: {available} Exemplare frei, {copies * len(ids)} nötig. Es wurde nichts bestellt."
        )
    made = [place_order(session, scope, edition, f, copies) for f in facts]
    audit.record(session, scope, "newspaper_free_list_order", "newspaper_edition", edition_id, orders=len(made))
    session.commit()
    return len(made)
