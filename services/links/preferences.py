"""Meine Themen / Abmelden through the person's link: change topics, withdraw a purpose or everything.

A withdrawal takes effect at once for everything queued (services.privacy.withdrawal: the person's
waiting mails of that purpose are cancelled, and open newspaper orders with the newspaper consent) and
is audited. An unsubscribe is kept on the timeline with the mailing the link came in (ref), so an Info's
page can count who left because of it (db.queries.links.unsubscribed_count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Activity, ContactTopic
from db.queries import links as q
from db.types import utcnow
from domain.enums import CHANNELS, PURPOSES, TOPICS
from services.contacts.rules import check_topics
from services.core import audit
from services.links.access import LINK_ACTOR, LinkPage, claim_of, person
from services.links.tokens import LinkError
from services.privacy.withdrawal import after_withdrawal

ALL = "all"


@dataclass(frozen=True)
class TopicsView:
    """What the topics page shows: the person's topics and what they receive now (purpose code → German label)."""

    topics: tuple[str, ...]
    subscriptions: dict[str, str]


def consent_label(purpose: str, channels) -> str:
    """'Aktionsaufrufe per E-Mail' for a purpose and its channels."""
    named = [CHANNELS[c] for c in channels if c]
    return PURPOSES[purpose] + (f" per {' und '.join(named)}" if named else "")


def subscriptions(session: Session, contact_id: int) -> dict[str, str]:
    """The purposes the person has an active consent for, with German labels, in the order of PURPOSES."""
    by_purpose: dict[str, list] = {}
    for purpose, channel in q.active_consents(session, contact_id):
        by_purpose.setdefault(purpose, []).append(channel)
    return {p: consent_label(p, sorted(c or "" for c in by_purpose[p])) for p in PURPOSES if p in by_purpose}


def topics_view(session: Session, token: str, settings=None) -> LinkPage:
    """The page of a topics link: topics and subscriptions of the person it names."""
    contact = person(session, claim_of(token, "topics", settings))
    view = TopicsView(tuple(sorted(q.topic_codes(session, contact.id))), subscriptions(session, contact.id))
    return LinkPage("topics", contact.first_name, view)


def save_topics(session: Session, token: str, topics, settings=None, now: datetime | None = None) -> tuple[int, int]:
    """Replace the person's topics; (added, removed); timeline and audit (commits; nothing written when unchanged)."""
    contact = person(session, claim_of(token, "topics", settings))
    wanted = set(check_topics(topics))
    current = q.topic_codes(session, contact.id)
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return 0, 0
    at = now or utcnow()
    for t in removed:
        session.delete(session.get(ContactTopic, (contact.id, t)))
    session.add_all([ContactTopic(contact_id=contact.id, topic=t) for t in added])
    contact.updated_at = at
    note = "Themen über den persönlichen Link geändert: " + ", ".join(
        [f"+{TOPICS[t]}" for t in added] + [f"−{TOPICS[t]}" for t in removed]
    )
    session.add(Activity(contact_id=contact.id, kind="link_topics", occurred_at=at, note=note))
    # Counts only: a person's interests stay out of the audit (as services.contacts.edit.set_topics).
    audit.record(
        session, LINK_ACTOR, "link_topics_changed", "contact", contact.id, added=len(added), removed=len(removed)
    )
    session.commit()
    return len(added), len(removed)


def unsubscribe(session: Session, token: str, purpose: str, settings=None, now: datetime | None = None) -> int:
    """Withdraw the person's active consents for purpose (every channel) or for everything (ALL); how many.

    Queued mails and open newspaper orders that needed them stop at once; timeline (with the mailing the
    link came in) and audit (commits). A LinkError when there is nothing to withdraw.
    """
    claim = claim_of(token, "topics", settings)
    contact = person(session, claim)
    if purpose != ALL and purpose not in PURPOSES:
        raise LinkError("Bitte wähle, wovon du dich abmelden möchtest.", "input")
    at = now or utcnow()
    pairs = [(p, c) for p, c in q.active_consents(session, contact.id) if purpose in (ALL, p)]
    if not pairs:
        raise LinkError("Dafür bekommst du schon nichts mehr von uns. Es wurde nichts geändert.", "input")
    mails = orders = 0
    for p, c in pairs:
        latest = q.latest_consent(session, contact.id, p, c)
        latest.withdrawn_at = max(at, latest.granted_at)
        stopped = after_withdrawal(session, contact.id, p, c, at)
        mails, orders = mails + stopped.mails, orders + stopped.orders
    contact.updated_at = at
    what = "alles" if purpose == ALL else PURPOSES[purpose]
    session.add(
        Activity(
            contact_id=contact.id,
            kind=q.UNSUBSCRIBE_KIND,
            occurred_at=at,
            note=f"Über den persönlichen Link abgemeldet: {what}",
            ref_type=claim.ref_type,
            ref_id=claim.ref_id,
        )
    )
    audit.record(
        session,
        LINK_ACTOR,
        "link_unsubscribed",
        "contact",
        contact.id,
        purpose=purpose,
        consents=[f"{p}/{c or '-'}" for p, c in pairs],
        mails_cancelled=mails,
        orders_cancelled=orders,
        ref=claim.ref or "-",
    )
    session.commit()
    return len(pairs)
