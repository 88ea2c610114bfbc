"""Read queries on contacts: scoped, paged search and the parts of a contact card.

Every query here goes through db.scope.apply_scope (DESIGN §3.1).
"""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    Consent,
    Contact,
    ContactShare,
    ContactTopic,
    DispatchOrder,
    Kreis,
    Kreisverband,
    Land,
    NewspaperEdition,
    OfferSkill,
    VolunteerOffer,
)
from db.queries.common.plans import UNINDEXED_CONTACT
from db.scope import Scope, apply_scope

PAGE_SIZE = 25
SEARCH_COLUMNS = ("id", "last_name", "first_name", "email", "plz", "city", "status")
_PLZ_PREFIX = re.compile(r"^\d{1,5}$")


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _next_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with prefix (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _sort_key(session: Session, column):
    # The expressions of the migration's indexes: PG (lower(x) COLLATE "C", id), SQLite (x COLLATE NOCASE, id).
    return func.lower(column).collate("C") if _is_pg(session) else column.collate("NOCASE")


def _order_key(session: Session, filtered: bool):
    """ORDER BY key: the indexed expression without a filter; with one, the same order unindexed.

    Walking the sort index and filtering is fast only when hits are dense; for a search the
    planners otherwise walk a million rows to find 26 rare names. Filtering first (prefix range,
    PLZ, trigram) and sorting the few hits is fast in both cases.
    """
    if not filtered:
        return _sort_key(session, Contact.last_name)
    if _is_pg(session):
        return (func.lower(Contact.last_name) + literal("")).collate("C")
    return (Contact.last_name + literal("")).collate("NOCASE")


def _prefix(session: Session, column, text: str):
    """column starts with text, case-insensitive, written as a range so the sort index serves it."""
    key = _sort_key(session, column)
    variants = {text.lower()}
    if not _is_pg(session) and not text.isascii():
        # SQLite folds only ASCII case: also try the capitalised spelling of umlauts (Ö, Ü, ...).
        variants.add(text[:1].upper() + text[1:].lower())
    return or_(*(and_(key >= v, key < _next_prefix(v)) for v in sorted(variants)))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _normalized(query: str) -> str:
    """The search text with commas as spaces and single spaces between its words."""
    return " ".join((query or "").replace(",", " ").split())


def search_filter(session: Session, query: str):
    """The WHERE clause for a search text: PLZ prefix, e-mail prefix or name prefix(es)."""
    q = _normalized(query)
    if not q:
        return None
    if _PLZ_PREFIX.fullmatch(q):
        # A range, not LIKE: SQLite's LIKE is case-insensitive and would skip the binary plz index.
        return and_(Contact.plz >= q, Contact.plz < _next_prefix(q))
    if "@" in q:
        return _prefix(session, Contact.email, q)
    words = q.split(" ")
    cond = _name_filter(session, words)
    longest = max(words, key=len)
    if _is_pg(session) and len(longest) >= 3:
        # Implied by the prefixes; lets PostgreSQL pre-filter with the trigram index.
        haystack = func.lower(Contact.first_name + literal(" ") + Contact.last_name + literal(" ") + Contact.email)
        cond = and_(haystack.like("%" + _like_escape(longest.lower()) + "%", escape="\\"), cond)
    return cond


def _selective(query: str) -> bool:
    """Whether a search text narrows a million contacts to a few thousand at most: a PLZ or e-mail
    prefix of three characters or more, or names of which every word has three letters or more."""
    return min(len(w) for w in _normalized(query).split(" ")) >= 3


def _name_filter(session: Session, words: list[str]):
    """Prefix(es) on last and first name: one word matches either, two words both (any order)."""
    q = " ".join(words)
    if len(words) >= 2:
        first, last = words[0], " ".join(words[1:])
        # "Anna Müller" or "Müller Anna": both prefixes must match, in either order.
        return or_(
            and_(_prefix(session, Contact.first_name, first), _prefix(session, Contact.last_name, last)),
            and_(
                _prefix(session, Contact.last_name, words[0]), _prefix(session, Contact.first_name, " ".join(words[1:]))
            ),
        )
    return or_(_prefix(session, Contact.last_name, q), _prefix(session, Contact.first_name, q))


def search(
    session: Session, scope: Scope, query: str, page: int = 0, page_size: int = PAGE_SIZE
) -> tuple[list[tuple], bool]:
    """One page of contacts in scope matching query, ordered by (lower(last_name), id); rows + has_next."""
    stmt: Select = select(
        Contact.id, Contact.last_name, Contact.first_name, Contact.email, Contact.plz, Contact.city, Contact.status
    )
    cond = search_filter(session, query)
    if cond is not None:
        stmt = stmt.where(cond)
    # A selective search text leads the plan (SQLite otherwise walked a Land's 70,000 contacts for
    # "Mül"); a short one ("M", "Anna M") matches tens of thousands nationally, so the area leads.
    selective = cond is not None and _selective(query)
    stmt = apply_scope(stmt, scope, contact=UNINDEXED_CONTACT) if selective else apply_scope(stmt, scope)
    stmt = stmt.order_by(_order_key(session, cond is not None), Contact.id)
    # One row more than a page tells whether a next page exists without counting all matches.
    rows = session.execute(stmt.offset(max(page, 0) * page_size).limit(page_size + 1)).all()
    return [tuple(r) for r in rows[:page_size]], len(rows) > page_size


def contact_in_scope(session: Session, scope: Scope, contact_id: int):
    """The contact with its Kreis, KV and Land names, or None when unknown or out of scope."""
    stmt = (
        select(Contact, Kreis.name, Kreisverband.name, Land.name)
        .join(Kreis, Kreis.ags == Contact.kreis_ags)
        .join(Kreisverband, Kreisverband.id == Contact.kv_id)
        .join(Land, Land.code == Contact.land_code)
        .where(Contact.id == contact_id)
    )
    return session.execute(apply_scope(stmt, scope)).first()


def topics(session: Session, contact_id: int) -> list[str]:
    """Topic codes of a contact."""
    return list(
        session.scalars(
            select(ContactTopic.topic).where(ContactTopic.contact_id == contact_id).order_by(ContactTopic.topic)
        )
    )


def consents(session: Session, contact_id: int) -> list[Consent]:
    """All consent records of a contact, oldest first (id breaks ties)."""
    return list(
        session.scalars(
            select(Consent).where(Consent.contact_id == contact_id).order_by(Consent.granted_at, Consent.id)
        )
    )


def activities(session: Session, contact_id: int, limit: int = 200) -> list[Activity]:
    """The contact's timeline, newest first."""
    return list(
        session.scalars(
            select(Activity)
            .where(Activity.contact_id == contact_id)
            .order_by(Activity.occurred_at.desc(), Activity.id.desc())
            .limit(limit)
        )
    )


def dispatch_orders(session: Session, contact_id: int) -> list[tuple]:
    """(order, edition title) for the contact, newest first."""
    stmt = (
        select(DispatchOrder, NewspaperEdition.title)
        .join(NewspaperEdition, NewspaperEdition.id == DispatchOrder.edition_id)
        .where(DispatchOrder.contact_id == contact_id)
        .order_by(DispatchOrder.requested_at.desc())
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def volunteer_offers(session: Session, contact_id: int) -> list[tuple]:
    """(offer, comma-separated skills) for the contact, newest first."""
    offers = list(
        session.scalars(
            select(VolunteerOffer)
            .where(VolunteerOffer.contact_id == contact_id)
            .order_by(VolunteerOffer.created_at.desc())
        )
    )
    skills: dict[int, list[str]] = {}
    if offers:
        for offer_id, skill in session.execute(
            select(OfferSkill.offer_id, OfferSkill.skill)
            .where(OfferSkill.offer_id.in_([o.id for o in offers]))
            .order_by(OfferSkill.skill)
        ):
            skills.setdefault(offer_id, []).append(skill)
    return [(o, skills.get(o.id, [])) for o in offers]


def shared_with(session: Session, contact_id: int) -> list[str]:
    """Names of the KVs the contact is explicitly shared with (active shares)."""
    stmt = (
        select(Kreisverband.name)
        .join(ContactShare, ContactShare.kv_id == Kreisverband.id)
        .where(ContactShare.contact_id == contact_id, ContactShare.revoked_at.is_(None))
    )
    return list(session.scalars(stmt))
