"""A seeded volunteer placed with a campaign lead: both have a queued mail about it (for the mail tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.models import Assignment, CampaignLead, Contact, VolunteerOffer
from db.queries.contacts.consent import active_consent_filter
from services.matching import handover
from services.matching.run import run_matching
from tests.support.scopes import user_scope


@dataclass
class Placed:
    """The volunteer and the lead of an accepted assignment."""

    assignment_id: int
    contact_id: int
    email: str
    lead_email: str


def accepted_volunteer(s) -> Placed:
    """Run the matching, accept one proposal of a volunteer with an address and volunteering consent (commits)."""
    team = user_scope(s, "team")
    run_matching(s, team, date.today())
    a = s.scalars(
        select(Assignment)
        .join(VolunteerOffer, VolunteerOffer.id == Assignment.offer_id)
        .join(Contact, Contact.id == VolunteerOffer.contact_id)
        .join(CampaignLead, CampaignLead.id == Assignment.lead_id)
        .where(
            Assignment.status == "proposed",
            Contact.email != "",
            CampaignLead.contact_email != "",
            CampaignLead.contact_email != Contact.email,
            active_consent_filter("volunteering", None),
        )
        .order_by(Assignment.id)
    ).first()
    assert a is not None
    contact = s.get(Contact, s.get(VolunteerOffer, a.offer_id).contact_id)
    placed = Placed(a.id, contact.id, contact.email, s.get(CampaignLead, a.lead_id).contact_email)
    handover.accept(s, team, [a.id])
    return placed
