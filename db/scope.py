"""Scope in the data layer (DESIGN §3.1): the user's reach and the filters every query applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, or_, select

from db.models import Contact, ContactShare
from domain.errors import PermissionDenied
from domain.roles import PERSON_ROLES


@dataclass(frozen=True)
class Scope:
    """The logged-in user's reach: role plus home LV or KV."""

    role: str
    user_id: int | None = None
    username: str = ""
    kv_id: int | None = None
    land_code: str | None = None
    # The login session acting (services.core.sessions): changing one's own password ends the
    # user's other sessions but this one. A secret: kept out of repr and comparisons.
    session_id: str | None = field(default=None, repr=False, compare=False)

    @property
    def sees_persons(self) -> bool:
        """Whether this role may see personal data at all."""
        return self.role in PERSON_ROLES

    @property
    def level(self) -> str:
        """'kv', 'land' or 'national': the area the user works on."""
        return {"kreis": "kv", "land": "land"}.get(self.role, "national")


def require_persons(scope: Scope) -> None:
    """Refuse any personal-data access for roles without it."""
    if not scope.sees_persons:
        raise PermissionDenied("Deine Rolle sieht keine personenbezogenen Daten, nur Auswertungen.")


def apply_scope(stmt: Select, scope: Scope, contact=Contact) -> Select:
    """Restrict a query over contacts to those the scope may see (persons only)."""
    require_persons(scope)
    if scope.role == "kreis":
        # Handed-over volunteers are visible to the receiving KV only via an explicit share.
        shared = select(ContactShare.contact_id).where(
            ContactShare.kv_id == scope.kv_id, ContactShare.revoked_at.is_(None)
        )
        return stmt.where(or_(contact.kv_id == scope.kv_id, contact.id.in_(shared)))
    if scope.role == "land":
        return stmt.where(contact.land_code == scope.land_code)
    return stmt


def apply_area(stmt: Select, scope: Scope, kv_col, land_col) -> Select:
    """Restrict an aggregate query to the scope's area (every role, leitung: all Germany)."""
    if scope.role == "kreis":
        return stmt.where(kv_col == scope.kv_id)
    if scope.role == "land":
        return stmt.where(land_col == scope.land_code)
    return stmt
