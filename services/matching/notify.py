"""Mails about an assignment that is accepted, confirmed or cancelled, queued in the outbox.

The lead is always told (a service mail to the address the KV entered, naming the lead's contact
person when that is a Linksaktive:r); the volunteer only with an active `volunteering` consent
(DESIGN §2), which the sender checks again when the mail goes out. The lead's mail names the volunteer only when the
lead's KV may see the person (own KV or an explicit share).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Assignment, CampaignLead, Contact, Kreisverband, Plz, VolunteerOffer
from db.queries.matching import assignments as q
from domain.enums import SKILLS
from services.links.mail_links import own_links
from services.mail.outbox import enqueue, valid_address

# A proposal was never announced to anyone: only accepted assignments get mails when they end.
NOTIFIED_BEFORE = ("contacted", "confirmed")
SIGNATURE = "\n\nSolidarische Grüße\ndein Linksaktiv-Team\n"


def has_consent(session: Session, contact_id: int, purpose: str) -> bool:
    """Whether the contact has an active consent for purpose."""
    return q.has_active_consent(session, contact_id, purpose)


def lead_sees(session: Session, contact: Contact, lead: CampaignLead) -> bool:
    """Whether the lead's KV may see the volunteer (own KV or an active share)."""
    if contact.kv_id == lead.kv_id:
        return True
    return q.has_active_share(session, contact.id, lead.kv_id)


def _context(session: Session, a: Assignment, lead: CampaignLead) -> tuple[str, str, str]:
    """KV name, the lead's place (or PLZ) and the skill label that every assignment mail names."""
    place_row = session.get(Plz, lead.plz)
    return (
        session.get(Kreisverband, lead.kv_id).name,
        place_row.place if place_row is not None else lead.plz,
        SKILLS.get(a.skill, a.skill),
    )


def accepted_mails(session: Session, a: Assignment, contact: Contact, lead: CampaignLead, shared: bool) -> int:
    """Queue the mails to the lead and to the volunteer for an accepted proposal; returns the count."""
    kv, place, skill = _context(session, a, lead)
    queued = 0
    if valid_address(lead.contact_email):
        if shared:
            who = (
                f"{contact.first_name} {contact.last_name}\nE-Mail: {contact.email or '–'}\n"
                f"Telefon: {contact.phone or '–'}\n\nBitte melde dich bei ihr oder ihm."
            )
        else:
            who = (
                "Die Person hat der Weitergabe ihrer Daten noch nicht zugestimmt. Das Linksaktiv-Team "
                "fragt sie jetzt; sobald sie zustimmt, erscheint sie in deinem Cockpit."
            )
        body = (
            f"Hallo {lead.contact_name},\n\ndas Linksaktiv-Team hat eine Helferin / einen Helfer für "
            f"„{skill}“ an die Wahlkampfleitung {kv} vermittelt.\n\n{who}{SIGNATURE}"
        )
        enqueue(
            session,
            lead.contact_email,
            f"Neue Unterstützung für „{skill}“",
            body,
            "service",
            "assignment",
            a.id,
            contact_id=lead.contact_id,
        )
        queued += 1
    if valid_address(contact.email) and has_consent(session, contact.id, "volunteering"):
        ask = (
            "Die Wahlkampfleitung meldet sich bei dir."
            if shared
            else "Dürfen wir deinen Namen und deine Kontaktdaten an die Wahlkampfleitung weitergeben? "
            "Antworte einfach auf diese Mail."
        )
        body = (
            f"Hallo {contact.first_name},\n\ndanke für dein Angebot! Die Wahlkampfleitung {kv} "
            f"({place}) sucht Unterstützung für „{skill}“.\n\n{ask}{SIGNATURE}"
        ) + own_links(contact.id)
        enqueue(
            session,
            contact.email,
            f"Mithelfen: „{skill}“ in {kv}",
            body,
            "volunteering",
            "assignment",
            a.id,
            contact_id=contact.id,
        )
        queued += 1
    return queued


def _lead_body(a: Assignment, new_status: str, lead: CampaignLead, kv: str, skill: str, who: str) -> str:
    if new_status == "confirmed":
        text = f"die Vermittlung Nr. {a.id} für „{skill}“ an die Wahlkampfleitung {kv} ist bestätigt." + (
            f"\n\nDeine Unterstützung: {who}" if who else ""
        )
    else:
        text = (
            f"die Vermittlung Nr. {a.id} für „{skill}“ an die Wahlkampfleitung {kv} ist storniert"
            + (f" ({who})" if who else "")
            + ". Das Linksaktiv-Team sucht, wenn möglich, jemand anderen."
        )
    return f"Hallo {lead.contact_name},\n\n{text}{SIGNATURE}"


def _volunteer_body(new_status: str, contact: Contact, kv: str, place: str, skill: str) -> str:
    if new_status == "confirmed":
        text = (
            f"dein Einsatz für „{skill}“ bei der Wahlkampfleitung {kv} ({place}) ist bestätigt. "
            "Danke, dass du mithilfst!"
        )
    else:
        text = (
            f"dein Einsatz für „{skill}“ bei der Wahlkampfleitung {kv} ({place}) findet nicht statt; "
            "die Vermittlung ist storniert. Dein Hilfsangebot bleibt bestehen, solange du es nicht "
            "zurückziehst – wir melden uns, wenn es woanders passt."
        )
    return f"Hallo {contact.first_name},\n\n{text}{SIGNATURE}"


def status_mails(session: Session, a: Assignment, old_status: str, new_status: str, to_volunteer: bool = True) -> int:
    """Queue the mails for an assignment moved from old_status to confirmed or cancelled; returns the count."""
    if new_status not in ("confirmed", "cancelled") or old_status not in NOTIFIED_BEFORE:
        return 0
    lead = session.get(CampaignLead, a.lead_id)
    contact = session.get(Contact, session.get(VolunteerOffer, a.offer_id).contact_id)
    kv, place, skill = _context(session, a, lead)
    verb = "Bestätigt" if new_status == "confirmed" else "Storniert"
    queued = 0
    if valid_address(lead.contact_email):
        who = f"{contact.first_name} {contact.last_name}" if lead_sees(session, contact, lead) else ""
        enqueue(
            session,
            lead.contact_email,
            f"{verb}: Unterstützung für „{skill}“",
            _lead_body(a, new_status, lead, kv, skill, who),
            "service",
            "assignment",
            a.id,
            contact_id=lead.contact_id,
        )
        queued += 1
    if to_volunteer and valid_address(contact.email) and has_consent(session, contact.id, "volunteering"):
        enqueue(
            session,
            contact.email,
            f"{verb}: „{skill}“ in {kv}",
            _volunteer_body(new_status, contact, kv, place, skill) + own_links(contact.id),
            "volunteering",
            "assignment",
            a.id,
            contact_id=contact.id,
        )
        queued += 1
    return queued
