"""Retention queries: who has had no activity and no active consent since a cutoff (privacy capability).

"Activity" is anything the person did or that happened with them (services/privacy/retention.py
explains it to users): being created; a step on the ladder (contact, active, member since); an
entry of the timeline; a newspaper order changing state; a call to action delivered or answered;
a volunteer offer made, withdrawn or still running; an assignment of an offer changing state; a
consent granted or withdrawn. Members are never due (membership, not consent, is their basis),
nor are people with an open data-subject request.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from db.models import (
    Activity,
    Assignment,
    CallDelivery,
    Consent,
    Contact,
    DataSubjectRequest,
    DispatchOrder,
    Kreisverband,
    Land,
    VolunteerOffer,
)
from db.scope import Scope, apply_area, apply_scope

_ORDER_TIMES = ("requested_at", "approved_at", "packed_at", "shipped_at", "delivered_at", "cancelled_at", "returned_at")
_ASSIGNMENT_TIMES = ("proposed_at", "contacted_at", "confirmed_at", "declined_at", "cancelled_at")


def _any_since(model, columns, since: datetime):
    return or_(*(getattr(model, col) >= since for col in columns))


def any_active_consent(contact=Contact):
    """EXISTS: for some purpose and channel, the contact's latest consent record is granted, not withdrawn.

    As db/queries/contacts/consent.active_consent_filter, for any purpose: a record not withdrawn
    with no withdrawn record of its purpose and channel after it.
    """
    c = aliased(Consent)
    later = aliased(Consent)
    same_channel = or_(later.channel == c.channel, and_(later.channel.is_(None), c.channel.is_(None)))
    withdrawn_after = exists(
        select(later.id).where(
            later.contact_id == c.contact_id,
            later.purpose == c.purpose,
            same_channel,
            later.withdrawn_at.is_not(None),
            or_(later.granted_at > c.granted_at, and_(later.granted_at == c.granted_at, later.id > c.id)),
        )
    )
    return exists(select(c.id).where(c.contact_id == contact.id, c.withdrawn_at.is_(None), ~withdrawn_after))


def due_filter(since: datetime):
    """WHERE clause over Contact: no activity since `since` (UTC), no active consent, no member, no open request."""
    day: date = since.date()
    offer = aliased(VolunteerOffer)
    return and_(
        Contact.created_at < since,
        Contact.status != "member",
        Contact.contact_since < day,
        or_(Contact.active_since.is_(None), Contact.active_since < day),
        or_(Contact.member_since.is_(None), Contact.member_since < day),
        ~exists(select(Activity.id).where(Activity.contact_id == Contact.id, Activity.occurred_at >= since)),
        ~exists(
            select(DispatchOrder.id).where(
                DispatchOrder.contact_id == Contact.id, _any_since(DispatchOrder, _ORDER_TIMES, since)
            )
        ),
        ~exists(
            select(CallDelivery.id).where(
                CallDelivery.contact_id == Contact.id,
                or_(CallDelivery.sent_at >= since, CallDelivery.responded_at >= since),
            )
        ),
        ~exists(
            select(VolunteerOffer.id).where(
                VolunteerOffer.contact_id == Contact.id,
                or_(
                    VolunteerOffer.created_at >= since,
                    VolunteerOffer.withdrawn_at >= since,
                    VolunteerOffer.period_end >= day,
                ),
            )
        ),
        ~exists(
            select(Assignment.id)
            .join(offer, offer.id == Assignment.offer_id)
            .where(offer.contact_id == Contact.id, _any_since(Assignment, _ASSIGNMENT_TIMES, since))
        ),
        ~exists(
            select(Consent.id).where(
                Consent.contact_id == Contact.id, or_(Consent.granted_at >= since, Consent.withdrawn_at >= since)
            )
        ),
        ~any_active_consent(),
        ~exists(
            select(DataSubjectRequest.id).where(
                DataSubjectRequest.contact_id == Contact.id, DataSubjectRequest.status == "open"
            )
        ),
    )


def due_people(
    session: Session, scope: Scope, since: datetime, kv_id: int | None = None, among: list[int] | None = None
) -> list[tuple[int, int]]:
    """(contact id, KV id) of everyone due in the scope's area (among these ids if given), longest known first.

    One pass over the old contacts (3-5 s at a million on this machine): callers count and list from it.
    """
    stmt = select(Contact.id, Contact.kv_id).where(due_filter(since)).order_by(Contact.created_at, Contact.id)
    if kv_id is not None:
        stmt = stmt.where(Contact.kv_id == kv_id)
    if among is not None:
        stmt = stmt.where(Contact.id.in_(among))
    return [(cid, kv) for cid, kv in session.execute(apply_area(stmt, scope, Contact.kv_id, Contact.land_code))]


def kv_labels(session: Session, kv_ids) -> list[tuple[int, str, str]]:
    """(KV id, KV name, Land name) of these KVs, by Land and KV name."""
    if not kv_ids:
        return []
    return [
        tuple(r)
        for r in session.execute(
            select(Kreisverband.id, Kreisverband.name, Land.name)
            .join(Land, Land.code == Kreisverband.land_code)
            .where(Kreisverband.id.in_(list(kv_ids)))
            .order_by(Land.name, Kreisverband.name)
        )
    ]


def contacts_by_ids(session: Session, scope: Scope, ids: list[int]) -> list[tuple]:
    """(id, first name, last name, PLZ, city, status, KV name, created_at) of these contacts, in the order of ids."""
    if not ids:
        return []
    stmt = (
        select(
            Contact.id,
            Contact.first_name,
            Contact.last_name,
            Contact.plz,
            Contact.city,
            Contact.status,
            Kreisverband.name,
            Contact.created_at,
        )
        .join(Kreisverband, Kreisverband.id == Contact.kv_id)
        .where(Contact.id.in_(ids))
    )
    rows = {r[0]: tuple(r) for r in session.execute(apply_scope(stmt, scope))}
    return [rows[i] for i in ids if i in rows]


def last_activity(session: Session, contact_ids: list[int]) -> dict[int, datetime]:
    """The latest time of any activity (as due_filter counts it) per contact id."""
    if not contact_ids:
        return {}
    ids = list(contact_ids)
    offer = aliased(VolunteerOffer)
    parts = [
        select(Contact.id.label("cid"), Contact.created_at.label("at")).where(Contact.id.in_(ids)),
        select(Activity.contact_id, func.max(Activity.occurred_at))
        .where(Activity.contact_id.in_(ids))
        .group_by(Activity.contact_id),
        select(CallDelivery.contact_id, func.max(CallDelivery.sent_at))
        .where(CallDelivery.contact_id.in_(ids))
        .group_by(CallDelivery.contact_id),
        select(CallDelivery.contact_id, func.max(CallDelivery.responded_at))
        .where(CallDelivery.contact_id.in_(ids))
        .group_by(CallDelivery.contact_id),
        select(Consent.contact_id, func.max(Consent.granted_at))
        .where(Consent.contact_id.in_(ids))
        .group_by(Consent.contact_id),
        select(Consent.contact_id, func.max(Consent.withdrawn_at))
        .where(Consent.contact_id.in_(ids))
        .group_by(Consent.contact_id),
        select(VolunteerOffer.contact_id, func.max(VolunteerOffer.created_at))
        .where(VolunteerOffer.contact_id.in_(ids))
        .group_by(VolunteerOffer.contact_id),
    ]
    parts += [
        select(DispatchOrder.contact_id, func.max(getattr(DispatchOrder, col)))
        .where(DispatchOrder.contact_id.in_(ids))
        .group_by(DispatchOrder.contact_id)
        for col in _ORDER_TIMES
    ]
    parts += [
        select(offer.contact_id, func.max(getattr(Assignment, col)))
        .join(offer, offer.id == Assignment.offer_id)
        .where(offer.contact_id.in_(ids))
        .group_by(offer.contact_id)
        for col in _ASSIGNMENT_TIMES
    ]
    u = union_all(*parts).subquery()
    rows = session.execute(select(u.c.cid, func.max(u.c.at)).where(u.c.at.is_not(None)).group_by(u.c.cid)).all()
    return dict(rows)
