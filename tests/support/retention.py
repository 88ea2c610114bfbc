"""People for the retention tests: old contacts and the traces that keep (or do not keep) them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from db.models import (
    Activity,
    Assignment,
    CallDelivery,
    CallToAction,
    CampaignLead,
    Consent,
    Contact,
    DataSubjectRequest,
    DispatchOrder,
    Kreis,
    NewspaperEdition,
    Plz,
    VolunteerOffer,
)
from db.types import utcnow

NOW = utcnow()
OLD = NOW - timedelta(days=3 * 365)  # far beyond 24 months
STALE = NOW - timedelta(days=26 * 31)  # beyond 24 months, after OLD
RECENT = NOW - timedelta(days=60)

# Who is due after 24 months without activity and without active consent (see services/privacy/retention.py).
DUE = ("plain", "consent_withdrawn_long_ago", "old_activity", "old_order", "blocked")
NOT_DUE = (
    "active_consent",
    "consent_withdrawn_recently",
    "recent_activity",
    "recent_order",
    "recent_call",
    "offer_still_running",
    "member",
    "recently_active",
    "open_request",
    "new",
)


def place_in(session, ags: str) -> tuple[Plz, Kreis]:
    """A PLZ of the Kreis and the Kreis."""
    kreis = session.get(Kreis, ags)
    return session.scalars(select(Plz).where(Plz.kreis_ags == ags).order_by(Plz.plz)).first(), kreis


def old_contact(session, ags: str, label: str, *, created: datetime = OLD, status: str = "contact") -> int:
    """A contact created long ago in the Kreis, without anything else (flushed)."""
    place, kreis = place_in(session, ags)
    c = Contact(
        first_name="Aufbewahrung",
        last_name=label,
        email=f"{label}@retention.example.org",
        plz=place.plz,
        city=place.place,
        kreis_ags=kreis.ags,
        kv_id=kreis.kv_id,
        land_code=kreis.land_code,
        status=status,
        contact_since=created.date(),
        active_since=created.date() if status != "contact" else None,
        member_since=created.date() if status == "member" else None,
        source="infostand",
        created_at=created,
        updated_at=created,
    )
    session.add(c)
    session.flush()
    return c.id


def people(session, ags: str = "14713") -> dict[str, int]:
    """One contact per case of DUE and NOT_DUE in the Kreis (flushed); label → contact id."""
    ids = {label: old_contact(session, ags, label) for label in DUE + NOT_DUE if label not in ("member", "new")}
    ids["member"] = old_contact(session, ags, "member", status="member")
    ids["new"] = old_contact(session, ags, "new", created=RECENT)
    c = session.get(Contact, ids["recently_active"])
    c.status, c.active_since = "active", RECENT.date()
    place, kreis = place_in(session, ags)
    session.add_all(
        [
            Consent(
                contact_id=ids["consent_withdrawn_long_ago"],
                purpose="information",
                channel="email",
                granted_at=OLD,
                withdrawn_at=STALE,
            ),
            Consent(contact_id=ids["active_consent"], purpose="newspaper", channel="post", granted_at=OLD),
            Consent(
                contact_id=ids["consent_withdrawn_recently"],
                purpose="information",
                channel="email",
                granted_at=OLD,
                withdrawn_at=RECENT,
            ),
            Activity(contact_id=ids["old_activity"], kind="note", occurred_at=STALE, note="alt"),
            Activity(contact_id=ids["recent_activity"], kind="note", occurred_at=RECENT, note="neu"),
            DataSubjectRequest(contact_id=ids["open_request"], kind="access", received_at=RECENT),
        ]
    )
    edition = NewspaperEdition(title="Aufbewahrung-Test", edition_date=date(2020, 1, 1), copies_in_stock=100)
    call = CallToAction(title="Aufbewahrung-Test", region_level="national")
    session.add_all([edition, call])
    session.flush()
    for label, at, status in (("old_order", STALE, "delivered"), ("recent_order", RECENT, "delivered")):
        session.add(
            DispatchOrder(
                edition_id=edition.id,
                contact_id=ids[label],
                copies=1,
                ship_name="x",
                ship_street="x",
                ship_plz=place.plz,
                ship_city=place.place,
                kv_id=kreis.kv_id,
                land_code=kreis.land_code,
                status=status,
                requested_at=at,
                delivered_at=at,
            )
        )
    session.add(CallDelivery(call_id=call.id, contact_id=ids["recent_call"], sent_at=RECENT))
    session.add(
        VolunteerOffer(
            contact_id=ids["offer_still_running"],
            period_start=OLD.date(),
            period_end=(NOW + timedelta(days=90)).date(),
            created_at=OLD,
        )
    )
    # An old helper still confirmed for a lead: erasure waits until the assignment is cancelled.
    lead = CampaignLead(
        kv_id=kreis.kv_id,
        contact_name="Leitung",
        plz=place.plz,
        period_start=OLD.date(),
        period_end=STALE.date(),
        created_at=OLD,
    )
    offer = VolunteerOffer(contact_id=ids["blocked"], period_start=OLD.date(), period_end=OLD.date(), created_at=OLD)
    session.add_all([lead, offer])
    session.flush()
    session.add(
        Assignment(
            offer_id=offer.id,
            lead_id=lead.id,
            skill="infostand",
            status="confirmed",
            proposed_at=OLD,
            contacted_at=OLD,
            confirmed_at=OLD,
        )
    )
    session.flush()
    return ids
