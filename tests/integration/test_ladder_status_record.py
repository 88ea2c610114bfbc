"""Every path that moves a person on the ladder writes the one status record: a status_change in the timeline
with its date, who did it (user_id) and from which step (the note); the ladder reads the dates it set."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Activity, Contact, DuplicateCandidate
from domain.formatting import format_date
from services.contacts import duplicates
from services.contacts.care import step_status
from services.contacts.rules import today_berlin
from tests.support.scopes import kv_of, user_scope


def _status_changes(session, contact_id: int) -> list[Activity]:
    stmt = select(Activity).where(Activity.contact_id == contact_id, Activity.kind == "status_change")
    return list(session.scalars(stmt.order_by(Activity.id)))


def _contacts_of(session, ags: str, status: str) -> list[Contact]:
    stmt = select(Contact).where(Contact.kv_id == kv_of(session, ags), Contact.status == status).order_by(Contact.id)
    return list(session.scalars(stmt.limit(2)))


def test_the_contact_card_records_who_and_from_which_step(session):
    scope = user_scope(session, "kv-leipzig")
    person = _contacts_of(session, "14713", "contact")[0]
    before = len(_status_changes(session, person.id))
    active, member = today_berlin() - timedelta(days=30), today_berlin() - timedelta(days=10)
    step_status(session, scope, person.id, "active", active)
    step_status(session, scope, person.id, "member", member)
    records = _status_changes(session, person.id)[before:]
    assert [(r.user_id, r.note) for r in records] == [
        (scope.user_id, f"Kontakt → Aktiv, seit {format_date(active)}"),  # dated back: the note says when
        (scope.user_id, f"Aktiv → Mitglied, seit {format_date(member)}"),
    ]
    assert all(r.occurred_at is not None for r in records)
    session.refresh(person)
    assert (person.active_since, person.member_since) == (active, member)


def test_a_merge_that_raises_the_step_records_it(session):
    scope = user_scope(session, "team")
    keep = _contacts_of(session, "14713", "contact")[0]
    # A member with a higher id: the older record (the contact) survives and rises to the member's step.
    gone = session.scalar(
        select(Contact)
        .where(Contact.kv_id == keep.kv_id, Contact.status == "member", Contact.id > keep.id)
        .order_by(Contact.id)
        .limit(1)
    )
    cand = DuplicateCandidate(
        contact_a=keep.id, contact_b=gone.id, kv_id=keep.kv_id, land_code="14", score=0.9, agreeing=["plz"]
    )
    session.add(cand)
    session.flush()
    keep_id, gone_id = keep.id, gone.id
    before = {a.id for a in _status_changes(session, keep_id)}
    assert duplicates.merge(session, scope, cand.id) == keep_id
    new = [a for a in _status_changes(session, keep_id) if a.id not in before and a.ref_id == gone_id]
    assert len(new) == 1
    assert new[0].user_id == scope.user_id and new[0].ref_type == "contact"
    assert new[0].note == f"Kontakt → Mitglied (Zusammenführung mit Nr. {gone_id})"
    assert session.get(Contact, keep_id).status == "member"
