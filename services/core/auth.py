"""Login checks with lockout kept in the database, passwords, and the credential list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy.orm import Session

from db.models import User
from db.queries.admin.users import active_users, user_named
from db.types import utcnow
from domain.errors import ValidationError
from services.core import audit, sessions, validate
from services.core.scope import Scope, require_action

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LEN = 10
MAX_PASSWORD_BYTES = 72  # bcrypt 5 raises beyond this


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt; message is German and safe to show; session_id names the new session."""

    ok: bool
    message: str = ""
    session_id: str = ""


def hash_password(password: str) -> str:
    """bcrypt hash of a password that passed validate_password."""
    validate_password(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def validate_password(password: str) -> None:
    """Refuse passwords too short or too long for bcrypt, with a German message."""
    if len(password) < MIN_PASSWORD_LEN:
        raise ValidationError(f"Das Passwort braucht mindestens {MIN_PASSWORD_LEN} Zeichen.")
    if validate.control_problem(password):
        # bcrypt would end the password at a NUL byte: everything after it would not count.
        raise ValidationError(
            "Das Passwort enthält Steuerzeichen (z. B. ein Nullbyte). Bitte nimm nur sichtbare Zeichen."
        )
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValidationError(
            f"Das Passwort darf höchstens {MAX_PASSWORD_BYTES} Bytes lang sein (Umlaute zählen doppelt)."
        )


def _matches(password: str, password_hash: str) -> bool:
    raw = password.encode()
    if len(raw) > MAX_PASSWORD_BYTES or b"\x00" in raw:  # bcrypt would ignore all after a NUL byte
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode())
    except ValueError:
        return False


# One answer for every refused login: unknown, inactive, wrong password and locked look the same,
# so trying names tells nobody which accounts exist or are locked.
LOGIN_REFUSED = (
    "Benutzername oder Passwort ist falsch – oder das Konto ist nach zu vielen Fehlversuchen "
    f"für {LOCK_MINUTES} Minuten gesperrt. Versuche es später noch einmal oder bitte die Administration um Hilfe."
)
# A hash to check against when there is no account, so a refusal takes as long either way.
_DUMMY_HASH = bcrypt.hashpw(b"no-such-account", bcrypt.gensalt(rounds=12)).decode()


def check_login(session: Session, username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Verify a login, count failures, lock after 5 in a row for 15 minutes; audited; commits.

    Every refusal gives the same message (LOGIN_REFUSED) and checks a password hash.
    """
    now = now or utcnow()
    user = user_named(session, username)
    if user is None or not user.active:
        _matches(password, _DUMMY_HASH)
        audit.record(session, None, "login_failed", "user", user.id if user else "", reason="unknown_or_inactive")
        session.commit()
        return LoginResult(False, LOGIN_REFUSED)
    matches = _matches(password, user.password_hash)
    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, None, "login_refused_locked", "user", user.id)
        session.commit()
        return LoginResult(False, LOGIN_REFUSED)
    if not matches:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            audit.record(session, None, "account_locked", "user", user.id)
        audit.record(session, None, "login_failed", "user", user.id, reason="wrong_password")
        session.commit()
        return LoginResult(False, LOGIN_REFUSED)
    user.failed_logins = 0
    user.locked_until = None
    user.last_activity_at = now
    session_id = sessions.start_session(session, user.id, now)
    audit.record(session, _actor(user), "login", "user", user.id, session_ref=sessions.session_ref(session_id))
    session.commit()
    return LoginResult(True, session_id=session_id)


def _actor(user: User) -> Scope:
    return Scope(role=user.role, user_id=user.id, username=user.username)


def credentials(session: Session) -> dict:
    """The credential dict streamlit-authenticator expects, from the users table (active only)."""
    users = active_users(session)
    return {
        "usernames": {
            u.username: {
                "name": u.display_name,
                "email": u.email or f"{u.username}@invalid.local",
                "password": u.password_hash,
                "roles": [u.role],
                "first_name": u.display_name,
                "last_name": "",
            }
            for u in users
        }
    }


def record_logout(session: Session, user_id: int, username: str, session_id: str | None = None) -> None:
    """End the browser's session record (a copied cookie stops working) and audit the logout; commits."""
    sessions.end_session(session, session_id, "logout")
    audit.record(session, Scope(role="", user_id=user_id, username=username), "logout", "user", user_id)
    session.commit()


def change_own_password(
    session: Session, user_id: int, old: str, new: str, repeat: str, keep_session_id: str | None = None
) -> None:
    """Change the logged-in user's password after checking the old one; audited; commits.

    Every other session of the user ends (keep_session_id, the browser that changed it, goes on).
    """
    user = session.get(User, user_id)
    if user is None or not _matches(old, user.password_hash):
        raise ValidationError("Das bisherige Passwort stimmt nicht. Es wurde nichts geändert.")
    if new != repeat:
        raise ValidationError("Die beiden neuen Passwörter stimmen nicht überein. Es wurde nichts geändert.")
    if new == old:
        raise ValidationError("Das neue Passwort muss sich vom bisherigen unterscheiden.")
    user.password_hash = hash_password(new)
    ended = sessions.end_user_sessions(session, user.id, "password_changed", keep=keep_session_id)
    audit.record(session, _actor(user), "password_changed", "user", user.id, sessions_ended=ended)
    session.commit()


def change_my_password(session: Session, scope: Scope, old: str, new: str, repeat: str) -> None:
    """change_own_password for the user the scope belongs to (the page's door passes the scope)."""
    require_action(scope, "account.own")
    change_own_password(session, scope.user_id, old, new, repeat, keep_session_id=scope.session_id)


def my_email(session: Session, scope: Scope) -> str:
    """The logged-in user's own e-mail address ('' when none is stored)."""
    require_action(scope, "account.own")
    user = session.get(User, scope.user_id)
    return (user.email or "") if user else ""


def change_my_email(session: Session, scope: Scope, email: str) -> str:
    """Store the logged-in user's own e-mail address (for test mails); validated, audited; commits."""
    require_action(scope, "account.own")
    user = session.get(User, scope.user_id)
    if user is None:
        raise ValidationError("Dein Konto wurde nicht gefunden. Es wurde nichts geändert.")
    address = validate.email(email, "user.email")
    if address == (user.email or ""):
        return address
    user.email = address
    audit.record(session, scope, "email_changed", "user", user.id)
    session.commit()
    return address
