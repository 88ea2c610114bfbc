"""A person with a record in every table that can hold their data, for the data-subject request tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from db.models import (
    Activity,
    Assignment,
    CallDelivery,
    CallToAction,
    CampaignLead,
    Consent,
    Contact,
    ContactShare,
    ContactTopic,
    DispatchOrder,
    Kreis,
    Kreisverband,
    MailOutbox,
    NewspaperEdition,
    OfferSkill,
    Plz,
    VolunteerOffer,
)

FIRST, LAST = "Quirinella", "Zwetschkenbaum"
EMAIL, PHONE, STREET = "quirinella.zw@example.org", "+49 341 9876543", "Gänseblümchenweg 77"
IDENTIFYING = (FIRST, LAST, EMAIL, PHONE, STREET)
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


@dataclass
class Person:
    """Ids of what was created."""

    contact_id: int
    plz: str
    editions: list[int]
    orders: dict[str, int]
    offers: list[int]
    assignments: list[int]
    other_mail_id: int
    lead_id: int
    own_lead_id: int


def make_person(session, assignment_status: str = "proposed") -> Person:
    """Insert the person and related rows (flushed, not committed)."""
    place = session.scalars(select(Plz).order_by(Plz.plz)).first()
    kreis = session.get(Kreis, place.kreis_ags)
    other_kv = session.scalars(select(Kreisverband.id).where(Kreisverband.id != kreis.kv_id)).first()
    c = Contact(
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        street=STREET,
        plz=place.plz,
        city=place.place,
        kreis_ags=kreis.ags,
        kv_id=kreis.kv_id,
        land_code=kreis.land_code,
        status="active",
        contact_since=date(2024, 1, 5),
        active_since=date(2024, 2, 1),
        source="infostand",
    )
    session.add(c)
    session.flush()
    session.add_all([ContactTopic(contact_id=c.id, topic="miete"), ContactTopic(contact_id=c.id, topic="pflege")])
    session.add_all(
        [
            Consent(
                contact_id=c.id,
                purpose="information",
                channel="email",
                granted_at=T0,
                source="infostand",
                evidence=f"DOI an {EMAIL}",
            ),
            Consent(
                contact_id=c.id, purpose="newspaper", channel="post", granted_at=T0, withdrawn_at=T0 + timedelta(days=3)
            ),
            Consent(contact_id=c.id, purpose="newspaper", channel="post", granted_at=T0 + timedelta(days=9)),
            Consent(contact_id=c.id, purpose="volunteering", channel=None, granted_at=T0),
            Consent(contact_id=c.id, purpose="pass_to_branch", channel=None, granted_at=T0),
            Consent(
                contact_id=c.id,
                purpose="call_to_action",
                channel="sms",
                granted_at=T0,
                withdrawn_at=T0 + timedelta(days=1),
            ),
        ]
    )
    session.add_all(
        [
            Activity(contact_id=c.id, kind="infostand", occurred_at=T0, note=f"Gespräch mit {FIRST}"),
            Activity(contact_id=c.id, kind="note", occurred_at=T0 + timedelta(days=1), note="Ruft zurück"),
        ]
    )
    eds = [
        NewspaperEdition(
            title=f"DSR-Test {i}", edition_date=date(2001, 1, 1 + i), copies_in_stock=500, copies_per_bundle=10
        )
        for i in range(3)
    ]
    session.add_all(eds)
    session.flush()
    orders = {}
    for ed, status, copies in zip(eds, ("delivered", "requested", "approved"), (10, 20, 30)):
        o = DispatchOrder(
            edition_id=ed.id,
            contact_id=c.id,
            copies=copies,
            ship_name=f"{FIRST} {LAST}",
            ship_street=STREET,
            ship_plz=place.plz,
            ship_city=place.place,
            kv_id=kreis.kv_id,
            land_code=kreis.land_code,
            status=status,
            override_reason=f"{FIRST} ist gehbehindert",
            tracking_number="JJD0001" if status == "delivered" else "",
        )
        session.add(o)
        session.flush()
        orders[status] = o.id
    lead = CampaignLead(
        kv_id=other_kv,
        contact_name="Lea Leitung",
        contact_email="lea.leitung@example.org",
        plz=place.plz,
        period_start=date(2024, 1, 1),
        period_end=date(2030, 1, 1),
    )
    # She is also the contact person of another KV's campaign lead (found by her e-mail in another case).
    own_lead = CampaignLead(
        kv_id=kreis.kv_id,
        contact_name=f"{FIRST} {LAST}",
        contact_email=EMAIL.upper(),
        contact_phone=PHONE,
        plz=place.plz,
        period_start=date(2024, 1, 1),
        period_end=date(2030, 1, 1),
        note=f"{FIRST} hat einen Schlüssel fürs Büro",
    )
    session.add_all([lead, own_lead])
    session.flush()
    offers, assignments = [], []
    for _i, status in enumerate((assignment_status, "declined")):
        offer = VolunteerOffer(
            contact_id=c.id,
            period_start=date(2024, 1, 1),
            period_end=date(2030, 1, 1),
            note=f"Erreichbar unter {PHONE}",
        )
        session.add(offer)
        session.flush()
        session.add_all(
            [OfferSkill(offer_id=offer.id, skill="infostand"), OfferSkill(offer_id=offer.id, skill="verteilen")]
        )
        a = Assignment(offer_id=offer.id, lead_id=lead.id, skill="infostand", status=status)
        session.add(a)
        session.flush()
        offers.append(offer.id)
        assignments.append(a.id)
    session.add(ContactShare(contact_id=c.id, kv_id=other_kv, reason="volunteer_handover", ref_id=assignments[0]))
    call = CallToAction(title="DSR-Testaufruf", region_level="national")
    session.add(call)
    session.flush()
    session.add(CallDelivery(call_id=call.id, contact_id=c.id, channel="email", sent_at=T0))
    lead_body = f"Hallo Lea Leitung,\n\n{FIRST} {LAST}\nE-Mail: {EMAIL}\nTelefon: {PHONE}\n"
    other = MailOutbox(to_addr="jemand@example.org", subject="Anderes", body="Nichts über sie", purpose="service")
    session.add_all(
        [
            MailOutbox(
                to_addr=EMAIL,
                subject="Mithelfen",
                body=f"Hallo {FIRST},",
                purpose="volunteering",
                status="queued",
                ref_type="assignment",
                ref_id=assignments[0],
            ),
            MailOutbox(
                to_addr=EMAIL.upper(),
                subject="Info",
                body=f"Hallo {FIRST},",
                purpose="information",
                status="sent",
                sent_at=T0,
            ),
            MailOutbox(
                to_addr=EMAIL,
                subject="Info",
                body=f"Hallo {FIRST},",
                purpose="information",
                status="failed",
                last_error=f"550 <{EMAIL}>: user unknown",
            ),
            MailOutbox(
                to_addr="lea.leitung@example.org",
                subject="Neue Unterstützung",
                body=lead_body,
                purpose="service",
                status="sent",
                ref_type="assignment",
                ref_id=assignments[0],
                sent_at=T0,
            ),
            MailOutbox(
                to_addr="lea.leitung@example.org",
                subject="Storniert",
                body=lead_body,
                purpose="service",
                status="queued",
                ref_type="assignment",
                ref_id=assignments[0],
            ),
            other,
        ]
    )
    session.flush()
    return Person(c.id, place.plz, [e.id for e in eds], orders, offers, assignments, other.id, lead.id, own_lead.id)
