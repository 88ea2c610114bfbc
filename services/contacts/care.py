"""Care for one contact: status steps, timeline entries, consents (granted and withdrawn). Audited, commits.

Status ladder contact → active → member: every role that cares for contacts may step up (the
skipped steps get the same date). Stepping back corrects a mistake and erases dates, so only
admin and team may do it; the dates above the new status are cleared.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.models import Activity, Consent
from db.queries.contacts import edit as q
from db.types import utcnow
from domain.enums import CHANNELS, PURPOSES
from domain.errors import ConflictError, PermissionDenied, ValidationError
from domain.formatting import format_date
from domain.roles import may
from services.contacts.edit import check_reachable, load, touch
from services.contacts.rules import (
    LADDER,
    ConsentInput,
    check_activity,
    check_consent,
    check_day,
    check_status,
    moment_of,
    status_label,
    today_berlin,
)
from services.core import audit
from services.core.scope import Scope
from services.privacy.withdrawal import after_withdrawal

_DATE_FIELDS = ("contact_since", "active_since", "member_since")


def _consent_label(purpose: str, channel: str | None) -> str:
    return PURPOSES.get(purpose, purpose) + (f" per {CHANNELS.get(channel, channel)}" if channel else "")


def step_status(session: Session, scope: Scope, contact_id, new_status: str, day: date | None = None) -> None:
    """Move the contact on the ladder to new_status as of day (default today); audited (commits)."""
    contact = load(session, scope, contact_id)
    new_status = check_status(new_status)
    old, new = LADDER.index(contact.status), LADDER.index(new_status)
    if new == old:
        raise ConflictError(f"Die Person hat den Status „{status_label(new_status)}“ schon.")
    if new < old and not may(scope.role, "contacts.step_back"):
        raise PermissionDenied("Einen Status zurücksetzen darf nur das Linksaktiv-Team. Bitte wende dich dorthin.")
    if new > old:
        previous = getattr(contact, _DATE_FIELDS[old])
        day = check_day(day or today_berlin(), "das Datum des Statuswechsels", not_before=previous)
        for rank in range(old + 1, new + 1):
            setattr(contact, _DATE_FIELDS[rank], day)
    else:
        for rank in range(new + 1, old + 1):
            setattr(contact, _DATE_FIELDS[rank], None)
    contact.status = new_status
    touch(contact)
    session.add(
        Activity(
            contact_id=contact.id,
            kind="status_change",
            occurred_at=utcnow(),
            user_id=scope.user_id,
            note=f"{status_label(LADDER[old])} → {status_label(new_status)}"
            + (" (zurückgesetzt)" if new < old else "")
            # A step dated back says its date: the entry itself is stamped when it was recorded.
            + (f", seit {format_date(day)}" if new > old and day != today_berlin() else ""),
        )
    )
    audit.record(
        session, scope, "contact_status_changed", "contact", contact.id, from_status=LADDER[old], to_status=new_status
    )
    session.commit()


def add_activity(session: Session, scope: Scope, contact_id, kind: str, day: date, note: str) -> int:
    """Add a hand-written entry (note, call, e-mail, …) to the timeline; its id (commits)."""
    contact = load(session, scope, contact_id)
    kind, day, text = check_activity(kind, day, note)
    entry = Activity(contact_id=contact.id, kind=kind, occurred_at=moment_of(day), note=text, user_id=scope.user_id)
    session.add(entry)
    touch(contact)
    session.flush()
    audit.record(session, scope, "contact_activity_added", "contact", contact.id, activity_id=entry.id, kind=kind)
    session.commit()
    return entry.id


def grant_consent(session: Session, scope: Scope, contact_id, consent: ConsentInput) -> int:
    """Record a consent with its evidence; ConflictError when it is already active; the record id (commits)."""
    contact = load(session, scope, contact_id)
    c = check_consent(consent)
    check_reachable(c, contact)  # no SMS consent without a phone number
    latest = q.latest_consent(session, contact.id, c.purpose, c.channel)
    if latest is not None and latest.withdrawn_at is None:
        raise ConflictError(f"Die Einwilligung „{_consent_label(c.purpose, c.channel)}“ ist schon aktiv.")
    now = utcnow()
    if latest is not None and latest.granted_at >= now:
        raise ValidationError("Diese Einwilligung wurde gerade erst geändert. Bitte versuche es gleich noch einmal.")
    record = Consent(
        contact_id=contact.id,
        purpose=c.purpose,
        channel=c.channel,
        granted_at=now,
        source=c.source,
        evidence=c.evidence,
    )
    session.add(record)
    touch(contact)
    session.flush()
    audit.record(
        session,
        scope,
        "consent_granted",
        "contact",
        contact.id,
        consent_id=record.id,
        purpose=c.purpose,
        channel=c.channel or "-",
        source=c.source,
    )
    session.commit()
    return record.id


def withdraw_consent(session: Session, scope: Scope, contact_id, purpose: str, channel: str | None) -> int:
    """Withdraw the active consent for purpose/channel (sets withdrawn_at on the latest record); its id (commits).

    What waited for the consent stops at once: the person's queued mails of that purpose and channel are
    cancelled, and open newspaper orders when the newspaper consent by post goes (DESIGN §3.7).
    """
    contact = load(session, scope, contact_id)
    if purpose not in PURPOSES:
        raise ValidationError("Bitte wähle die Einwilligung, die widerrufen wird.")
    channel = channel or None
    latest = q.latest_consent(session, contact.id, purpose, channel)
    if latest is None or latest.withdrawn_at is not None:
        raise ConflictError(f"Es gibt keine aktive Einwilligung „{_consent_label(purpose, channel)}“ zum Widerrufen.")
    latest.withdrawn_at = max(utcnow(), latest.granted_at)
    stopped = after_withdrawal(session, contact.id, purpose, channel, utcnow())
    touch(contact)
    audit.record(
        session,
        scope,
        "consent_withdrawn",
        "contact",
        contact.id,
        consent_id=latest.id,
        purpose=purpose,
        channel=channel or "-",
        mails_cancelled=stopped.mails,
        orders_cancelled=stopped.orders,
    )
    session.commit()
    return latest.id
