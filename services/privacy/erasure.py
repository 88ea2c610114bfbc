"""Art. 17 erasure: delete the person and every trace that identifies them, in one transaction (admin).

The contact row goes (topics, consents, activities, shares, offers with skills and assignments,
call deliveries follow by ON DELETE CASCADE). What does not cascade is handled here: dispatch
orders keep PLZ, city, copies and status for the stock but lose name, street and notes; mails to
the person are deleted while queued and blanked once sent; mails about the person to a campaign
lead lose the person's details; a campaign lead that names the person as its contact loses name,
e-mail and phone. The audit keeps only ids; the request keeps its fact. A tombstone (id, when,
why; services/privacy/tombstones.py) survives, so a restored backup can erase the person again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from db.engine import mark_erased
from db.models import Contact, DataSubjectRequest, DispatchOrder, MailOutbox
from db.queries import privacy as q
from db.queries.contacts import search as contact_queries
from db.types import utcnow
from domain.enums import ASSIGNMENT_STATUSES
from domain.errors import ConflictError, ValidationError
from services.core import audit
from services.core.scope import Scope, require_action
from services.privacy import tombstones
from services.privacy.objection import CANCELLABLE_ORDERS
from services.privacy.requests import close, load_open

CONFIRM_WORD = "LÖSCHEN"
# A lead was told about these helpers: cancelling first sends the lead its mail.
BLOCKING_ASSIGNMENTS = ("contacted", "confirmed")
ERASED = "(gelöscht)"


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure would remove or blank, and what blocks it."""

    request_id: int | None
    contact_id: int
    plz: str
    consents: int
    activities: int
    orders_blanked: int
    orders_cancelled: int
    offers: int
    assignments: int
    shares: int
    call_deliveries: int
    mails_deleted: int
    mails_blanked: int
    leads_blanked: int
    blockers: tuple[str, ...]


def _identifiers(c: Contact, earlier: tuple[str, ...] = ()) -> list[str]:
    """Values that identify the person in free text (longest first, so a full name goes before its parts);
    earlier: values the person had before (an old address a mail went to, an old name on an order)."""
    values = {
        f"{c.first_name} {c.last_name}",
        f"{c.last_name}, {c.first_name}",
        c.first_name,
        c.last_name,
        c.email,
        c.phone,
        c.street,
        *earlier,
    }
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)


def scrub(text: str, values: list[str]) -> str:
    """text with every identifying value (as a whole word, any case) replaced by a marker."""
    for v in values:
        # Whole words only: erasing "Kai" must not turn "Kaiserslautern" into nonsense.
        text = re.sub(rf"(?<!\w){re.escape(v)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
    return text


def plan(session: Session, scope: Scope, request_id: int) -> ErasurePlan:
    """What erasing the person of this open erasure request would do (nothing is written)."""
    require_action(scope, "privacy.requests")
    req = load_open(session, request_id, "erasure")
    return contact_plan(session, req.contact_id, req.id)


def contact_plan(session: Session, cid: int, request_id: int | None = None) -> ErasurePlan:
    """What erase_contact would remove or blank for this person, and what blocks it (nothing is written)."""
    c = session.get(Contact, cid)
    orders = [o for o, _ in q.dispatch_orders(session, cid)]
    assignments = [a for a, _ in q.assignments(session, cid)]
    mails = q.mails(session, cid, c.email, [a.id for a in assignments])
    blockers = tuple(
        f"Vermittlung Nr. {a.id} ist „{ASSIGNMENT_STATUSES[a.status]}“: storniere sie zuerst unter "
        "Helfer:innen › Vermittlung, damit die Wahlkampfleitung Bescheid bekommt."
        for a in assignments
        if a.status in BLOCKING_ASSIGNMENTS
    )
    to_person = [m for m in mails if _to_person(m, cid, c.email)]
    return ErasurePlan(
        request_id,
        cid,
        c.plz,
        len(contact_queries.consents(session, cid)),
        len(q.activities(session, cid)),
        len(orders),
        sum(o.status in CANCELLABLE_ORDERS for o in orders),
        len(q.offers(session, cid)),
        len(assignments),
        len(q.shares(session, cid)),
        len(q.call_deliveries(session, cid)),
        sum(m.status == "queued" for m in to_person),
        len(mails) - sum(m.status == "queued" for m in to_person),
        len(q.leads_with_contact(session, cid, c.email, c.phone)),
        blockers,
    )


def check_confirmation(typed: str, plz: str) -> None:
    """The admin must type the person's PLZ or LÖSCHEN; ValidationError otherwise."""
    typed = (typed or "").strip()
    if not typed or (typed != plz and typed.upper() != CONFIRM_WORD):
        raise ValidationError(
            f"Zur Bestätigung tippe die PLZ der Person oder „{CONFIRM_WORD}“ ein. Es wurde nichts gelöscht."
        )


def erase(session: Session, scope: Scope, request_id: int, confirmation: str) -> ErasurePlan:
    """Erase the person of an open erasure request (all or nothing); request done; audited (commits)."""
    done = plan(session, scope, request_id)
    check_confirmation(confirmation, done.plz)
    if done.blockers:
        raise ConflictError(
            "Die Löschung ist noch nicht möglich. " + " ".join(done.blockers) + " Es wurde nichts gelöscht."
        )
    cid = done.contact_id
    req = session.get(DataSubjectRequest, request_id)
    close(session, req, "done")
    erase_contact(session, cid, tombstones.ART17)
    audit.record(
        session,
        scope,
        "dsr_erasure_done",
        "data_subject_request",
        request_id,
        contact_id=cid,
        consents=done.consents,
        activities=done.activities,
        orders_blanked=done.orders_blanked,
        orders_cancelled=done.orders_cancelled,
        offers=done.offers,
        assignments=done.assignments,
        shares=done.shares,
        call_deliveries=done.call_deliveries,
        mails_deleted=done.mails_deleted,
        mails_blanked=done.mails_blanked,
        leads_blanked=done.leads_blanked,
    )
    session.commit()
    return done


def erase_contact(session: Session, cid: int, reason: str, erased_at=None, journal: bool = True) -> None:
    """Erase one person and every trace of them, and leave a tombstone (no commit, no audit, no checks).

    The one erasure: an Art. 17 request (erase), retention (services/privacy/retention.py) and the
    re-application of erasures after a restored backup (services/core/backup.py) all come here.
    The caller checks the blockers (contact_plan), writes its audit event and commits. Re-applying
    an erasure keeps its first time (erased_at) and adds no second journal line (journal=False).
    """
    now = utcnow()
    mark_erased(session)  # after the commit the SQLite WAL is emptied: no old bytes of the person stay
    c = session.get(Contact, cid)
    assignment_ids = [a.id for a, _ in q.assignments(session, cid)]
    values = _identifiers(c, _earlier_values(session, c, assignment_ids))
    # Open orders cannot go out without a name; their copies return to the stock.
    session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.contact_id == cid, DispatchOrder.status.in_(CANCELLABLE_ORDERS))
        .values(status="cancelled", cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(DispatchOrder)
        .where(DispatchOrder.contact_id == cid)
        .values(ship_name="", ship_street="", override_reason="", tracking_number="")
        .execution_options(synchronize_session=False)
    )
    _mails(session, cid, c.email, assignment_ids, values)
    # A lead that names the person as its contact keeps its needs, without the person.
    for lead in q.leads_with_contact(session, cid, c.email, c.phone):
        lead.contact_name, lead.contact_email, lead.contact_phone = ERASED, "", ""
        lead.contact_id = None
        lead.note = scrub(lead.note or "", values)
    # Notes on the person's other requests may name them; the facts (kind, dates) stay.
    for other in q.requests_of(session, cid):
        other.note = scrub(other.note or "", values)
        other.contact_id = None
    session.flush()
    session.execute(delete(Contact).where(Contact.id == cid).execution_options(synchronize_session=False))
    session.expunge(c)
    tombstones.record(session, cid, reason, erased_at or now, journal=journal)


def _to_person(m: MailOutbox, cid: int, email: str) -> bool:
    """Whether the mail went to the person: linked by id (whatever address it went to), or, for a mail that
    names nobody (written before mails were linked), sent to the person's current address."""
    if m.contact_id is not None:
        return m.contact_id == cid
    return bool(email) and m.to_addr.strip().lower() == email.strip().lower()


def _earlier_values(session: Session, c: Contact, assignment_ids: list[int]) -> tuple[str, ...]:
    """What identified the person before a change: addresses her mails went to, the names and streets her
    orders were shipped to, the contact details of a lead linked to her."""
    values = [m.to_addr for m in q.mails(session, c.id, c.email, assignment_ids) if _to_person(m, c.id, c.email)]
    for o, _ in q.dispatch_orders(session, c.id):
        values += [o.ship_name, o.ship_street]
    for lead in q.leads_with_contact(session, c.id, c.email, c.phone):
        if lead.contact_id == c.id:
            values += [lead.contact_name, lead.contact_email, lead.contact_phone]
    return tuple(v for v in values if v)


def _mails(session: Session, cid: int, email: str, assignment_ids: list[int], values: list[str]) -> None:
    """Delete queued mails to the person, blank sent ones; scrub the person from mails to leads."""
    for m in q.mails(session, cid, email, assignment_ids):
        to_person = _to_person(m, cid, email)
        if to_person and m.status == "queued":
            session.delete(m)
        elif to_person:
            m.to_addr, m.body, m.last_error = "", "", ""
            m.subject = scrub(m.subject, values)
        elif m.status == "queued":
            # The lead still learns what happened, without who it was.
            m.body, m.subject = scrub(m.body, values), scrub(m.subject, values)
        else:
            m.body, m.last_error = "", scrub(m.last_error or "", values)
            m.subject = scrub(m.subject, values)
