"""Data-subject requests (GDPR Art. 15, 16, 17, 21): register, list with deadlines, close.

Admin only. Access exports live in services/dsr_access.py, erasure in services/dsr_erasure.py,
objection in services/dsr_objection.py; this module holds what they share.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Contact, DataSubjectRequest
from db.queries import privacy as q
from db.types import utcnow
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.formatting import BERLIN
from services.core import audit, validate
from services.core.scope import Scope, require_action

KINDS = {
    "access": "Auskunft (Art. 15)",
    "rectification": "Berichtigung (Art. 16)",
    "erasure": "Löschung (Art. 17)",
    "objection": "Widerspruch (Art. 21)",
}
STATUSES = {"open": "offen", "done": "erledigt", "rejected": "abgelehnt"}
MAX_NOTE = validate.field("dsr.note").limit


@dataclass(frozen=True)
class RequestRow:
    """One request as the list shows it."""

    id: int
    kind: str
    status: str
    contact_id: int | None
    person: str
    received_at: datetime
    deadline: date
    overdue: bool
    completed_at: datetime | None
    note: str


def berlin_date(value: datetime) -> date:
    """The calendar day of an aware (or naive UTC) datetime in Berlin."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BERLIN).date()


def add_month(day: date) -> date:
    """The same day one month later, or that month's last day (31 Jan → 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline(received_at: datetime) -> date:
    """Art. 12(3): answer within one month of receipt (the last day to answer)."""
    return add_month(berlin_date(received_at))


def is_overdue(received_at: datetime, status: str, today: date | None = None) -> bool:
    """Whether an open request is past its deadline."""
    today = today or berlin_date(utcnow())
    return status == "open" and today > deadline(received_at)


def _clean_note(note: str, required: bool = False, what: str = "eine Notiz") -> str:
    note = validate.text(note, "dsr.note")
    if required and not note:
        raise ValidationError(f"Bitte gib {what} an.")
    return note


def register_request(
    session: Session, scope: Scope, contact_id: int, kind: str, received_on: date | None = None, note: str = ""
) -> int:
    """Record a request for a contact (received today or on an earlier day); audited; returns its id."""
    require_action(scope, "privacy.requests")
    if kind not in KINDS:
        raise ValidationError("Bitte wähle die Art der Anfrage.")
    if contact_id is None or session.get(Contact, int(contact_id)) is None:
        raise NotFoundError("Bitte wähle die Person aus, die die Anfrage gestellt hat.")
    today = berlin_date(utcnow())
    received_on = received_on or today
    if received_on > today:
        raise ValidationError("Das Eingangsdatum darf nicht in der Zukunft liegen.")
    note = _clean_note(note)
    if q.open_request_of(session, int(contact_id), kind) is not None:
        raise ConflictError(f"Für diese Person ist schon eine offene Anfrage „{KINDS[kind]}“ erfasst.")
    # A past receipt day counts from that day's start in Berlin; today's from now.
    received_at = utcnow() if received_on == today else datetime.combine(received_on, time(), BERLIN)
    req = DataSubjectRequest(contact_id=int(contact_id), kind=kind, status="open", received_at=received_at, note=note)
    session.add(req)
    session.flush()
    audit.record(
        session, scope, "dsr_registered", "data_subject_request", req.id, contact_id=int(contact_id), kind=kind
    )
    session.commit()
    return req.id


def list_requests(session: Session, scope: Scope, status: str | None = "open") -> list[RequestRow]:
    """Requests (open, done, rejected or all with None), newest first, with deadline and overdue flag."""
    require_action(scope, "privacy.requests")
    if status is not None and status not in STATUSES:
        raise ValidationError("Unbekannter Status.")
    today = berlin_date(utcnow())
    out = []
    for req, first, last, plz in q.list_requests(session, status):
        person = (
            f"{last}, {first} ({plz})"
            if last is not None
            else ("– Person gelöscht –" if req.contact_id is None else "")
        )
        out.append(
            RequestRow(
                req.id,
                req.kind,
                req.status,
                req.contact_id,
                person,
                req.received_at,
                deadline(req.received_at),
                is_overdue(req.received_at, req.status, today),
                req.completed_at,
                req.note or "",
            )
        )
    return out


def load_open(session: Session, request_id: int, kind: str | None = None) -> DataSubjectRequest:
    """The open request (of kind), its person still stored; German errors otherwise."""
    req = session.get(DataSubjectRequest, int(request_id))
    if req is None:
        raise NotFoundError("Diese Anfrage gibt es nicht.")
    if req.status != "open":
        raise ConflictError(f"Diese Anfrage ist schon {STATUSES.get(req.status, req.status)}.")
    if kind is not None and req.kind != kind:
        raise ConflictError(f"Diese Anfrage ist eine {KINDS[req.kind]}, keine {KINDS[kind]}.")
    if req.contact_id is None:
        raise ConflictError("Die Person dieser Anfrage ist schon gelöscht.")
    return req


def close(session: Session, req: DataSubjectRequest, status: str, note: str | None = None) -> None:
    """Mark an open request done or rejected now, as the action's first write (the caller audits and commits).

    The status condition makes it atomic: of two admins acting at the same moment, the second
    gets a ConflictError and changes nothing.
    """
    values = {"status": status, "completed_at": utcnow()}
    if note:
        values["note"] = f"{req.note}\n{note}".strip() if req.note else note
    result = session.execute(
        update(DataSubjectRequest)
        .where(DataSubjectRequest.id == req.id, DataSubjectRequest.status == "open")
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        raise ConflictError(
            "Jemand hat diese Anfrage gerade bearbeitet. Bitte lade die Seite neu; es wurde nichts geändert."
        )


def complete_rectification(session: Session, scope: Scope, request_id: int, note: str) -> None:
    """Mark a rectification done with a note on what was corrected (editing happens on the contact)."""
    require_action(scope, "privacy.requests")
    note = _clean_note(note, required=True, what="an, was berichtigt wurde (ohne die Daten selbst)")
    req = load_open(session, request_id, "rectification")
    close(session, req, "done", note)
    audit.record(session, scope, "dsr_rectification_done", "data_subject_request", req.id, contact_id=req.contact_id)
    session.commit()


def reject_request(session: Session, scope: Scope, request_id: int, reason: str) -> None:
    """Reject a request (e.g. identity not shown) with a reason; audited."""
    require_action(scope, "privacy.requests")
    reason = _clean_note(reason, required=True, what="einen Grund")
    req = session.get(DataSubjectRequest, int(request_id))
    if req is None:
        raise NotFoundError("Diese Anfrage gibt es nicht.")
    if req.status != "open":
        raise ConflictError(f"Diese Anfrage ist schon {STATUSES.get(req.status, req.status)}.")
    close(session, req, "rejected", reason)
    audit.record(
        session, scope, "dsr_rejected", "data_subject_request", req.id, contact_id=req.contact_id, kind=req.kind
    )
    session.commit()
