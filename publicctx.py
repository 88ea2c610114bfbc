"""The door from the public link pages (no login) to services: read(fn, ...) and act(fn, ...).

Like appctx's doors, but without a user or a scope: the personal link's token is the only authority,
and the service checks it on every call. A UserError (a LinkError for a forged, expired or used link)
ends the page with its German message and changes nothing. Requests per IP address are limited.
"""

from __future__ import annotations

import streamlit as st

import appctx
from domain.errors import UserError
from services.core.runtime import session_scope
from services.core.settings import get_settings
from services.links.ratelimit import RateLimiter

FLASH = "public_flash"
DONE = "public_done"
TOO_MANY = (
    "Von deinem Anschluss kamen in kurzer Zeit sehr viele Anfragen. "
    "Bitte warte eine Minute und öffne den Link dann noch einmal."
)


@st.cache_resource(show_spinner=False)
def _limiter(limit: int) -> RateLimiter:
    return RateLimiter(limit)


def _visitor() -> str | None:
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return address
    # Streamlit gives None for a peer on 127.0.0.1: behind our proxy (deploy/nginx) that is every visitor,
    # and the proxy names the real one in X-Real-IP. Without a proxy there is no such header.
    real = st.context.headers.get("X-Real-IP") if st.context.headers else None
    return real.strip() if isinstance(real, str) and real.strip() else None


def check_rate() -> None:
    """Count this run for the visitor's IP address; over the limit the page ends with a German notice."""
    if not _limiter(get_settings().link_rate_limit).allow(_visitor()):
        st.error(TOO_MANY, icon=":material/hourglass_top:")
        st.stop()


def refuse(error: UserError) -> None:
    """End the page with the German message of error (nothing was changed)."""
    message = error.message.replace("[", "\\[").replace("]", "\\]")
    if getattr(error, "reason", "") in ("forged", "expired", "purpose", "other", "gone"):
        st.error(message, icon=":material/link_off:")
    else:  # used up, closed, lapsed, a choice missing: nothing wrong with the link itself
        st.warning(message, icon=":material/info:")
    st.stop()


def read(fn, *args, **kwargs):
    """Call fn(session, *args) for what the page shows; a UserError ends the page with its message."""
    try:
        with session_scope(appctx.cockpit_engine()) as session:
            return fn(session, *args, **kwargs)
    except UserError as exc:
        refuse(exc)


def act(fn, *args, success, final: bool = False, **kwargs):
    """Call fn(session, *args) for the person's action; flash success (text or function of the result), rerun.

    final: the link is used up by this action (a confirmation): after the rerun the page shows only the
    message. On a UserError nothing is committed and the page ends with its message.
    """
    try:
        with session_scope(appctx.cockpit_engine()) as session:
            result = fn(session, *args, **kwargs)
    except UserError as exc:
        refuse(exc)
        return None
    st.session_state[FLASH] = success(result) if callable(success) else success
    st.session_state[DONE] = final
    st.rerun()


def flash() -> None:
    """Show the message the last action left; after a final action the page ends with it."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    if st.session_state.pop(DONE, False):
        st.stop()
