"""Helpers for the tests of a person's traces: a scan of every text cell, a volunteer with mails and a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, String, Text, cast, func, select

from db.models import Assignment, Base, CampaignLead, Kreisverband, MailOutbox, Plz, VolunteerOffer
from services.calls import workflow as calls
from services.contacts import edit
from services.contacts.rules import ConsentInput, ContactInput
from services.matching import handover
from services.matching import leads as lead_service

FIRST, LAST = "Zwiebeline", "Quendelbrunn"
OLD_EMAIL, NEW_EMAIL = "zwiebeline.alt@example.org", "zwiebeline.neu@example.org"


def cells_containing(session, value: str) -> list[tuple[str, str]]:
    """(table, column) of every text or JSON cell that contains value, case-insensitive, over all tables."""
    found = []
    for table in Base.metadata.sorted_tables:
        for col in (c for c in table.c if isinstance(c.type, (String, Text, JSON))):
            expr = cast(col, Text) if isinstance(col.type, JSON) else col
            n = session.scalar(select(func.count()).select_from(table).where(func.lower(expr).contains(value.lower())))
            if n:
                found.append((table.name, col.name))
    return found


def _consent(purpose: str, channel: str | None) -> ConsentInput:
    return ConsentInput(purpose, channel, "infostand", "Unterschrift auf der Infostand-Liste")


@dataclass
class Volunteer:
    """Ids of a person who got mails under an address she later changed."""

    contact_id: int
    assignment_id: int
    own_lead_id: int
    call_id: int


def volunteer_with_mails(session, team) -> Volunteer:
    """A person (old address) who is the contact of her KV's campaign lead, was placed with another KV's lead
    (mails to both sides, one already sent, then cancelled) and got a call to action; not yet moved."""
    place = session.scalars(select(Plz).where(Plz.kreis_ags.is_not(None)).order_by(Plz.plz)).first()
    person = edit.create_contact(
        session,
        team,
        ContactInput(
            FIRST,
            LAST,
            email=OLD_EMAIL,
            street="Holunderweg 3",
            plz=place.plz,
            topics=("miete",),
            consents=(
                _consent("call_to_action", "email"),
                _consent("volunteering", None),
                _consent("pass_to_branch", None),
            ),
        ),
    )
    cid = person.id
    own_kv = edit.load(session, team, cid).kv_id
    other_kv = session.scalars(
        select(Kreisverband.id).where(Kreisverband.id != own_kv).order_by(Kreisverband.id)
    ).first()
    period = (date(2020, 1, 1), date(2040, 1, 1))
    own_lead_id = lead_service.save_lead(
        session,
        team,
        lead_service.LeadInput(
            own_kv, f"{FIRST} {LAST}", place.plz, *period, {"infostand": 1}, contact_email=OLD_EMAIL
        ),
    )
    other_lead_id = lead_service.save_lead(
        session,
        team,
        lead_service.LeadInput(
            other_kv, "Lea Leitung", place.plz, *period, {"infostand": 1}, contact_email="lea.leitung@example.org"
        ),
    )
    offer = VolunteerOffer(contact_id=cid, period_start=period[0], period_end=period[1])
    session.add(offer)
    session.flush()
    a = Assignment(offer_id=offer.id, lead_id=other_lead_id, skill="infostand", status="proposed")
    session.add(a)
    session.commit()
    handover.accept(session, team, [a.id])  # mails to the lead (with her address) and to her
    for m in _mails_of_assignment(session, a.id):
        m.status = "sent"  # as the sender would have done
    session.commit()
    handover.set_status(session, team, [a.id], "cancelled")  # queued: the cancel mails
    call_id = calls.create_call(
        session, team, calls.CallForm("Mietendemo Holunderweg", "Komm!", "online", ("miete",), "kv", kv_id=own_kv)
    )
    calls.send(session, team, call_id, calls.preview(session, team, call_id).recipients)
    return Volunteer(cid, a.id, own_lead_id, call_id)


def _mails_of_assignment(session, assignment_id: int):
    return session.scalars(
        select(MailOutbox).where(MailOutbox.ref_type == "assignment", MailOutbox.ref_id == assignment_id)
    ).all()


def move_to_new_address(session, team, contact_id: int) -> None:
    """The person's e-mail address changes (the master-data form)."""
    c = edit.load(session, team, contact_id)
    edit.update_master(
        session,
        team,
        contact_id,
        ContactInput(c.first_name, c.last_name, email=NEW_EMAIL, street=c.street, plz=c.plz, city=c.city),
    )


def lead_of(session, lead_id: int) -> CampaignLead:
    """The lead row, fresh from the database."""
    lead = session.get(CampaignLead, lead_id)
    session.refresh(lead)
    return lead
