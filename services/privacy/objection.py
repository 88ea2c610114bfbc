"""Art. 21 objection: withdraw every active consent, cancel queued mails and open orders, withdraw open offers
(admin)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.queries import mail as mail_queries
from db.queries import privacy as q
from db.queries.contacts import search as contact_queries
from db.queries.matching.offers import active_assignments_of_offer
from db.types import utcnow
from services.core import audit
from services.core.scope import Scope, require_action
from services.mail.outbox import required_consent
from services.matching import notify, workflow
from services.privacy.requests import close, load_open
from services.privacy.withdrawal import CANCELLABLE_ORDERS, after_objection


@dataclass(frozen=True)
class ObjectionResult:
    """What the objection changed."""

    consents_withdrawn: int
    orders_cancelled: int
    offers_withdrawn: int
    assignments_cancelled: int
    mails_cancelled: int = 0


def latest_records(records) -> list:
    """The latest record per (purpose, channel): by granted_at, ties by id (as active_consent_filter)."""
    latest: dict[tuple, object] = {}
    for rec in records:
        key = (rec.purpose, rec.channel)
        if key not in latest or (rec.granted_at, rec.id) > (latest[key].granted_at, latest[key].id):
            latest[key] = rec
    return list(latest.values())


def withdraw_all_consents(session: Session, contact_id: int, now) -> int:
    """Set withdrawn_at on every latest record still granted; returns how many (older records keep their history)."""
    changed = 0
    for rec in latest_records(contact_queries.consents(session, contact_id)):
        if rec.withdrawn_at is None:
            rec.withdrawn_at = now
            changed += 1
    return changed


def preview(session: Session, scope: Scope, request_id: int) -> ObjectionResult:
    """What carrying out this objection would change (nothing is written)."""
    require_action(scope, "privacy.requests")
    cid = load_open(session, request_id, "objection").contact_id
    records = contact_queries.consents(session, cid)
    orders = q.order_ids_in_status(session, cid, CANCELLABLE_ORDERS)
    offers = q.open_offer_ids(session, cid)
    active = q.active_assignment_ids(session, offers)
    return ObjectionResult(
        sum(r.withdrawn_at is None for r in latest_records(records)),
        len(orders),
        len(offers),
        len(active),
        sum(required_consent(m.purpose, m.channel) is not None for m in mail_queries.queued_of(session, cid)),
    )


def carry_out_objection(session: Session, scope: Scope, request_id: int) -> ObjectionResult:
    """Stop all processing for the person's purposes in one transaction; request done; audited (commits)."""
    require_action(scope, "privacy.requests")
    req = load_open(session, request_id, "objection")
    cid, now = req.contact_id, utcnow()
    close(session, req, "done")
    consents = withdraw_all_consents(session, cid, now)
    # Nothing that waits goes out any more: queued mails (kept, cancelled with the reason) and open orders.
    stopped = after_objection(session, cid, now)
    offers = q.open_offers(session, cid)
    cancelled = 0
    for offer in offers:
        offer.withdrawn_at = now
        for a in active_assignments_of_offer(session, offer.id):
            old = a.status
            workflow.apply_transition(a, "cancelled", now)
            # The lead learns the helper is gone; the person objected and gets no mail.
            notify.status_mails(session, a, old, "cancelled", to_volunteer=False)
            cancelled += 1
    result = ObjectionResult(consents, stopped.orders, len(offers), cancelled, stopped.mails)
    audit.record(
        session,
        scope,
        "dsr_objection_done",
        "data_subject_request",
        req.id,
        contact_id=cid,
        consents_withdrawn=consents,
        orders_cancelled=stopped.orders,
        offers_withdrawn=len(offers),
        assignments_cancelled=cancelled,
        mails_cancelled=stopped.mails,
    )
    session.commit()
    return result
