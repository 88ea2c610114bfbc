"""Queries for data-subject requests (GDPR Art. 15–21): the request list and everything about one person.

Only the admin reaches these (services/dsr*.py check the role); they read one person by id, so
there is no area scope to apply.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    Assignment,
    AuditEvent,
    CallDelivery,
    CallToAction,
    CampaignLead,
    Contact,
    ContactShare,
    DataSubjectRequest,
    DispatchOrder,
    Kreis,
    Kreisverband,
    Land,
    MailOutbox,
    NewspaperEdition,
    OfferSkill,
    VolunteerOffer,
)
from domain.enums import ACTIVE_ASSIGNMENT_STATUSES


def list_requests(session: Session, status: str | None = None) -> list[tuple]:
    """(request, first_name, last_name, plz) rows, newest first; names are None once erased."""
    stmt = (
        select(DataSubjectRequest, Contact.first_name, Contact.last_name, Contact.plz)
        .outerjoin(Contact, Contact.id == DataSubjectRequest.contact_id)
        .order_by(DataSubjectRequest.received_at.desc(), DataSubjectRequest.id.desc())
    )
    if status:
        stmt = stmt.where(DataSubjectRequest.status == status)
    return [tuple(r) for r in session.execute(stmt).all()]


def open_request_of(session: Session, contact_id: int, kind: str) -> int | None:
    """The id of an open request of this kind for the contact, if any."""
    return session.scalar(
        select(DataSubjectRequest.id).where(
            DataSubjectRequest.contact_id == contact_id,
            DataSubjectRequest.kind == kind,
            DataSubjectRequest.status == "open",
        )
    )


def contact_with_places(session: Session, contact_id: int):
    """(contact, Kreis name, KV name, Land name) or None."""
    stmt = (
        select(Contact, Kreis.name, Kreisverband.name, Land.name)
        .join(Kreis, Kreis.ags == Contact.kreis_ags)
        .join(Kreisverband, Kreisverband.id == Contact.kv_id)
        .join(Land, Land.code == Contact.land_code)
        .where(Contact.id == contact_id)
    )
    return session.execute(stmt).first()


def activities(session: Session, contact_id: int) -> list[Activity]:
    """The whole timeline (no limit), oldest first."""
    return list(
        session.scalars(
            select(Activity).where(Activity.contact_id == contact_id).order_by(Activity.occurred_at, Activity.id)
        )
    )


def dispatch_orders(session: Session, contact_id: int) -> list[tuple]:
    """(order, edition title) of the contact, oldest first."""
    stmt = (
        select(DispatchOrder, NewspaperEdition.title)
        .join(NewspaperEdition, NewspaperEdition.id == DispatchOrder.edition_id)
        .where(DispatchOrder.contact_id == contact_id)
        .order_by(DispatchOrder.requested_at, DispatchOrder.id)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def offers(session: Session, contact_id: int) -> list[VolunteerOffer]:
    """Every volunteer offer of the contact, oldest first."""
    return list(
        session.scalars(
            select(VolunteerOffer)
            .where(VolunteerOffer.contact_id == contact_id)
            .order_by(VolunteerOffer.created_at, VolunteerOffer.id)
        )
    )


def offer_skills(session: Session, offer_ids: list[int]) -> dict[int, list[str]]:
    """Skill codes per offer id."""
    out: dict[int, list[str]] = {}
    if offer_ids:
        for oid, skill in session.execute(
            select(OfferSkill.offer_id, OfferSkill.skill)
            .where(OfferSkill.offer_id.in_(offer_ids))
            .order_by(OfferSkill.skill)
        ):
            out.setdefault(oid, []).append(skill)
    return out


def assignments(session: Session, contact_id: int) -> list[tuple]:
    """(assignment, lead KV name) for every offer of the contact, oldest first."""
    stmt = (
        select(Assignment, Kreisverband.name)
        .join(VolunteerOffer, VolunteerOffer.id == Assignment.offer_id)
        .join(CampaignLead, CampaignLead.id == Assignment.lead_id)
        .join(Kreisverband, Kreisverband.id == CampaignLead.kv_id)
        .where(VolunteerOffer.contact_id == contact_id)
        .order_by(Assignment.proposed_at, Assignment.id)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def shares(session: Session, contact_id: int) -> list[tuple]:
    """(share, KV name) of the contact, oldest first."""
    stmt = (
        select(ContactShare, Kreisverband.name)
        .join(Kreisverband, Kreisverband.id == ContactShare.kv_id)
        .where(ContactShare.contact_id == contact_id)
        .order_by(ContactShare.granted_at, ContactShare.id)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def call_deliveries(session: Session, contact_id: int) -> list[tuple]:
    """(delivery, call title) of the contact, oldest first."""
    stmt = (
        select(CallDelivery, CallToAction.title)
        .join(CallToAction, CallToAction.id == CallDelivery.call_id)
        .where(CallDelivery.contact_id == contact_id)
        .order_by(CallDelivery.sent_at, CallDelivery.id)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def leads_with_contact(session: Session, contact_id: int, email: str, phone: str) -> list[CampaignLead]:
    """Campaign leads that name the person as their contact: linked by id; a lead not linked to anyone is
    also found by the person's current e-mail (any case) or phone (rows from before the link, DESIGN §3.6)."""
    conds = []
    if (email or "").strip():
        conds.append(func.lower(CampaignLead.contact_email) == email.strip().lower())
    if (phone or "").strip():
        conds.append(CampaignLead.contact_phone == phone.strip())
    found = CampaignLead.contact_id == contact_id
    if conds:
        found = or_(found, CampaignLead.contact_id.is_(None) & or_(*conds))
    return list(session.scalars(select(CampaignLead).where(found).order_by(CampaignLead.id)))


def contact_id_by_keys(session: Session, email_key: str, phone_key: str) -> int | None:
    """The person with this normalised e-mail, else with this E.164 phone (the lowest id, which a merge
    keeps); None when nobody has either. Not scoped: the id links a record, it is shown to no one."""
    for column, key in ((Contact.email_key, email_key), (Contact.phone_key, phone_key)):
        if key:
            found = session.scalar(select(func.min(Contact.id)).where(column == key))
            if found is not None:
                return found
    return None


def requests_of(session: Session, contact_id: int) -> list[DataSubjectRequest]:
    """The contact's data-subject requests, oldest first."""
    return list(
        session.scalars(
            select(DataSubjectRequest)
            .where(DataSubjectRequest.contact_id == contact_id)
            .order_by(DataSubjectRequest.received_at, DataSubjectRequest.id)
        )
    )


def mail_filter(contact_id: int, email: str, assignment_ids: list[int]):
    """WHERE clause: mails to the person (by id, whatever the address was; mails that name nobody also by the
    current address, rows from before the link), or about one of their assignments (to the lead)."""
    conds = [MailOutbox.contact_id == contact_id]
    if email.strip():
        conds.append(
            MailOutbox.contact_id.is_(None) & (func.lower(func.trim(MailOutbox.to_addr)) == email.strip().lower())
        )
    if assignment_ids:
        conds.append((MailOutbox.ref_type == "assignment") & MailOutbox.ref_id.in_(assignment_ids))
    return or_(*conds)


def mails(session: Session, contact_id: int, email: str, assignment_ids: list[int]) -> list[MailOutbox]:
    """Mails to or about the person, oldest first."""
    cond = mail_filter(contact_id, email, assignment_ids)
    return list(session.scalars(select(MailOutbox).where(cond).order_by(MailOutbox.created_at, MailOutbox.id)))


def order_ids_in_status(session: Session, contact_id: int, statuses) -> list[int]:
    """Ids of the contact's dispatch orders in one of statuses."""
    return list(
        session.scalars(
            select(DispatchOrder.id).where(DispatchOrder.contact_id == contact_id, DispatchOrder.status.in_(statuses))
        )
    )


def _open_offer_of(contact_id: int):
    return (VolunteerOffer.contact_id == contact_id) & VolunteerOffer.withdrawn_at.is_(None)


def open_offer_ids(session: Session, contact_id: int) -> list[int]:
    """Ids of the contact's offers not withdrawn."""
    return list(session.scalars(select(VolunteerOffer.id).where(_open_offer_of(contact_id))))


def open_offers(session: Session, contact_id: int) -> list[VolunteerOffer]:
    """The contact's offers not withdrawn (ORM rows)."""
    return list(session.scalars(select(VolunteerOffer).where(_open_offer_of(contact_id))))


def active_assignment_ids(session: Session, offer_ids: list[int]) -> list[int]:
    """Ids of the active assignments (proposed, contacted, confirmed) of these offers."""
    if not offer_ids:
        return []
    return list(
        session.scalars(
            select(Assignment.id).where(
                Assignment.offer_id.in_(offer_ids), Assignment.status.in_(ACTIVE_ASSIGNMENT_STATUSES)
            )
        )
    )


def access_exported(session: Session, request_id: int) -> bool:
    """Whether an access export was made for the request (its audit event exists)."""
    return (
        session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.object_type == "data_subject_request",
                AuditEvent.object_id == str(request_id),
                AuditEvent.action == "dsr_access_exported",
            )
            .limit(1)
        )
        is not None
    )
