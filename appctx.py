"""The doors from pages to services: read(fn, ...) and act(fn, ...), plus the guard and the flash.

A page never opens a database session, builds a scope or catches a UserError itself. It calls
read() for what it shows and act() for what the user does. Both open one session for the call,
pass the one scope (services.core.scope.scope_for), and turn a UserError into its German
message; act() also records the success message and reruns, so lists show the new state.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import streamlit as st

from domain.errors import UserError
from domain.roles import PERSON_ROLES, ROLE_LABELS
from registry import PAGES, may_open
from services.core.bootstrap import prepare_database
from services.core.runtime import get_engine, session_scope
from services.core.scope import Scope, scope_for
from services.core.settings import get_settings

FLASH = "cockpit_flash"
_ERRORS = "cockpit_errors"
_STOP = object()


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as pages need it (no database object kept across reruns)."""

    id: int
    username: str
    display_name: str
    role: str
    kv_id: int | None
    land_code: str | None
    area: str
    session_id: str | None = field(default=None, repr=False)  # the login session (services.core.sessions)

    @property
    def sees_persons(self) -> bool:
        """Whether the role works with persons (leitung reads aggregates only)."""
        return self.role in PERSON_ROLES


# No spinner of its own: app.py calls it first, under a spinner that says what the first start does.
@st.cache_resource(show_spinner=False)
def cockpit_engine():
    """The one engine of this process, migrated (and seeded in demo mode)."""
    engine = get_engine()
    prepare_database(engine, get_settings())
    return engine


@contextmanager
def _session():
    with session_scope(cockpit_engine()) as session:
        yield session


def current_user() -> CurrentUser | None:
    """The logged-in user of this browser session, if any."""
    return st.session_state.get("cockpit_user")


def _scope() -> Scope:
    user = current_user()
    if user is None:
        raise UserError("Bitte melde dich an.")
    return scope_for(user)  # the one constructor: an account without its area gets an error, not everything


def guard(path: str) -> CurrentUser:
    """Stop the page unless a user is logged in whose role may open it."""
    user = current_user()
    if user is None or not may_open(user.role, path):
        title = next((p.title for p in PAGES if p.path == path), "")
        role = f"„{ROLE_LABELS[user.role]}“ " if user is not None else ""
        st.error(
            f"Die Seite „{title}“ ist für deine Rolle {role}nicht freigegeben. "
            "Wähle links eine der Seiten, die du öffnen darfst, oder frag die Administration.",
            icon=":material/block:",
        )
        st.stop()
    return user


def show_error(error: UserError) -> None:
    """Show a service's German error in a red box; the value it is about (its detail) below it as plain text."""
    # The message is the code's own text; brackets are escaped all the same, so nothing in it can
    # become a Markdown link or an image loaded from another host. Typed values come only as detail.
    message = getattr(error, "message", str(error))
    st.error(message.replace("[", "\\[").replace("]", "\\]"), icon=":material/error:")
    if detail := getattr(error, "detail", ""):
        st.text(detail)


def read(fn, *args, fallback=_STOP, **kwargs):
    """Call fn(session, scope, *args) for what a page shows; a UserError is shown in German.

    After the error the page stops, unless a fallback is given: then the page goes on with it.
    Nothing a read does is committed unless the service commits itself.
    """
    try:
        with _session() as session:
            return fn(session, _scope(), *args, **kwargs)
    except UserError as exc:
        show_error(exc)
        if fallback is _STOP:
            st.stop()
        return fallback


def act(fn, *args, success, then=None, key: str | None = None, rerun: bool = True, **kwargs):
    """Call fn(session, scope, *args) for a user's action; on success flash the message and rerun.

    success is a text, or a function of the result giving a text or a list of (kind, text) with
    kind one of success, info, warning; it is shown as Markdown, so it is the page's own text with
    numbers at most, never a name or another value someone typed. then(result) runs after success, before the rerun (clear a
    form, keep a result). On a UserError nothing is committed (the session is rolled back), the
    German message shows in place, or where errors(key) stands when the action ran in a callback;
    the result is None.
    """
    try:
        with _session() as session:
            result = fn(session, _scope(), *args, **kwargs)
    except UserError as exc:
        if key is None:
            show_error(exc)
        else:
            st.session_state.setdefault(_ERRORS, {})[key] = (exc.message, exc.detail)
        return None
    message = success(result) if callable(success) else success
    st.session_state[FLASH] = [("success", message)] if isinstance(message, str) else list(message)
    if then is not None:
        then(result)
    if rerun:
        st.rerun()
    return result


def flash() -> None:
    """A fixed slot here, filled with the messages the last action left for after its rerun.

    The slot exists whether filled or not: widgets below keep their places, so expanders do
    not count as new (and close, hiding an error shown inside) when the message goes away.
    """
    slot = st.container()
    icons = {"success": ":material/check_circle:", "info": ":material/info:", "warning": ":material/warning:"}
    for kind, text in st.session_state.pop(FLASH, None) or []:
        getattr(slot, kind)(text, icon=icons[kind])


def errors(key: str) -> None:
    """Show here the error that an action for key left (actions run in callbacks draw nothing)."""
    if stored := st.session_state.get(_ERRORS, {}).pop(key, None):
        show_error(UserError(*stored))


def before_login(fn, *args):
    """Call fn(session, *args) for the login itself (credentials, lockout, session check): no scope yet."""
    with _session() as session:
        return fn(session, *args)
