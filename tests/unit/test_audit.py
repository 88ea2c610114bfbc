"""Audit events hold ids and code words only (DESIGN §3.3)."""

from __future__ import annotations

import pytest

from services.core import audit
from services.core.scope import Scope


class FakeSession:
    """Collects added objects."""

    def __init__(self):
        self.added = []

    def add(self, obj):
        self.added.append(obj)


def test_record_fills_actor_and_object():
    s = FakeSession()
    ev = audit.record(
        s,
        Scope("admin", user_id=3, username="admin"),
        "user_created",
        "user",
        12,
        role="kreis",
        kv_id=5,
        ids=[1, 2],
        ok=True,
    )
    assert s.added == [ev]
    assert (ev.user_id, ev.username, ev.action, ev.object_type, ev.object_id) == (
        3,
        "admin",
        "user_created",
        "user",
        "12",
    )
    assert ev.details == {"role": "kreis", "kv_id": 5, "ids": [1, 2], "ok": True}


def test_anonymous_actor():
    ev = audit.record(FakeSession(), None, "login_failed", "user", None)
    assert ev.user_id is None and ev.username == "" and ev.object_id == ""


@pytest.mark.parametrize("value", ["Anna Müller", "anna@example.org", "x" * 65, {"a": 1}, b"raw"])
def test_personal_looking_details_are_refused(value):
    with pytest.raises(ValueError):
        audit.record(FakeSession(), None, "x", detail=value)


@pytest.mark.parametrize("value", ["Anna Müller", "anna@example.org", "x" * 65])
def test_personal_looking_object_id_is_refused(value):
    with pytest.raises(ValueError):
        audit.record(FakeSession(), None, "contact_opened", "contact", value)


def test_codes_as_object_id_are_fine():
    assert audit.record(FakeSession(), None, "map_plz_persons", "plz", "04109").object_id == "04109"
