"""Scope rules with small fakes: which role reaches which contacts (DESIGN §3.1)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from db.models import Contact
from domain.errors import PermissionDenied
from services.core.scope import Scope, apply_area, apply_scope, may_see_contact, require_action, scope_for


@dataclass
class FakeUser:
    role: str
    kv_id: int | None = None
    land_code: str | None = None
    id: int = 7
    username: str = "u"


def _sql(stmt) -> str:
    return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_scope_for_keeps_only_the_relevant_area():
    assert scope_for(FakeUser("kreis", kv_id=3, land_code="14")) == Scope("kreis", 7, "u", 3, None)
    assert scope_for(FakeUser("land", kv_id=3, land_code="14")) == Scope("land", 7, "u", None, "14")
    assert scope_for(FakeUser("team", kv_id=3, land_code="14")) == Scope("team", 7, "u", None, None)
    assert scope_for(FakeUser("leitung")).sees_persons is False


@pytest.mark.parametrize("user", [FakeUser("kreis"), FakeUser("land")])
def test_area_roles_without_area_are_refused(user):
    with pytest.raises(PermissionDenied):
        scope_for(user)


def test_levels():
    assert [Scope(r).level for r in ("kreis", "land", "team", "admin", "leitung")] == [
        "kv",
        "land",
        "national",
        "national",
        "national",
    ]


# contact (kv, land, shared with kv)
CONTACTS = {1: (3, "14", ()), 2: (4, "14", (3,)), 3: (9, "11", ()), 4: (9, "11", (3,))}
EXPECTED = {
    Scope("kreis", kv_id=3): {1, 2, 4},
    Scope("kreis", kv_id=4): {2},
    Scope("land", land_code="14"): {1, 2},
    Scope("land", land_code="11"): {3, 4},
    Scope("team"): {1, 2, 3, 4},
    Scope("admin"): {1, 2, 3, 4},
}


@pytest.mark.parametrize("scope,expected", EXPECTED.items())
def test_may_see_contact_per_role(scope, expected):
    seen = {cid for cid, (kv, land, shared) in CONTACTS.items() if may_see_contact(scope, kv, land, shared)}
    assert seen == expected


def test_leitung_sees_no_person():
    assert not any(may_see_contact(Scope("leitung"), *c) for c in CONTACTS.values())
    with pytest.raises(PermissionDenied):
        apply_scope(select(Contact.id), Scope("leitung"))


def test_apply_scope_adds_the_right_filter():
    assert "contact.kv_id = 3" in _sql(apply_scope(select(Contact.id), Scope("kreis", kv_id=3)))
    assert "contact_share" in _sql(apply_scope(select(Contact.id), Scope("kreis", kv_id=3)))
    assert "contact.land_code = '14'" in _sql(apply_scope(select(Contact.id), Scope("land", land_code="14")))
    assert "WHERE" not in _sql(apply_scope(select(Contact.id), Scope("team")))


def test_apply_area_for_aggregates_includes_leitung():
    stmt = select(Contact.id)
    assert "WHERE" not in _sql(apply_area(stmt, Scope("leitung"), Contact.kv_id, Contact.land_code))
    assert "contact_share" not in _sql(apply_area(stmt, Scope("kreis", kv_id=3), Contact.kv_id, Contact.land_code))


def test_require_action_reads_the_role_table():
    require_action(Scope("admin"), "admin.users")
    with pytest.raises(PermissionDenied, match="Rolle"):
        require_action(Scope("team"), "admin.users")
