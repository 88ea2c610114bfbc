"""Streamlit glue shared by app.py and pages: engine, current user, guard, error display."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from registry import may_open
from services.core.bootstrap import prepare_database
from domain.errors import UserError
from services.core.runtime import get_engine, session_scope
from services.core.scope import Scope
from services.core.settings import get_settings

ROLE_LABELS = {"admin": "Administration", "team": "Linksaktiv-Team", "land": "Landesverband",
               "kreis": "Kreisverband", "leitung": "Leitung"}


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

    @property
    def scope(self) -> Scope:
        """The user's data scope."""
        return Scope(role=self.role, user_id=self.id, username=self.username,
                     kv_id=self.kv_id if self.role == "kreis" else None,
                     land_code=self.land_code if self.role == "land" else None)


@st.cache_resource(show_spinner="Datenbank wird vorbereitet …")
def cockpit_engine():
    """The one engine of this process, migrated (and seeded in demo mode)."""
    engine = get_engine()
    prepare_database(engine, get_settings())
    return engine


@contextmanager
def db_session():
    """A session for one user action."""
    with session_scope(cockpit_engine()) as session:
        yield session


def current_user() -> CurrentUser | None:
    """The logged-in user of this browser session, if any."""
    return st.session_state.get("cockpit_user")


def guard(path: str) -> CurrentUser:
    """Stop the page unless a user is logged in whose role may open it."""
    user = current_user()
    if user is None or not may_open(user.role, path):
        st.error("Diese Seite ist für deine Rolle nicht freigegeben.")
        st.stop()
    return user


def show_error(error: UserError) -> None:
    """Show a service's German error message.

    Messages may quote database values (an office's name, a PLZ): brackets are escaped so no
    value can become a Markdown link or an image loaded from another host.
    """
    text = str(error).replace("[", "\\[").replace("]", "\\]")
    st.error(text, icon=":material/error:")


def show_flash(key: str) -> None:
    """A fixed slot here, filled with the message an action left for after its rerun.

    The slot exists whether filled or not: widgets below keep their places, so expanders do
    not count as new (and close, hiding an error shown inside) when the message goes away.
    """
    slot = st.empty()
    if message := st.session_state.pop(key, None):
        slot.success(message, icon=":material/check_circle:")


def run_action(user: CurrentUser, fn, *args, success, flash_key: str | None = None):
    """Run service fn(session, scope, *args) in one session; show its German error, or success.

    success is a text or a function of the result. With flash_key the page reruns (so lists
    show the new state) and show_flash(flash_key) shows the message after the rerun.
    """
    try:
        with db_session() as session:
            result = fn(session, user.scope, *args)
    except UserError as exc:
        show_error(exc)
        return None
    message = success(result) if callable(success) else success
    if flash_key:
        st.session_state[flash_key] = message
        st.rerun()
    st.success(message)
    return result
