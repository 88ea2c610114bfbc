"""Who may get the newspaper by post, and whether shipping is free (pure rules, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import ValidationError
from services.core import validate


@dataclass(frozen=True)
class ContactFacts:
    """What the rules need to know about one contact (read by db.queries.newspaper)."""

    contact_id: int
    first_name: str
    last_name: str
    street: str
    plz: str
    city: str
    plz_known: bool
    consent_post: bool
    nearest_office_id: int | None = None
    nearest_office_name: str | None = None
    nearest_office_address: str = ""
    nearest_office_hours: str = ""
    nearest_office_km: float | None = None
    open_order_status: str | None = None
    kv_id: int | None = None
    land_code: str | None = None


@dataclass(frozen=True)
class Eligibility:
    """The verdict for one contact: what is missing, and where the copies should go."""

    missing: list[str] = field(default_factory=list)
    office_in_reach: bool = False
    free_shipping: bool = False

    @property
    def ok(self) -> bool:
        """Whether an order by post may be created (ignoring the pickup rule)."""
        return not self.missing


def office_in_reach(km: float | None, reach_km: float) -> bool:
    """Whether the nearest office is within reach (no office known: not in reach)."""
    return km is not None and km <= reach_km


def missing_requirements(f: ContactFacts) -> list[str]:
    """German sentences naming exactly what stops an order by post."""
    missing = []
    if not f.consent_post:
        missing.append("Es gibt keine aktive Einwilligung für die Zeitung per Post.")
    if not (f.first_name or "").strip() and not (f.last_name or "").strip():
        missing.append("Der Name fehlt.")
    if not (f.street or "").strip():
        missing.append("Die Straße mit Hausnummer fehlt.")
    if not (f.plz or "").strip():
        missing.append("Die PLZ fehlt.")
    elif not f.plz_known:
        missing.append(f"Die PLZ {f.plz} ist unbekannt.")
    if not (f.city or "").strip():
        missing.append("Der Ort fehlt.")
    if f.open_order_status is not None:
        missing.append("Für diese Ausgabe gibt es schon eine Bestellung (nicht storniert).")
    return missing


def assess(f: ContactFacts, reach_km: float) -> Eligibility:
    """Missing requirements plus the shipping verdict (free only without office in reach)."""
    in_reach = office_in_reach(f.nearest_office_km, reach_km)
    return Eligibility(missing=missing_requirements(f), office_in_reach=in_reach, free_shipping=not in_reach)


def validate_override(reason: str | None) -> str:
    """A team override needs a written reason of some substance; returns it stripped."""
    text = validate.text(reason, "order.override_reason")
    if len(text) < 10:
        raise ValidationError(
            "Für den Versand trotz Geschäftsstelle in Reichweite braucht es eine Begründung (mindestens 10 Zeichen)."
        )
    return text
