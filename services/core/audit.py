"""Audit events (DESIGN §3.3): append-only, ids and action names only."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from db.models import AuditEvent

# Details may hold ids, numbers and code words; anything that looks like a personal value
# (spaces, @, long text) is refused so that erasing a person never needs to touch the audit.
_SAFE_STR = re.compile(r"^[A-Za-z0-9_.:\-/]{0,64}$")


def _check(value, key: str):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if not _SAFE_STR.match(value):
            raise ValueError(f"audit detail {key!r} looks like a personal value")
        return value
    if isinstance(value, (list, tuple, set)):
        return [_check(v, key) for v in value]
    raise ValueError(f"audit detail {key!r} has unsupported type {type(value).__name__}")


def record(session: Session, actor, action: str, object_type: str = "", object_id="", **details) -> AuditEvent:
    """Add an audit event to the session (committed with the action it describes)."""
    # The object id is checked like the details: a name or an e-mail there would survive an erasure.
    object_id = _check("" if object_id is None else str(object_id), "object_id")
    event = AuditEvent(
        user_id=getattr(actor, "user_id", None),
        username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        details={k: _check(v, k) for k, v in details.items()},
    )
    session.add(event)
    return event
