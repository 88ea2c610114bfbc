"""Who sees which persons (DESIGN §3.1): one function makes the scope; db.scope applies it."""

from __future__ import annotations

# The scope type and its query filters live in the data layer, which applies them; services use them from here.
from db.scope import PERSON_ROLES, Scope, apply_area, apply_scope, require_persons
from domain.errors import PermissionDenied
from domain.roles import may

__all__ = [
    "PERSON_ROLES",
    "Scope",
    "apply_area",
    "apply_scope",
    "may_see_contact",
    "require_persons",
    "require_action",
    "scope_for",
]


def scope_for(user) -> Scope:
    """Turn a user (model or any object with role, kv_id, land_code) into a Scope."""
    role = user.role
    if role == "kreis" and user.kv_id is None:
        raise PermissionDenied("Deinem Konto ist kein Kreisverband zugeordnet. Bitte wende dich an die Administration.")
    if role == "land" and not user.land_code:
        raise PermissionDenied(
            "Deinem Konto ist kein Landesverband zugeordnet. Bitte wende dich an die Administration."
        )
    return Scope(
        role=role,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", ""),
        kv_id=user.kv_id if role == "kreis" else None,
        land_code=user.land_code if role == "land" else None,
        session_id=getattr(user, "session_id", None),
    )


def require_action(scope: Scope, action: str) -> None:
    """Refuse the call unless the role table (domain.roles) lets the user's role take this kind of action."""
    if not may(scope.role, action):
        raise PermissionDenied("Das darf deine Rolle nicht.")


def may_see_contact(scope: Scope, contact_kv_id: int, contact_land_code: str, shared_kv_ids=()) -> bool:
    """Whether one contact is inside the scope (for checks on a single record)."""
    if not scope.sees_persons:
        return False
    if scope.role == "kreis":
        return contact_kv_id == scope.kv_id or scope.kv_id in shared_kv_ids
    if scope.role == "land":
        return contact_land_code == scope.land_code
    return True
