"""The admin's audit log: filters by user, action and Berlin calendar day, pages, admin only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.models import AuditEvent
from domain.errors import PermissionDenied
from services.admin import audit_log
from tests.support.scopes import ADMIN, user_scope


def _event(session, at: datetime, username: str = "probe-user", action: str = "probe_action", obj: str = "1"):
    session.add(
        AuditEvent(at=at, username=username, action=action, object_type="contact", object_id=obj, details={"n": 1})
    )


@pytest.fixture
def probes(session):
    """Four events of one probe user: two on 10 March, one just after midnight Berlin time, one by someone else."""
    utc = UTC
    _event(session, datetime(2026, 3, 10, 8, 0, tzinfo=utc), obj="1")
    _event(session, datetime(2026, 3, 10, 12, 0, tzinfo=utc), obj="2")
    # 23:30 UTC on 10 March is 00:30 on 11 March in Berlin (CET): it belongs to the 11th.
    _event(session, datetime(2026, 3, 10, 23, 30, tzinfo=utc), obj="3")
    _event(session, datetime(2026, 3, 10, 9, 0, tzinfo=utc), username="other-user", obj="4")
    session.commit()
    return session


def test_filters_by_user_and_action_newest_first(probes):
    df, more = audit_log.list_events(probes, ADMIN, username="probe-user", action="probe_action")
    assert list(df.object_id) == ["3", "2", "1"] and not more
    assert set(df.username) == {"probe-user"}


def test_days_are_berlin_calendar_days(probes):
    day10, _ = audit_log.list_events(
        probes, ADMIN, username="probe-user", since=date(2026, 3, 10), until=date(2026, 3, 10)
    )
    day11, _ = audit_log.list_events(
        probes, ADMIN, username="probe-user", since=date(2026, 3, 11), until=date(2026, 3, 11)
    )
    assert list(day10.object_id) == ["2", "1"]
    assert list(day11.object_id) == ["3"]


def test_pages_through_the_log(probes):
    first, more = audit_log.list_events(probes, ADMIN, username="probe-user", page_size=2)
    second, more_after = audit_log.list_events(probes, ADMIN, username="probe-user", page=1, page_size=2)
    assert list(first.object_id) == ["3", "2"] and more
    assert list(second.object_id) == ["1"] and not more_after


def test_admin_only(probes):
    assert "probe_action" in audit_log.known_actions(probes, ADMIN)
    for name in ("team", "kv-leipzig", "leitung"):
        with pytest.raises(PermissionDenied):
            audit_log.list_events(probes, user_scope(probes, name))
        with pytest.raises(PermissionDenied):
            audit_log.known_actions(probes, user_scope(probes, name))
