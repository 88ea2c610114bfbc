"""Reading the audit log (admin): filter by user, action and date range, page by page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from db.queries.admin import audit_log as q
from domain.formatting import BERLIN
from services.core import validate
from services.core.scope import Scope, require_action

PAGE_SIZE = 50


def _berlin_day_start(day: date) -> datetime:
    # The admin picks Berlin calendar days; the log stores UTC.
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def list_events(
    session: Session,
    scope: Scope,
    username: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> tuple[pd.DataFrame, bool]:
    """One page of audit events, newest first (admin only): columns at, username, action, object, details."""
    require_action(scope, "admin.audit")
    rows = q.events(
        session,
        validate.search(username),
        action,
        since=_berlin_day_start(since) if since else None,
        before=_berlin_day_start(until + timedelta(days=1)) if until else None,
        offset=max(page, 0) * page_size,
        limit=page_size + 1,
    )
    df = pd.DataFrame(rows[:page_size], columns=["at", "username", "action", "object_type", "object_id", "details"])
    return df, len(rows) > page_size


def known_actions(session: Session, scope: Scope) -> list[str]:
    """The action names present in the log, sorted (for the filter)."""
    require_action(scope, "admin.audit")
    return q.action_names(session)
