"""The assignment state machine: proposed → contacted → confirmed, or declined / cancelled."""

from __future__ import annotations

from datetime import datetime

from domain.enums import ACTIVE_ASSIGNMENT_STATUSES, ASSIGNMENT_STATUSES
from domain.errors import ConflictError

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("contacted", "declined", "cancelled"),
    "contacted": ("confirmed", "declined", "cancelled"),
    "confirmed": ("cancelled",),
    "declined": (),
    "cancelled": (),
}
ACTIVE = ACTIVE_ASSIGNMENT_STATUSES
DATE_FIELD = {
    "contacted": "contacted_at",
    "confirmed": "confirmed_at",
    "declined": "declined_at",
    "cancelled": "cancelled_at",
}


def allowed(old: str, new: str) -> bool:
    """Whether the status may change from old to new."""
    return new in TRANSITIONS.get(old, ())


def check_transition(old: str, new: str) -> None:
    """ConflictError (German) unless old → new is a step of the workflow."""
    if new not in ASSIGNMENT_STATUSES:
        raise ConflictError(f"Unbekannter Status „{new}“.")
    if not allowed(old, new):
        raise ConflictError(
            f"Eine Vermittlung im Status „{ASSIGNMENT_STATUSES.get(old, old)}“ kann nicht "
            f"auf „{ASSIGNMENT_STATUSES[new]}“ gesetzt werden."
        )


def apply_transition(assignment, new: str, now: datetime) -> None:
    """Move one assignment (any object with status and *_at fields) to new, stamping the date."""
    check_transition(assignment.status, new)
    assignment.status = new
    setattr(assignment, DATE_FIELD[new], now)


def is_active(status: str) -> bool:
    """Whether an assignment in this status still binds the offer and the lead's slot."""
    return status in ACTIVE
