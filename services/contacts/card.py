"""Contacts for the people who work with them: scoped search and the contact card (audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.queries.contacts import search as q
from domain.errors import NotFoundError
from services.core import audit, validate
from services.core.scope import Scope, require_persons

PAGE_SIZE = q.PAGE_SIZE
NOT_FOUND = "Diese:n Linksaktive:n gibt es nicht oder nicht in deinem Gebiet."


@dataclass(frozen=True)
class ContactRow:
    """One search hit."""

    id: int
    last_name: str
    first_name: str
    email: str
    plz: str
    city: str
    status: str


@dataclass(frozen=True)
class ConsentState:
    """The latest record of one purpose/channel and whether it is active now."""

    purpose: str
    channel: str | None
    active: bool
    granted_at: datetime
    withdrawn_at: datetime | None
    source: str
    evidence: str
    records: int


@dataclass(frozen=True)
class TimelineEntry:
    """One activity of the timeline."""

    occurred_at: datetime
    kind: str
    note: str


@dataclass(frozen=True)
class OrderEntry:
    """One newspaper dispatch order of the contact."""

    id: int
    edition: str
    copies: int
    status: str
    requested_at: datetime
    tracking_number: str


@dataclass(frozen=True)
class OfferEntry:
    """One volunteer offer of the contact."""

    id: int
    skills: list[str]
    period_start: date
    period_end: date
    hours_per_week: float
    travel_radius_km: float
    withdrawn_at: datetime | None


@dataclass
class ContactCard:
    """Everything the card shows about one contact."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    plz: str
    city: str
    kreis: str
    kreisverband: str
    land: str
    source: str
    status: str
    contact_since: date
    active_since: date | None
    member_since: date | None
    created_at: datetime
    updated_at: datetime
    topics: list[str] = field(default_factory=list)
    consents: list[ConsentState] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    orders: list[OrderEntry] = field(default_factory=list)
    offers: list[OfferEntry] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)


def search_contacts(session: Session, scope: Scope, query: str, page: int = 0) -> tuple[list[ContactRow], bool]:
    """One page (25) of contacts in scope matching a name, e-mail or PLZ prefix; rows and has_next."""
    require_persons(scope)
    rows, has_next = q.search(session, scope, validate.search(query), page, PAGE_SIZE)
    return [ContactRow(*r) for r in rows], has_next


def consent_states(records) -> list[ConsentState]:
    """Latest record per (purpose, channel) decides (DESIGN §2): active = granted and not withdrawn."""
    latest: dict[tuple, object] = {}
    counts: dict[tuple, int] = {}
    for rec in records:  # oldest first, so the last one seen is the latest
        key = (rec.purpose, rec.channel)
        counts[key] = counts.get(key, 0) + 1
        if key not in latest or (rec.granted_at, rec.id or 0) >= (latest[key].granted_at, latest[key].id or 0):
            latest[key] = rec
    out = [
        ConsentState(
            p, c, r.withdrawn_at is None, r.granted_at, r.withdrawn_at, r.source or "", r.evidence or "", counts[(p, c)]
        )
        for (p, c), r in latest.items()
    ]
    return sorted(out, key=lambda s: (s.purpose, s.channel or ""))


def open_contact(session: Session, scope: Scope, contact_id: int) -> ContactCard:
    """The card of a contact in scope; audited as contact_opened; NotFoundError otherwise (commits)."""
    card = load_card(session, scope, contact_id)
    audit.record(session, scope, "contact_opened", "contact", card.id)
    session.commit()
    return card


def load_card(session: Session, scope: Scope, contact_id: int) -> ContactCard:
    """The card of a contact in scope without an audit event (to redraw it after the user's own change)."""
    require_persons(scope)
    row = q.contact_in_scope(session, scope, contact_id)
    if row is None:
        # Same message for unknown and out-of-scope ids, so the scope does not leak.
        raise NotFoundError(NOT_FOUND)
    c, kreis, kv, land = row
    return ContactCard(
        id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        phone=c.phone,
        street=c.street,
        plz=c.plz,
        city=c.city,
        kreis=kreis,
        kreisverband=kv,
        land=land,
        source=c.source,
        status=c.status,
        contact_since=c.contact_since,
        active_since=c.active_since,
        member_since=c.member_since,
        created_at=c.created_at,
        updated_at=c.updated_at,
        topics=q.topics(session, c.id),
        consents=consent_states(q.consents(session, c.id)),
        timeline=[TimelineEntry(a.occurred_at, a.kind, a.note) for a in q.activities(session, c.id)],
        orders=[
            OrderEntry(o.id, title, o.copies, o.status, o.requested_at, o.tracking_number)
            for o, title in q.dispatch_orders(session, c.id)
        ],
        offers=[
            OfferEntry(o.id, skills, o.period_start, o.period_end, o.hours_per_week, o.travel_radius_km, o.withdrawn_at)
            for o, skills in q.volunteer_offers(session, c.id)
        ],
        shared_with=q.shared_with(session, c.id),
    )
