"""Double opt-in: the confirmation mail, confirming through the one-time link, and the lapse after 30 days.

A sign-up waits for confirmation while contact.unconfirmed_since is set (the Kontakte form with the
source Webformular, or an import marked "unbestätigt"). Until then the sender sends the person only the
confirmation mail (services.mail.sender); confirming clears the mark. Who stays unconfirmed for
SIGNUP_LAPSE_DAYS loses their consents (withdrawn, audited; scripts/expire_signups.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Activity, Contact, MailOutbox
from db.queries import links as q
from db.queries import mail as mail_queries
from db.types import utcnow
from services.core import audit
from services.core.scope import Scope
from services.links.access import LINK_ACTOR, LinkPage, claim_of, person, settings_or_default
from services.links.mail_links import confirm_url
from services.links.tokens import LinkError
from services.mail.outbox import cancel, enqueue, valid_address
from services.privacy.objection import latest_records
from services.privacy.withdrawal import after_withdrawal

SIGNUP_LAPSE_DAYS = 30
SYSTEM = Scope(role="admin", user_id=None, username="system:signups")
CONFIRM_SUBJECT = "Bitte bestätige deine Anmeldung bei Linksaktiv"
LAPSED = (
    "Diese Anmeldung ist verfallen, weil sie nicht innerhalb von 30 Tagen bestätigt wurde. "
    "Wenn du mitmachen möchtest, melde dich bitte neu an. Es wurde nichts geändert."
)
USED = (
    "Diesen Bestätigungslink hast du schon benutzt. Deine Anmeldung ist bestätigt; "
    "du musst nichts weiter tun. Es wurde nichts geändert."
)


@dataclass(frozen=True)
class ConfirmView:
    """A confirmation link's page: whether the sign-up is confirmed already."""

    confirmed: bool


def confirmation_body(settings, contact: Contact) -> str:
    """The text of the confirmation mail with the person's one-time link."""
    days = int(settings.link_max_age_days)
    return "\n".join(
        [
            f"Hallo {contact.first_name},",
            "",
            "du hast dich bei Linksaktiv angemeldet. Bitte bestätige das mit einem Klick auf diesen Link:",
            "",
            confirm_url(settings, contact.id),
            "",
            f"Bis du bestätigst, schicken wir dir nichts anderes. Ohne Bestätigung innerhalb von "
            f"{SIGNUP_LAPSE_DAYS} Tagen verfallen deine Einwilligungen. Der Link gilt {days} Tage und nur einmal.",
            "",
            "Wenn du dich nicht angemeldet hast, ignoriere diese Mail einfach.",
            "",
            "Solidarische Grüße",
            "dein Linksaktiv-Team",
        ]
    )


def queue_confirmation(session: Session, contact: Contact, settings=None) -> MailOutbox | None:
    """Queue the confirmation mail for a waiting sign-up with an address (no commit); None without one."""
    if contact.unconfirmed_since is None or not valid_address(contact.email or ""):
        return None
    s = settings_or_default(settings)
    return enqueue(
        session,
        contact.email,
        CONFIRM_SUBJECT,
        confirmation_body(s, contact),
        "confirmation",
        "signup",
        contact.id,
        contact_id=contact.id,
    )


def start_confirmation(session: Session, contact: Contact, now: datetime | None = None, settings=None):
    """Mark a new sign-up as waiting for confirmation and queue its mail (no commit)."""
    contact.unconfirmed_since = contact.unconfirmed_since or now or utcnow()
    session.flush()
    return queue_confirmation(session, contact, settings)


def queue_missing_confirmations(session: Session, settings=None, limit: int = 10_000) -> int:
    """Queue a confirmation mail for every waiting sign-up that has none yet (an import marks, this mails)."""
    has_mail = (
        select(MailOutbox.id).where(MailOutbox.contact_id == Contact.id, MailOutbox.purpose == "confirmation").exists()
    )
    waiting = session.scalars(
        select(Contact).where(Contact.unconfirmed_since.is_not(None), ~has_mail).order_by(Contact.id).limit(limit)
    ).all()
    return sum(1 for c in waiting if queue_confirmation(session, c, settings) is not None)


def _check_open(session: Session, claim, contact: Contact) -> None:
    if q.token_used(session, claim.nonce) is not None:
        raise LinkError(USED, "used")
    if contact.unconfirmed_since is None and q.signup_lapsed(session, contact.id):
        raise LinkError(LAPSED, "lapsed")


def confirm_view(session: Session, token: str, settings=None) -> LinkPage:
    """The page of a confirmation link; LinkError when forged, expired, used or lapsed."""
    claim = claim_of(token, "confirm", settings)
    contact = person(session, claim)
    _check_open(session, claim, contact)
    return LinkPage("confirm", contact.first_name, ConfirmView(contact.unconfirmed_since is None))


def confirm_signup(session: Session, token: str, settings=None, now: datetime | None = None) -> bool:
    """Confirm the sign-up the link names: clears the mark, timeline, audit; the link is used up (commits).

    Returns False when the sign-up was confirmed already (the link is used up all the same).
    """
    claim = claim_of(token, "confirm", settings)
    contact = person(session, claim)
    _check_open(session, claim, contact)
    at = now or utcnow()
    if not q.record_token_use(session, claim.nonce, contact.id, "confirm", at):
        raise LinkError(USED, "used")
    waiting = contact.unconfirmed_since is not None
    if waiting:
        contact.unconfirmed_since = None
        contact.updated_at = at
        session.add(
            Activity(
                contact_id=contact.id,
                kind="link_confirm",
                occurred_at=at,
                note="Anmeldung über den persönlichen Link bestätigt (Double-Opt-In)",
                ref_type="signup",
            )
        )
    audit.record(session, LINK_ACTOR, "link_signup_confirmed", "contact", contact.id, changed=waiting)
    session.commit()
    return waiting


def lapse_unconfirmed(
    session: Session, now: datetime | None = None, days: int = SIGNUP_LAPSE_DAYS, limit: int | None = None
) -> dict:
    """Withdraw every consent of people unconfirmed for `days` (queued mails cancelled), audited; idempotent (commits).

    The mark is cleared (the sign-up is over, not confirmed): a late click on the link says so, and a
    consent staff record later is not taken back by the next run.
    """
    at = now or utcnow()
    people = lapsed = 0
    for cid in q.unconfirmed_before(session, at - timedelta(days=days), limit):
        contact = session.get(Contact, cid)
        withdrawn = []
        for rec in latest_records(contact.consents):
            if rec.withdrawn_at is None:
                rec.withdrawn_at = max(at, rec.granted_at)
                after_withdrawal(session, cid, rec.purpose, rec.channel, at)
                withdrawn.append(f"{rec.purpose}/{rec.channel or '-'}")
        for mail in mail_queries.queued_of(session, cid):
            if mail.purpose == "confirmation":
                cancel(session, mail, "signup_lapsed", at)
        contact.unconfirmed_since = None
        people += 1
        lapsed += len(withdrawn)
        contact.updated_at = at
        session.add(
            Activity(
                contact_id=cid,
                kind=q.LAPSED_KIND,
                occurred_at=at,
                note=f"Anmeldung nicht bestätigt: Einwilligungen nach {days} Tagen verfallen",
                ref_type="signup",
            )
        )
        audit.record(session, SYSTEM, "signup_lapsed", "contact", cid, consents=withdrawn, days=days)
    session.commit()
    return {"people": people, "consents_withdrawn": lapsed}
