"""Queries behind the helper matching: open offers and needs, leads, assignments, counts per Kreis."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from db.models import (
    Assignment,
    CampaignLead,
    Contact,
    ContactShare,
    ContactTopic,
    Kreis,
    Kreisverband,
    LeadNeed,
    OfferSkill,
    Plz,
    VolunteerOffer,
)
from db.queries.contacts.consent import active_consent_filter
from db.scope import Scope, apply_area, apply_scope
from domain.enums import ACTIVE_ASSIGNMENT_STATUSES as ACTIVE


def leads_in_area(scope: Scope):
    """Select of campaign_lead ids inside the scope's area (kreis: its KV, land: its LV)."""
    stmt = select(CampaignLead.id).join(Kreisverband, Kreisverband.id == CampaignLead.kv_id)
    return apply_area(stmt, scope, CampaignLead.kv_id, Kreisverband.land_code)


def offers_in_scope(scope: Scope):
    """Select of volunteer_offer ids whose volunteer the scope may see (persons only)."""
    return apply_scope(select(VolunteerOffer.id).join(Contact, Contact.id == VolunteerOffer.contact_id), scope)


def _has_active_assignment():
    return exists(select(Assignment.id).where(Assignment.offer_id == VolunteerOffer.id, Assignment.status.in_(ACTIVE)))


def open_offer_rows(session: Session, scope: Scope, today: date) -> list[dict]:
    """Offers still looking for a place: not withdrawn, period not over, no active assignment, consent.

    Each row has the fields of the solver's Offer (services.matching.solver).
    """
    base = apply_scope(
        select(
            VolunteerOffer.id,
            VolunteerOffer.contact_id,
            VolunteerOffer.travel_radius_km,
            VolunteerOffer.period_start,
            VolunteerOffer.period_end,
            VolunteerOffer.availability,
            Plz.lat,
            Plz.lon,
        )
        .join(Contact, Contact.id == VolunteerOffer.contact_id)
        .join(Plz, Plz.plz == Contact.plz)
        .where(
            VolunteerOffer.withdrawn_at.is_(None),
            VolunteerOffer.period_end >= today,
            active_consent_filter("volunteering", None),
            ~_has_active_assignment(),
        ),
        scope,
    )
    rows = session.execute(base).all()
    ids = select(base.subquery().c.id)
    skills, topics = defaultdict(set), defaultdict(set)
    for oid, skill in session.execute(
        select(OfferSkill.offer_id, OfferSkill.skill).where(OfferSkill.offer_id.in_(ids))
    ):
        skills[oid].add(skill)
    topic_q = (
        select(VolunteerOffer.id, ContactTopic.topic)
        .join(ContactTopic, ContactTopic.contact_id == VolunteerOffer.contact_id)
        .where(VolunteerOffer.id.in_(ids))
    )
    for oid, topic in session.execute(topic_q):
        topics[oid].add(topic)
    return [
        dict(
            id=r.id,
            lat=r.lat,
            lon=r.lon,
            radius_km=r.travel_radius_km,
            skills=frozenset(skills[r.id]),
            start=r.period_start,
            end=r.period_end,
            availability=frozenset(a for a in (r.availability or "").split(",") if a),
            topics=frozenset(topics[r.id]),
        )
        for r in rows
    ]


def active_counts(session: Session, lead_ids=None) -> dict[tuple[int, str, str], int]:
    """Assignments per (lead, skill, status), all statuses."""
    stmt = select(Assignment.lead_id, Assignment.skill, Assignment.status, func.count()).group_by(
        Assignment.lead_id, Assignment.skill, Assignment.status
    )
    if lead_ids is not None:
        stmt = stmt.where(Assignment.lead_id.in_(lead_ids))
    return {(lid, sk, st): n for lid, sk, st, n in session.execute(stmt)}


def taken_counts(session: Session, lead_ids) -> dict[tuple[int, str], int]:
    """Active assignments (proposed, contacted, confirmed) per (lead, skill): the part of a need already met."""
    taken: dict[tuple[int, str], int] = defaultdict(int)
    for (lid, skill, status), n in active_counts(session, lead_ids).items():
        if status in ACTIVE:
            taken[(lid, skill)] += n
    return taken


def open_lead_rows(session: Session, scope: Scope, today: date) -> list[dict]:
    """Active leads in the area whose period is not over, with need minus active assignments.

    Each row has the fields of the solver's Lead (services.matching.solver).
    """
    area = leads_in_area(scope)
    rows = session.execute(
        select(
            CampaignLead.id, CampaignLead.period_start, CampaignLead.period_end, CampaignLead.topics, Plz.lat, Plz.lon
        )
        .join(Plz, Plz.plz == CampaignLead.plz)
        .where(CampaignLead.id.in_(area), CampaignLead.active.is_(True), CampaignLead.period_end >= today)
    ).all()
    needs = defaultdict(dict)
    for lid, skill, n in session.execute(
        select(LeadNeed.lead_id, LeadNeed.skill, LeadNeed.needed).where(LeadNeed.lead_id.in_(area))
    ):
        needs[lid][skill] = n
    taken = taken_counts(session, area)
    return [
        dict(
            id=r.id,
            lat=r.lat,
            lon=r.lon,
            start=r.period_start,
            end=r.period_end,
            open_needs={s: max(n - taken[(r.id, s)], 0) for s, n in needs[r.id].items()},
            topics=frozenset(t for t in (r.topics or "").split(",") if t),
        )
        for r in rows
    ]


def declined_pairs(session: Session) -> frozenset[tuple[int, int]]:
    """(offer, lead) pairs declined once: the matching never proposes them again."""
    stmt = select(Assignment.offer_id, Assignment.lead_id).where(Assignment.status == "declined").distinct()
    return frozenset((o, ld) for o, ld in session.execute(stmt))


def assignments_frame(session: Session, scope: Scope, statuses=None, lead_id: int | None = None) -> pd.DataFrame:
    """Assignments of leads in the area (ids, lead, KV, skill, status, fit, km, reason, dates)."""
    stmt = (
        select(
            Assignment.id,
            Assignment.offer_id,
            VolunteerOffer.contact_id,
            Assignment.lead_id,
            Kreisverband.name.label("kv"),
            CampaignLead.plz.label("lead_plz"),
            Assignment.skill,
            Assignment.status,
            Assignment.score,
            Assignment.distance_km,
            Assignment.reason,
            Assignment.manual,
            Assignment.proposed_at,
            Assignment.contacted_at,
            Assignment.confirmed_at,
        )
        .join(CampaignLead, CampaignLead.id == Assignment.lead_id)
        .join(Kreisverband, Kreisverband.id == CampaignLead.kv_id)
        .join(VolunteerOffer, VolunteerOffer.id == Assignment.offer_id)
        .where(Assignment.lead_id.in_(leads_in_area(scope)))
        .order_by(Assignment.lead_id, Assignment.id)
    )
    if statuses:
        stmt = stmt.where(Assignment.status.in_(statuses))
    if lead_id is not None:
        stmt = stmt.where(Assignment.lead_id == lead_id)
    return pd.read_sql(stmt, session.connection())


def visible_people(session: Session, scope: Scope, contact_ids) -> dict[int, tuple[str, str, str]]:
    """Name, email, phone of those contacts the scope may see (own area or shared to its KV)."""
    ids = [int(i) for i in contact_ids]
    if not ids:
        return {}
    stmt = apply_scope(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.email, Contact.phone).where(
            Contact.id.in_(ids)
        ),
        scope,
    )
    return {r.id: (f"{r.first_name} {r.last_name}", r.email, r.phone) for r in session.execute(stmt)}


def open_by_kreis(session: Session, scope: Scope, today: date, keep_empty: bool = False) -> pd.DataFrame:
    """Per Kreis: helpers still needed by open leads and open offers (counts only, area-wide).

    keep_empty keeps Kreise without either, so a map of the area has every Kreis.
    """
    leads = open_lead_rows(session, scope, today)
    need_rows = session.execute(
        select(CampaignLead.id, Plz.kreis_ags)
        .join(Plz, Plz.plz == CampaignLead.plz)
        .where(CampaignLead.id.in_([ld["id"] for ld in leads]))
    ).all()
    kreis_of = dict(need_rows)
    needs = defaultdict(int)
    for ld in leads:
        needs[kreis_of[ld["id"]]] += sum(ld["open_needs"].values())
    offer_stmt = apply_area(
        select(Contact.kreis_ags, func.count())
        .select_from(VolunteerOffer)
        .join(Contact, Contact.id == VolunteerOffer.contact_id)
        .where(
            VolunteerOffer.withdrawn_at.is_(None),
            VolunteerOffer.period_end >= today,
            active_consent_filter("volunteering", None),
            ~_has_active_assignment(),
        )
        .group_by(Contact.kreis_ags),
        scope,
        Contact.kv_id,
        Contact.land_code,
    )
    offers = dict(session.execute(offer_stmt).all())
    kreise = apply_area(
        select(Kreis.ags, Kreis.name, Kreis.land_code, Kreis.lat, Kreis.lon).join(
            Kreisverband, Kreisverband.id == Kreis.kv_id
        ),
        scope,
        Kreis.kv_id,
        Kreis.land_code,
    )
    df = pd.read_sql(kreise, session.connection())
    df["offene_bedarfe"] = df["ags"].map(needs).fillna(0).astype(int)
    df["offene_angebote"] = df["ags"].map(offers).fillna(0).astype(int)
    if keep_empty:
        return df.sort_values("ags").reset_index(drop=True)
    return df[(df.offene_bedarfe > 0) | (df.offene_angebote > 0)].reset_index(drop=True)


def kv_names_in_area(session: Session, scope: Scope) -> dict[int, str]:
    """Id → name of the KVs in the scope's area (kreis: its own; land: its LV; team: all), by name."""
    stmt = apply_area(
        select(Kreisverband.id, Kreisverband.name), scope, Kreisverband.id, Kreisverband.land_code
    ).order_by(Kreisverband.name)
    return dict(session.execute(stmt).all())


def leads_by_kv_name(session: Session, scope: Scope) -> list[CampaignLead]:
    """The campaign leads (ORM rows) in the scope's area, by KV name, then id."""
    stmt = (
        select(CampaignLead)
        .join(Kreisverband, Kreisverband.id == CampaignLead.kv_id)
        .where(CampaignLead.id.in_(leads_in_area(scope)))
        .order_by(Kreisverband.name, CampaignLead.id)
    )
    return list(session.scalars(stmt))


def lead_in_area(session: Session, scope: Scope, lead_id: int) -> CampaignLead | None:
    """The lead (ORM row) when it lies in the scope's area, else None."""
    return session.scalar(
        select(CampaignLead).where(CampaignLead.id == lead_id, CampaignLead.id.in_(leads_in_area(scope)))
    )


def same_lead_id(session: Session, kv_id: int, contact_name: str, period_start: date, period_end: date) -> int | None:
    """Id of a lead of the KV with this contact person and exactly this period, or None."""
    return session.scalar(
        select(CampaignLead.id).where(
            CampaignLead.kv_id == kv_id,
            CampaignLead.contact_name == contact_name,
            CampaignLead.period_start == period_start,
            CampaignLead.period_end == period_end,
        )
    )


def assignments_in_scope(session: Session, scope: Scope, ids) -> list[Assignment]:
    """Assignments (ORM rows) by id whose lead is in the area and whose volunteer the scope sees, by id."""
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.id.in_(ids),
                Assignment.lead_id.in_(leads_in_area(scope)),
                Assignment.offer_id.in_(offers_in_scope(scope)),
            )
            .order_by(Assignment.id)
        )
    )


def has_active_consent(session: Session, contact_id: int, purpose: str) -> bool:
    """Whether the contact's latest consent for purpose (no channel) is active."""
    return (
        session.scalar(select(Contact.id).where(Contact.id == contact_id, active_consent_filter(purpose, None)))
        is not None
    )


def has_active_share(session: Session, contact_id: int, kv_id: int) -> bool:
    """Whether an unrevoked ContactShare lets the KV see the contact."""
    return (
        session.scalar(
            select(ContactShare.id).where(
                ContactShare.contact_id == contact_id, ContactShare.kv_id == kv_id, ContactShare.revoked_at.is_(None)
            )
        )
        is not None
    )


def delete_stale_proposals(session: Session, scope: Scope) -> int:
    """Delete the unanswered machine proposals in the scope; returns how many rows went."""
    stale = (
        delete(Assignment)
        .where(
            Assignment.status == "proposed",
            Assignment.manual.is_(False),
            Assignment.lead_id.in_(leads_in_area(scope)),
            Assignment.offer_id.in_(offers_in_scope(scope)),
        )
        .execution_options(synchronize_session=False)
    )
    return session.execute(stale).rowcount or 0
