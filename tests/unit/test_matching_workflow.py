"""The assignment state machine, on a small fake assignment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from domain.errors import ConflictError
from services.matching.workflow import ACTIVE, TRANSITIONS, allowed, apply_transition, is_active

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


@dataclass
class FakeAssignment:
    status: str = "proposed"
    contacted_at: datetime | None = None
    confirmed_at: datetime | None = None
    declined_at: datetime | None = None
    cancelled_at: datetime | None = None


def test_happy_path_stamps_dates():
    a = FakeAssignment()
    apply_transition(a, "contacted", NOW)
    apply_transition(a, "confirmed", NOW)
    assert a.status == "confirmed" and a.contacted_at == NOW and a.confirmed_at == NOW
    apply_transition(a, "cancelled", NOW)
    assert a.status == "cancelled" and a.cancelled_at == NOW


@pytest.mark.parametrize("old", list(TRANSITIONS))
@pytest.mark.parametrize("new", list(TRANSITIONS))
def test_every_pair(old, new):
    a = FakeAssignment(status=old)
    if allowed(old, new):
        apply_transition(a, new, NOW)
        assert a.status == new
    else:
        with pytest.raises(ConflictError):
            apply_transition(a, new, NOW)
        assert a.status == old  # a refused step changes nothing


def test_final_states_and_activity():
    assert TRANSITIONS["declined"] == () and TRANSITIONS["cancelled"] == ()
    assert not allowed("proposed", "confirmed")  # nobody is confirmed without being asked
    assert [s for s in TRANSITIONS if is_active(s)] == list(ACTIVE)


def test_unknown_status_is_refused():
    with pytest.raises(ConflictError, match="Unbekannter Status"):
        apply_transition(FakeAssignment(), "done", NOW)
