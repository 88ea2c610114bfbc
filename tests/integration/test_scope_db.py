"""For every role exactly which contacts are visible (DESIGN §3.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Contact, ContactShare
from domain.errors import NotFoundError, PermissionDenied
from services.contacts.card import open_contact, search_contacts
from services.core.scope import apply_scope
from tests.support.scopes import kv_of, user_scope


def visible_ids(session, scope) -> set[int]:
    return set(session.scalars(apply_scope(select(Contact.id), scope)))


def ids_where(session, *conds) -> set[int]:
    return set(session.scalars(select(Contact.id).where(*conds)))


def test_admin_and_team_see_all(session):
    everyone = ids_where(session)
    assert len(everyone) == 2000
    for name in ("admin", "team"):
        assert visible_ids(session, user_scope(session, name)) == everyone


def test_land_sees_exactly_its_land(session):
    assert visible_ids(session, user_scope(session, "lv-sachsen")) == ids_where(session, Contact.land_code == "14")


def test_kreis_sees_exactly_its_kv(session):
    for name, ags in (("kv-leipzig", "14713"), ("kv-goerlitz", "14626")):
        expected = ids_where(session, Contact.kv_id == kv_of(session, ags))
        assert expected
        assert visible_ids(session, user_scope(session, name)) == expected


def test_kreis_sees_explicitly_shared_contacts_only_while_shared(session):
    leipzig = user_scope(session, "kv-leipzig")
    outsider = session.scalar(select(Contact.id).where(Contact.land_code != "14").order_by(Contact.id))
    assert outsider not in visible_ids(session, leipzig)
    share = ContactShare(contact_id=outsider, kv_id=leipzig.kv_id, reason="volunteer_handover")
    session.add(share)
    session.flush()
    assert outsider in visible_ids(session, leipzig)
    assert outsider not in visible_ids(session, user_scope(session, "kv-goerlitz"))
    from db.types import utcnow

    share.revoked_at = utcnow()
    session.flush()
    assert outsider not in visible_ids(session, leipzig)


def test_leitung_gets_no_person(session):
    leitung = user_scope(session, "leitung")
    with pytest.raises(PermissionDenied):
        visible_ids(session, leitung)
    with pytest.raises(PermissionDenied):
        search_contacts(session, leitung, "", 0)
    any_id = session.scalar(select(Contact.id))
    with pytest.raises(PermissionDenied):
        open_contact(session, leitung, any_id)


def test_search_and_card_respect_scope(session):
    goerlitz = user_scope(session, "kv-goerlitz")
    leipzig_contact = session.scalar(select(Contact.id).where(Contact.kv_id == kv_of(session, "14713")))
    with pytest.raises(NotFoundError) as out_of_scope:
        open_contact(session, goerlitz, leipzig_contact)
    with pytest.raises(NotFoundError) as unknown:
        open_contact(session, goerlitz, 10**9)
    assert str(out_of_scope.value) == str(unknown.value)
    page, _ = search_contacts(session, goerlitz, "", 0)
    assert {r.id for r in page} <= ids_where(session, Contact.kv_id == goerlitz.kv_id)
