"""The solver's inputs read from the database: open offers and open leads of the scope's area."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.queries.matching import assignments as q
from services.core.scope import Scope
from services.matching.solver import Lead, Offer


def open_offers(session: Session, scope: Scope, today: date) -> list[Offer]:
    """Offers still looking for a place (not withdrawn, not over, unassigned, with consent) in scope."""
    return [Offer(**row) for row in q.open_offer_rows(session, scope, today)]


def open_leads(session: Session, scope: Scope, today: date) -> list[Lead]:
    """Active leads of the area whose period is not over, with their still open need per skill."""
    return [Lead(**row) for row in q.open_lead_rows(session, scope, today)]
