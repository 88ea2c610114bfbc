"""Capture and edit Linksaktive within the user's scope (DESIGN §1, §2, §3): audited, all-or-nothing.

Kreis, KV and Land always come from the PLZ (services.geo.resolve_plz). A contact may only be
created in, or moved within, the user's own area; a move into another KV is a handover, which
is a separate act. Every change sets updated_at (the Karte/Übersicht caches key on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.models import Activity, Consent, Contact, ContactTopic
from db.queries.contacts import edit as q
from db.types import utcnow
from domain.enums import CHANNELS, PURPOSES
from domain.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from domain.keys import email_key, phone_key
from services.contacts.rules import (
    LADDER,
    ConsentInput,
    ContactInput,
    check_consents,
    check_day,
    check_source,
    check_status,
    check_topics,
    clean_master,
    status_label,
    today_berlin,
)
from services.core import audit
from services.core.scope import Scope, require_action
from services.geo.places import PlaceInfo, resolve_plz

NOT_FOUND = "Diese:n Linksaktive:n gibt es nicht oder nicht in deinem Gebiet."
DUPLICATE = (
    "Eine:n Linksaktive:n mit dieser E-Mail-Adresse gibt es in deinem Gebiet schon. "
    "Suche oben unter „Linksaktive“ nach dieser Adresse und ergänze die Angaben dort."
)
MASTER_FIELDS = ("first_name", "last_name", "email", "phone", "street", "plz", "city")
# What a channel needs of the contact: a consent for it without that detail could never be used.
CHANNEL_NEEDS = {
    "email": (("email",), "eine E-Mail-Adresse"),
    "phone": (("phone",), "eine Telefonnummer"),
    "sms": (("phone",), "eine (Handy-)Telefonnummer"),
    "post": (("street", "plz"), "eine Postanschrift (Straße und PLZ)"),
}


@dataclass(frozen=True)
class Created:
    """The new contact's id and where it was placed."""

    id: int
    kreis_name: str
    kv_name: str
    land_name: str


def load(session: Session, scope: Scope, contact_id) -> Contact:
    """The contact to change, in scope; NotFoundError (same for unknown and out of scope) otherwise."""
    require_action(scope, "contacts.care")
    try:
        cid = int(contact_id)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_FOUND) from None
    contact = q.contact_for_update(session, scope, cid)
    if contact is None:
        raise NotFoundError(NOT_FOUND)
    return contact


def check_reachable(consent: ConsentInput, details) -> None:
    """Refuse a consent for a channel the contact has no detail for (SMS without a phone number); German error.

    details: the contact (or a dict of its checked values) with email, phone, street and plz.
    """
    if consent.channel not in CHANNEL_NEEDS:
        return
    get = details.get if isinstance(details, dict) else lambda name: getattr(details, name, "")
    needed, what = CHANNEL_NEEDS[consent.channel]
    if not all((get(name) or "").strip() for name in needed):
        label = f"{PURPOSES[consent.purpose]} per {CHANNELS[consent.channel]}"
        raise ValidationError(
            f"Für die Einwilligung „{label}“ braucht es {what}. Trag sie zuerst in den Stammdaten ein. "
            "Nichts wurde gespeichert."
        )


def set_keys(contact: Contact) -> None:
    """Keep the exact-duplicate keys (normalised e-mail, E.164 phone) in step with the typed values."""
    contact.email_key = email_key(contact.email)
    contact.phone_key = phone_key(contact.phone)


def touch(contact: Contact) -> None:
    """Mark the contact as changed now (also for changes only in its child tables)."""
    contact.updated_at = utcnow()


def check_area(scope: Scope, place: PlaceInfo, moving_from_kv: int | None = None) -> None:
    """Refuse a place outside the user's area; a move inside the contact's own KV is always fine."""
    if moving_from_kv is not None and place.kv_id == moving_from_kv:
        return
    # The KV's name was typed by an admin: it goes in the detail (plain text), not the message (Markdown).
    if scope.role == "kreis" and place.kv_id != scope.kv_id:
        where = f"Die PLZ {place.plz} gehört zum Kreisverband {place.kv_name}."
    elif scope.role == "land" and place.land_code != scope.land_code:
        where = f"Die PLZ {place.plz} gehört zum Land {place.land_name}."
    else:
        return
    if moving_from_kv is None:
        raise PermissionDenied(
            f"Die PLZ {place.plz} liegt nicht in deinem Gebiet. Du kannst nur Linksaktive aus deinem "
            "Gebiet erfassen. Gib die Person bitte an die zuständige Gliederung weiter.",
            detail=where,
        )
    raise PermissionDenied(
        f"Die neue PLZ {place.plz} liegt außerhalb deines Gebiets. Ein Umzug dorthin ist eine Übergabe "
        "an eine andere Gliederung und wird nicht beim Bearbeiten erledigt. Nichts wurde geändert.",
        detail=where,
    )


def _refuse_duplicate(session: Session, scope: Scope, email: str, exclude_id: int | None = None) -> None:
    # Only contacts the user may see count: a hit outside the scope would reveal that the person exists.
    if email and q.email_in_scope(session, scope, email, exclude_id) is not None:
        raise ConflictError(DUPLICATE, detail=f"E-Mail-Adresse: {email}")


def create_contact(session: Session, scope: Scope, data: ContactInput, since: date | None = None) -> Created:
    """Capture a new contact with topics and consents, a first 'created' activity and an audit event (commits)."""
    require_action(scope, "contacts.care")
    values = clean_master(data)
    place = resolve_plz(session, data.plz)
    check_area(scope, place)
    status = check_status(data.status)
    source = check_source(data.source)
    topics = check_topics(data.topics)
    consents = check_consents(data.consents)
    for consent in consents:
        check_reachable(consent, {**values, "plz": data.plz})
    day = check_day(since or today_berlin(), "das Datum der Erfassung")
    _refuse_duplicate(session, scope, values["email"])
    now = utcnow()
    rank = LADDER.index(status)
    values["city"] = values["city"] or place.place
    contact = Contact(
        **values,
        plz=place.plz,
        kreis_ags=place.kreis_ags,
        kv_id=place.kv_id,
        land_code=place.land_code,
        status=status,
        source=source,
        contact_since=day,
        active_since=day if rank >= 1 else None,
        member_since=day if rank >= 2 else None,
        created_at=now,
        updated_at=now,
    )
    set_keys(contact)
    session.add(contact)
    session.flush()
    session.add_all([ContactTopic(contact_id=contact.id, topic=t) for t in topics])
    session.add_all(
        [
            Consent(
                contact_id=contact.id,
                purpose=c.purpose,
                channel=c.channel,
                granted_at=now,
                source=c.source,
                evidence=c.evidence,
            )
            for c in consents
        ]
    )
    session.add(
        Activity(
            contact_id=contact.id,
            kind="created",
            occurred_at=now,
            user_id=scope.user_id,
            note=f"Erfasst als {status_label(status)}",
        )
    )
    audit.record(
        session,
        scope,
        "contact_created",
        "contact",
        contact.id,
        kv_id=place.kv_id,
        status=status,
        source=source,
        topics=len(topics),
        consents=[f"{c.purpose}/{c.channel or '-'}" for c in consents],
    )
    if source == "webformular":
        # Double opt-in (issue 10): nothing but the confirmation mail goes out until the person confirms.
        from services.links.signup import start_confirmation

        start_confirmation(session, contact, now)
    session.commit()
    return Created(contact.id, place.kreis_name, place.kv_name, place.land_name)


def update_master(session: Session, scope: Scope, contact_id, data: ContactInput) -> list[str]:
    """Change name, e-mail, phone and address (the PLZ re-derives Kreis/KV/Land); changed field names (commits).

    Only the master fields of data are read. Returns [] and writes nothing when nothing changed.
    """
    contact = load(session, scope, contact_id)
    values = clean_master(data, current=contact)
    place = resolve_plz(session, data.plz)
    if place.plz != contact.plz:
        check_area(scope, place, moving_from_kv=contact.kv_id)
        if values["city"] == contact.city or not values["city"]:
            # The old place name belongs to the old PLZ; take the new one unless another was typed.
            values["city"] = place.place
    values["city"] = values["city"] or place.place
    values["plz"] = place.plz
    if values["email"] and values["email"].lower() != (contact.email or "").lower():
        _refuse_duplicate(session, scope, values["email"], exclude_id=contact.id)
    changed = [f for f in MASTER_FIELDS if values[f] != getattr(contact, f)]
    if not changed:
        return []
    old_kv = contact.kv_id
    for f in changed:
        setattr(contact, f, values[f])
    set_keys(contact)
    contact.kreis_ags, contact.kv_id, contact.land_code = place.kreis_ags, place.kv_id, place.land_code
    touch(contact)
    moved = {"kv_from": old_kv, "kv_to": place.kv_id} if old_kv != place.kv_id else {}
    audit.record(session, scope, "contact_updated", "contact", contact.id, fields=changed, **moved)
    session.commit()
    return changed


def set_topics(session: Session, scope: Scope, contact_id, topics) -> tuple[int, int]:
    """Replace the contact's topics; (added, removed) counts (commits; nothing written when unchanged)."""
    contact = load(session, scope, contact_id)
    wanted = set(check_topics(topics))
    current = q.topic_codes(session, contact.id)
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return 0, 0
    for t in removed:
        session.delete(session.get(ContactTopic, (contact.id, t)))
    session.add_all([ContactTopic(contact_id=contact.id, topic=t) for t in added])
    touch(contact)
    # Counts only: a person's interests are personal data and stay out of the audit.
    audit.record(
        session, scope, "contact_topics_changed", "contact", contact.id, added=len(added), removed=len(removed)
    )
    session.commit()
    return len(added), len(removed)
