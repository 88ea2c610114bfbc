"""Creating orders: one person, or a batch; copies are set aside from the stock at creation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Activity, DispatchOrder, NewspaperEdition
from db.queries import newspaper as q
from db.queries.newspaper import BatchFilter
from db.types import utcnow
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.formatting import format_decimal
from domain.roles import may
from services.core import audit
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.newspaper.eligibility import ContactFacts, assess, validate_override

MAX_BUNDLES = 20
STOCK_NOTE = (
    "Der Bestand wird beim Bestätigen geprüft: Die Exemplare werden in dem Moment zurückgelegt, "
    "in dem die Bestellung angelegt wird, und erst bei Stornierung oder Rücklauf wieder frei."
)


@dataclass(frozen=True)
class BatchPreview:
    """What confirming a batch would do, as computed now."""

    people: int
    copies: int
    available: int
    stock_left_after: int
    sample: pd.DataFrame
    by_land: pd.DataFrame | None = None  # Land, Personen: where the batch's people live

    @property
    def fits(self) -> bool:
        """Whether the stock covers the batch."""
        return self.stock_left_after >= 0


def _edition(session: Session, edition_id: int) -> NewspaperEdition:
    edition = session.get(NewspaperEdition, edition_id)
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    return edition


def _copies(edition: NewspaperEdition, bundles: int) -> int:
    if not isinstance(bundles, int) or bundles < 1 or bundles > MAX_BUNDLES:
        raise ValidationError(f"Bitte gib zwischen 1 und {MAX_BUNDLES} Bündel an.")
    return bundles * edition.copies_per_bundle


def load_facts(session: Session, scope: Scope, contact_id: int, edition_id: int | None) -> ContactFacts:
    """The eligibility facts of one contact of the user's scope (NotFoundError otherwise)."""
    data = q.contact_facts(session, scope, contact_id, edition_id)
    if data is None:
        raise NotFoundError("Diese Person gibt es nicht oder sie liegt außerhalb deines Gebiets.")
    return ContactFacts(**data)


def open_for_order(
    session: Session, scope: Scope, contact_id: int, edition_id: int, audit_open: bool = True
) -> ContactFacts:
    """Load one contact for the order form; opening the person is audited (once per pick)."""
    facts = load_facts(session, scope, contact_id, edition_id)
    if audit_open:
        audit.record(session, scope, "contact_open", "contact", contact_id, context="newspaper_order")
        session.commit()
    return facts


def _available(session: Session, edition: NewspaperEdition) -> int:
    return edition.copies_in_stock - q.reserved_copies(session, edition.id)


def available_copies(session: Session, edition_id: int) -> int:
    """Copies of the stock not yet set aside."""
    return _available(session, _edition(session, edition_id))


def free_copies(session: Session, scope: Scope, edition_id: int) -> int:
    """available_copies for a page's read door: the stock is the same for every scope."""
    return available_copies(session, edition_id)


def create_single_order(
    session: Session,
    scope: Scope,
    edition_id: int,
    contact_id: int,
    bundles: int,
    reach_km: float,
    override_reason: str = "",
) -> int:
    """Order the edition by post for one contact; checks consent, address, reach and stock. Returns the id."""
    require_action(scope, "newspaper.order")
    edition = q.lock_edition(session, edition_id)  # first statement: stock is counted under the lock
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    copies = _copies(edition, bundles)
    facts = load_facts(session, scope, contact_id, edition_id)
    verdict = assess(facts, reach_km)
    if verdict.missing:
        raise ValidationError("Keine Bestellung möglich: " + " ".join(verdict.missing))
    reason = ""
    if verdict.office_in_reach:
        if not may(scope.role, "newspaper.override") or not (override_reason or "").strip():
            raise ValidationError(
                f"Die nächste Geschäftsstelle ist nur {format_decimal(facts.nearest_office_km)} km entfernt: "
                "Die Zeitung wird dort abgeholt. Nur das Linksaktiv-Team kann mit Begründung den Versand anordnen.",
                detail=f"Geschäftsstelle: {facts.nearest_office_name}",
            )
        reason = validate_override(override_reason)
    available = _available(session, edition)
    if copies > available:
        raise ConflictError(f"Nicht genug Bestand: {available} Exemplare frei, {copies} angefragt.")
    order_id = place_order(session, scope, edition, facts, copies, reason)
    session.commit()
    return order_id


def place_order(
    session: Session, scope: Scope, edition: NewspaperEdition, facts: ContactFacts, copies: int, reason: str = ""
) -> int:
    """Add one checked order with its timeline entry and audit event (not committed); returns its id.

    The caller holds the edition's lock and has checked eligibility and stock; the unique index
    still refuses a second open order of the person (ConflictError, the session rolled back).
    """
    order = DispatchOrder(
        edition_id=edition.id,
        contact_id=facts.contact_id,
        copies=copies,
        ship_name=f"{facts.first_name} {facts.last_name}".strip(),
        ship_street=facts.street,
        ship_plz=facts.plz,
        ship_city=facts.city,
        kv_id=facts.kv_id,
        land_code=facts.land_code,
        free_shipping=True,
        override_reason=reason,
        status="requested",
        created_by=scope.user_id,
    )
    session.add(order)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError("Für diese Person gibt es schon eine Bestellung dieser Ausgabe.") from None
    session.add(
        Activity(
            contact_id=facts.contact_id,
            kind="newspaper_order",
            ref_type="dispatch_order",
            ref_id=order.id,
            user_id=scope.user_id,
            note=edition.title,
        )
    )
    audit.record(
        session,
        scope,
        "newspaper_order_create",
        "dispatch_order",
        order.id,
        edition_id=edition.id,
        contact_id=facts.contact_id,
        copies=copies,
        override=bool(reason),
    )
    return order.id


def _check_batch_role(scope: Scope, flt: BatchFilter) -> None:
    require_action(scope, "newspaper.batch")
    get_settings().reach.check(flt.reach_km)


def preview_batch(session: Session, scope: Scope, edition_id: int, flt: BatchFilter, bundles: int = 1) -> BatchPreview:
    """Figures and a sample of a batch, without changing anything."""
    _check_batch_role(scope, flt)
    edition = _edition(session, edition_id)
    per_person = _copies(edition, bundles)
    by_land = q.batch_by_land(session, scope, edition_id, flt)
    people = int(by_land["Personen"].sum())  # the same selection, so no second count of it
    available = _available(session, edition)
    return BatchPreview(
        people=people,
        copies=people * per_person,
        available=available,
        stock_left_after=available - people * per_person,
        sample=q.batch_sample(session, scope, edition_id, flt),
        by_land=by_land,
    )


def confirm_batch(
    session: Session,
    scope: Scope,
    edition_id: int,
    flt: BatchFilter,
    bundles: int,
    expected_people: int,
    expected_copies: int,
) -> int:
    """Create the batch's orders if the preview's figures still hold (ConflictError otherwise)."""
    _check_batch_role(scope, flt)
    edition = q.lock_edition(session, edition_id)  # first statement: serialises concurrent batches
    if edition is None:
        raise NotFoundError("Diese Ausgabe gibt es nicht.")
    per_person = _copies(edition, bundles)
    people = q.batch_count(session, scope, edition_id, flt)
    available = _available(session, edition)
    if people != expected_people or people * per_person != expected_copies:
        raise ConflictError(
            f"Die Zahlen haben sich seit der Vorschau geändert: jetzt {people} Personen und "
            f"{people * per_person} Exemplare (vorher {expected_people} und {expected_copies}). "
            "Es wurde nichts bestellt; bitte prüfe die neue Vorschau."
        )
    if people == 0:
        raise ValidationError("Für diese Auswahl gibt es niemanden, der noch keine Bestellung hat.")
    if people * per_person > available:
        raise ConflictError(
            f"Nicht genug Bestand: {available} Exemplare frei, {people * per_person} nötig. Es wurde nichts bestellt."
        )
    try:
        made = q.insert_batch(session, scope, edition_id, flt, per_person, scope.user_id, utcnow())
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            "Jemand hat gleichzeitig für dieselben Personen bestellt. Es wurde nichts "
            "bestellt; bitte prüfe die neue Vorschau."
        ) from None
    if made != people:
        session.rollback()
        raise ConflictError("Die Sammelbestellung hat sich beim Anlegen verändert; es wurde nichts bestellt.")
    audit.record(
        session,
        scope,
        "newspaper_batch_create",
        "newspaper_edition",
        edition_id,
        orders=made,
        copies=made * per_person,
        land=flt.land_code,
        kv_id=flt.kv_id,
        topic=flt.topic,
        status=flt.status,
        reach_km=flt.reach_km,
    )
    session.commit()
    return made
