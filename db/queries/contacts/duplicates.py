"""Queries of the duplicate review: the queue in scope, filing pairs, and moving a person's traces on a merge."""

from __future__ import annotations

from sqlalchemy import delete, exists, func, insert, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from db.models import (
    Activity,
    CallDelivery,
    CampaignLead,
    Consent,
    Contact,
    ContactShare,
    ContactTopic,
    DataSubjectRequest,
    DispatchOrder,
    DuplicateCandidate,
    Kreisverband,
    MailOutbox,
    VolunteerOffer,
)
from db.scope import Scope, apply_area, apply_scope
from db.types import utcnow

A, B = aliased(Contact, name="a"), aliased(Contact, name="b")


def _in_scope(stmt, scope: Scope):
    # Both people of a pair must be visible: a pair is never shown half.
    return apply_scope(apply_scope(stmt, scope, A), scope, B)


def open_pairs(session: Session, scope: Scope, limit: int, kv_id: int | None = None) -> list[tuple]:
    """Open candidates in scope, best score first: (candidate, contact a, contact b)."""
    stmt = (
        select(DuplicateCandidate, A, B)
        .join(A, A.id == DuplicateCandidate.contact_a)
        .join(B, B.id == DuplicateCandidate.contact_b)
        .where(DuplicateCandidate.status == "open")
    )
    if kv_id is not None:
        stmt = stmt.where(DuplicateCandidate.kv_id == kv_id)
    stmt = _in_scope(stmt, scope).order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id).limit(limit)
    return [tuple(row) for row in session.execute(stmt).all()]


def open_count(session: Session, scope: Scope) -> int:
    """How many open candidates the scope sees."""
    stmt = (
        select(func.count())
        .select_from(DuplicateCandidate)
        .join(A, A.id == DuplicateCandidate.contact_a)
        .join(B, B.id == DuplicateCandidate.contact_b)
        .where(DuplicateCandidate.status == "open")
    )
    return int(session.scalar(_in_scope(stmt, scope)) or 0)


def kvs_in_area(session: Session, scope: Scope) -> list[tuple[int, str, str]]:
    """(id, name, land code) of the KVs in the scope's area (kreis: its own; land: its Land; else all), by name."""
    stmt = apply_area(
        select(Kreisverband.id, Kreisverband.name, Kreisverband.land_code),
        scope,
        Kreisverband.id,
        Kreisverband.land_code,
    ).order_by(Kreisverband.name)
    return [tuple(row) for row in session.execute(stmt).all()]


def candidates_for_update(session: Session, scope: Scope, ids: list[int]) -> list[tuple]:
    """The open candidates with these ids that the scope sees fully, with both contacts, locked for the change."""
    stmt = (
        select(DuplicateCandidate, A, B)
        .join(A, A.id == DuplicateCandidate.contact_a)
        .join(B, B.id == DuplicateCandidate.contact_b)
        .where(DuplicateCandidate.id.in_(ids), DuplicateCandidate.status == "open")
    )
    stmt = _in_scope(stmt, scope).order_by(DuplicateCandidate.id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=DuplicateCandidate)
    return [tuple(row) for row in session.execute(stmt).all()]


def known_pairs(session: Session, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (a, b) pairs (a < b) are already filed, open or decided: they are never filed again."""
    found: set[tuple[int, int]] = set()
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        rows = session.execute(
            select(DuplicateCandidate.contact_a, DuplicateCandidate.contact_b).where(
                tuple_(DuplicateCandidate.contact_a, DuplicateCandidate.contact_b).in_(chunk)
            )
        )
        found.update((int(a), int(b)) for a, b in rows)
    return found


def move_traces(session: Session, survivor: int, merged: int) -> dict[str, int]:
    """Move every row that names the merged person to the survivor; rows the survivor has already are joined.

    Topics are a set; a call reached the person once (the answer given is kept); an edition is ordered
    once per person (the merged person's open order for an edition the survivor has one of is cancelled).
    """
    moved = {}
    mine = select(ContactTopic.topic).where(ContactTopic.contact_id == survivor)
    session.execute(delete(ContactTopic).where(ContactTopic.contact_id == merged, ContactTopic.topic.in_(mine)))
    moved["topics"] = session.execute(
        update(ContactTopic).where(ContactTopic.contact_id == merged).values(contact_id=survivor)
    ).rowcount
    for model, key in (
        (Consent, "consents"),
        (Activity, "activities"),
        (ContactShare, "shares"),
        (DataSubjectRequest, "requests"),
        (VolunteerOffer, "offers"),
        (MailOutbox, "mails"),
        (CampaignLead, "leads"),
    ):
        moved[key] = session.execute(
            update(model).where(model.contact_id == merged).values(contact_id=survivor)
        ).rowcount
    moved["deliveries"] = _move_deliveries(session, survivor, merged)
    moved["orders"] = _move_orders(session, survivor, merged)
    return moved


def _move_deliveries(session: Session, survivor: int, merged: int) -> int:
    theirs = aliased(CallDelivery)
    same_call = select(theirs).where(theirs.contact_id == survivor, theirs.call_id == CallDelivery.call_id)
    # Where both got the same call, the survivor's delivery takes the merged person's answer if it had none.
    for call_id, response, responded_at in session.execute(
        select(CallDelivery.call_id, CallDelivery.response, CallDelivery.responded_at).where(
            CallDelivery.contact_id == merged, CallDelivery.response != "", exists(same_call)
        )
    ).all():
        session.execute(
            update(CallDelivery)
            .where(CallDelivery.contact_id == survivor, CallDelivery.call_id == call_id, CallDelivery.response == "")
            .values(response=response, responded_at=responded_at)
        )
    session.execute(delete(CallDelivery).where(CallDelivery.contact_id == merged, exists(same_call)))
    return session.execute(
        update(CallDelivery).where(CallDelivery.contact_id == merged).values(contact_id=survivor)
    ).rowcount


def _move_orders(session: Session, survivor: int, merged: int) -> int:
    theirs = aliased(DispatchOrder)
    open_same = select(theirs.id).where(
        theirs.contact_id == survivor, theirs.edition_id == DispatchOrder.edition_id, theirs.status != "cancelled"
    )
    session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.contact_id == merged, DispatchOrder.status != "cancelled", exists(open_same))
        .values(
            status="cancelled",
            cancelled_at=utcnow(),
            override_reason="Storniert bei der Zusammenführung doppelter Einträge",
        )
    )
    return session.execute(
        update(DispatchOrder).where(DispatchOrder.contact_id == merged).values(contact_id=survivor)
    ).rowcount


def repoint_candidates(session: Session, survivor: int, merged: int) -> None:
    """Other open pairs of the merged person now name the survivor (pairs that would repeat one are dropped)."""
    rows = session.scalars(
        select(DuplicateCandidate).where(
            DuplicateCandidate.status == "open",
            (DuplicateCandidate.contact_a == merged) | (DuplicateCandidate.contact_b == merged),
        )
    ).all()
    others = [c.contact_b if c.contact_a == merged else c.contact_a for c in rows]
    # Each other person appears in one pair only, so the pairs already filed are asked for once.
    known = known_pairs(session, [(min(o, survivor), max(o, survivor)) for o in others if o != survivor])
    for cand, other in zip(rows, others):
        pair = (min(other, survivor), max(other, survivor))
        if other == survivor or pair in known:
            session.delete(cand)
        else:
            cand.contact_a, cand.contact_b = pair
    session.flush()


def insert_candidates(session: Session, rows: list[dict]) -> None:
    """File pairs in bulk (executemany; a big import files thousands at once)."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(DuplicateCandidate), rows[start : start + 5000])
