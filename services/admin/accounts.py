"""User accounts: area labels, administration (create, role, deactivate, reset, unlock)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Kreisverband, Land, User
from db.queries.admin import users
from db.queries.common import area_names
from db.types import utcnow
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.roles import ROLE_LABELS as ROLES
from services.core import audit, sessions, validate
from services.core.auth import hash_password
from services.core.scope import Scope, require_action, scope_for

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
USERNAME_RULES = (
    "3 bis 60 Zeichen: Kleinbuchstaben ohne Umlaute, Ziffern, Punkt, Binde- oder "
    "Unterstrich; am Anfang ein Buchstabe oder eine Ziffer."
)


def area_label(session: Session, user: User) -> str:
    """The user's area in words: 'Bundesweit', a Land's name or a KV's name."""
    if user.role == "kreis" and user.kv_id is not None:
        kv = session.get(Kreisverband, user.kv_id)
        return kv.name if kv else "Kreisverband"
    if user.role == "land" and user.land_code:
        land = session.get(Land, user.land_code)
        return land.name if land else "Landesverband"
    return "Bundesweit"


@dataclass(frozen=True)
class UserRow:
    """One line of the user list (no password hash)."""

    id: int
    username: str
    display_name: str
    email: str
    role: str
    area: str
    active: bool
    locked_until: datetime | None
    failed_logins: int
    created_at: datetime
    land_code: str | None = None
    kv_id: int | None = None


def _area_fields(
    session: Session, role: str, land_code: str | None, kv_id: int | None
) -> tuple[str | None, int | None]:
    """Validate the home area for a role; returns (land_code, kv_id) to store."""
    if not role:
        raise ValidationError("Bitte wähle eine Rolle.")
    if role not in ROLES:
        raise ValidationError("Diese Rolle gibt es nicht.")
    if role == "land":
        if not land_code or session.get(Land, land_code) is None:
            raise ValidationError("Für die Rolle Landesverband braucht es einen Landesverband.")
        return land_code, None
    if role == "kreis":
        kv = session.get(Kreisverband, kv_id) if kv_id is not None else None
        if kv is None:
            raise ValidationError("Für die Rolle Kreisverband braucht es einen Kreisverband.")
        return kv.land_code, kv.id
    return None, None


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("Diese:n Benutzer:in gibt es nicht.")
    return user


def create_user(
    session: Session,
    scope: Scope,
    username: str,
    display_name: str,
    role: str,
    password: str,
    email: str = "",
    land_code: str | None = None,
    kv_id: int | None = None,
) -> int:
    """Create a user (admin only); validates everything first; audited; commits; returns the id."""
    require_action(scope, "admin.users")
    username = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationError("Der Benutzername passt nicht: " + USERNAME_RULES)
    display_name = validate.text(display_name, "user.display_name") or username
    email = validate.email(email, "user.email")
    land, kv = _area_fields(session, role, land_code, kv_id)
    password_hash = hash_password(password)
    if users.username_taken(session, username):
        raise ConflictError("Diesen Benutzernamen gibt es schon. Bitte wähle einen anderen.")
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        password_hash=password_hash,
        role=role,
        land_code=land,
        kv_id=kv,
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    audit.record(session, scope, "user_created", "user", user.id, role=role, kv_id=kv, land_code=land)
    session.commit()
    return user.id


def set_role_and_area(
    session: Session, scope: Scope, user_id: int, role: str, land_code: str | None = None, kv_id: int | None = None
) -> None:
    """Change a user's role and home LV/KV (admin only); audited; commits."""
    require_action(scope, "admin.users")
    user = _get_user(session, user_id)
    land, kv = _area_fields(session, role, land_code, kv_id)
    if user.id == scope.user_id and role != "admin":
        raise ValidationError("Du kannst dir die Administrationsrolle nicht selbst nehmen.")
    old_role = user.role
    user.role, user.land_code, user.kv_id = role, land, kv
    audit.record(
        session, scope, "user_role_changed", "user", user.id, old_role=old_role, role=role, kv_id=kv, land_code=land
    )
    session.commit()


def set_active(session: Session, scope: Scope, user_id: int, active: bool) -> None:
    """Deactivate or reactivate a user (admin only; not oneself); audited; commits."""
    require_action(scope, "admin.users")
    user = _get_user(session, user_id)
    if user.id == scope.user_id and not active:
        raise ValidationError("Du kannst dein eigenes Konto nicht deaktivieren.")
    user.active = active
    if not active:
        user.sessions_revoked_at = utcnow()
        sessions.end_user_sessions(session, user.id, "deactivated")
    audit.record(session, scope, "user_reactivated" if active else "user_deactivated", "user", user.id)
    session.commit()


def deactivate(session: Session, scope: Scope, user_id: int) -> None:
    """Deactivate a user: no more logins, running sessions end."""
    set_active(session, scope, user_id, False)


def reactivate(session: Session, scope: Scope, user_id: int) -> None:
    """Reactivate a deactivated user."""
    set_active(session, scope, user_id, True)


def reset_password(session: Session, scope: Scope, user_id: int, new_password: str) -> None:
    """Set a new password for a user (admin only); ends their sessions; audited; commits."""
    require_action(scope, "admin.users")
    user = _get_user(session, user_id)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    user.sessions_revoked_at = utcnow()
    sessions.end_user_sessions(session, user.id, "password_reset")
    audit.record(session, scope, "password_reset", "user", user.id)
    session.commit()


def unlock(session: Session, scope: Scope, user_id: int) -> None:
    """Clear a lockout after failed logins (admin only); audited; commits."""
    require_action(scope, "admin.users")
    user = _get_user(session, user_id)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, scope, "user_unlocked", "user", user.id)
    session.commit()


def log_out_everywhere(session: Session, scope: Scope, user_id: int) -> None:
    """End every running session of a user (admin, or the user themself); audited; commits."""
    if scope.user_id != user_id:
        require_action(scope, "admin.users")
    user = _get_user(session, user_id)
    user.sessions_revoked_at = utcnow()
    ended = sessions.end_user_sessions(session, user.id, "logged_out_everywhere")
    audit.record(session, scope, "sessions_revoked", "user", user.id, sessions_ended=ended)
    session.commit()


def list_users(session: Session, scope: Scope) -> list[UserRow]:
    """All users with their area in words (admin only)."""
    require_action(scope, "admin.users")
    kv_names = area_names.kv_names(session)
    land_names = area_names.land_names(session)
    rows = []
    for u in users.users_by_username(session):
        area = (
            kv_names.get(u.kv_id, "")
            if u.role == "kreis"
            else land_names.get(u.land_code, "")
            if u.role == "land"
            else "Bundesweit"
        )
        rows.append(
            UserRow(
                u.id,
                u.username,
                u.display_name,
                u.email,
                u.role,
                area,
                u.active,
                u.locked_until,
                u.failed_logins or 0,
                u.created_at,
                u.land_code,
                u.kv_id,
            )
        )
    return rows


def kv_choices(session: Session, scope: Scope) -> dict[int, str]:
    """All KVs by id with their name, sorted by name (for forms; reference data, the same for every scope)."""
    return area_names.kv_names_by_name(session)


def land_choices(session: Session, scope: Scope) -> dict[str, str]:
    """All Länder by code with their name, sorted by name (for forms; reference data, the same for every scope)."""
    return area_names.land_names_by_name(session)


def account_scope(session: Session, username: str) -> Scope:
    """The scope of an active account, for jobs that act for it (scheduled imports); NotFoundError otherwise."""
    user = users.user_named(session, username)
    if user is None or not user.active:
        raise NotFoundError("Ein aktives Konto mit diesem Namen gibt es nicht.", detail=f"Konto: {username}")
    return scope_for(user)
