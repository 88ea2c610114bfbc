"""Answers to a call to action: figures per response and Land, finding recipients, recording an answer."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from db.models import Activity
from db.queries import calls as q
from db.types import utcnow
from domain.errors import NotFoundError, ValidationError
from services.calls.workflow import load
from services.core import audit, validate
from services.core.scope import Scope, require_action

RESPONSES = {"accepted": "zugesagt", "declined": "abgesagt", "attended": "teilgenommen"}


def figures(session: Session, scope: Scope, call_id: int) -> tuple[dict[str, int], pd.DataFrame]:
    """Deliveries in the user's area: counts by response ('' = no answer yet) and a table by Land."""
    load(session, scope, call_id)
    by_response, rows = q.delivery_figures(session, scope, call_id)
    if rows.empty:
        return by_response, pd.DataFrame(columns=["Land", "erreicht", *RESPONSES.values()])
    table = rows.pivot_table(index="Land", columns="response", values="n", aggfunc="sum", fill_value=0)
    out = pd.DataFrame({"erreicht": table.sum(axis=1)})
    for code, label in RESPONSES.items():
        out[label] = table.get(code, 0)
    return by_response, out.reset_index().sort_values("erreicht", ascending=False)


def find_recipients(session: Session, scope: Scope, call_id: int, search: str) -> list[tuple]:
    """Up to 50 recipients of the call in the user's area matching search: (delivery id, label, response)."""
    load(session, scope, call_id)
    return [
        (did, f"{first} {last} · {email} · {plz}", response)
        for did, first, last, email, plz, response, _ in q.find_deliveries(
            session, scope, call_id, validate.search(search)
        )
    ]


def record_response(
    session: Session, scope: Scope, delivery_id: int, response: str, now: datetime | None = None
) -> None:
    """Record what a recipient answered (or '' to clear it); on the timeline and audited."""
    if response and response not in RESPONSES:
        raise ValidationError("Unbekannte Antwort.")
    require_action(scope, "calls.write")
    delivery = q.delivery_in_scope(session, scope, delivery_id)
    if delivery is None:
        raise NotFoundError("Diese Empfängerin / diesen Empfänger gibt es nicht (oder nicht in deinem Gebiet).")
    call = load(session, scope, delivery.call_id)
    apply_response(session, scope, delivery, call, response, now)
    session.commit()


def apply_response(session: Session, actor, delivery, call, response: str, now: datetime | None = None) -> None:
    """Set a delivery's response ('' clears it), add the timeline entry and the audit event (no commit).

    Shared by staff recording an answer and by the person's own answer link (services.links.answers).
    """
    delivery.response = response
    delivery.responded_at = (now or utcnow()) if response else None
    note = f"{RESPONSES[response]}: {call.title}" if response else f"Antwort zurückgenommen: {call.title}"
    session.add(
        Activity(
            contact_id=delivery.contact_id,
            kind="call_to_action",
            note=note,
            ref_type="call_to_action",
            ref_id=call.id,
            user_id=getattr(actor, "user_id", None),
        )
    )
    audit.record(session, actor, "call_response", "call_delivery", delivery.id, response=response)
