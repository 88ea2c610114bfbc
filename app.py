"""Linksaktiv Cockpit: page config, login, navigation built from the user's role."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
import streamlit_authenticator as stauth

import appctx
from components.static_assets import FAVICON
from components.text import md
from db.types import utcnow
from domain.errors import UserError
from domain.roles import ROLE_LABELS
from registry import pages_for
from services.admin.accounts import area_label
from services.core import auth
from services.core.settings import ConfigError, get_settings

st.set_page_config(page_title="Linksaktiv Cockpit", page_icon=FAVICON, layout="wide")

LOGIN_FIELDS = {
    "Form name": "Anmelden",
    "Username": "Benutzername",
    "Password": "Passwort",
    "Login": "Anmelden",
    "Captcha": "Captcha",
}

settings = get_settings()
try:
    settings.validate()
except ConfigError as exc:
    st.error(str(exc))
    st.stop()

appctx.cockpit_engine()  # migrates (and seeds in demo mode) before anything reads
creds = appctx.before_login(auth.credentials)

# Exactly one Authenticate per run (DESIGN §7); no api_key, no login sleep.
authenticator = stauth.Authenticate(
    creds, settings.cookie_name, settings.cookie_key, settings.cookie_expiry_days, auto_hash=False, login_sleep_time=0
)
_model = authenticator.authentication_controller.authentication_model


def _check_credentials(username: str, password: str) -> bool:
    # Our database decides: failed-login counts and lockout survive restarts.
    result = appctx.before_login(auth.check_login, username, password)
    if not result.ok:
        st.session_state["login_error"] = result.message
    return result.ok


_model.check_credentials = _check_credentials


def _token_issued_at() -> datetime | None:
    exp = authenticator.cookie_controller.cookie_model.exp_date
    token = getattr(authenticator.cookie_controller.cookie_model, "token", None)
    exp = (token or {}).get("exp_date", exp) if isinstance(token, dict) else exp
    if not exp:
        return None
    return datetime.fromtimestamp(exp - settings.cookie_expiry_days * 86400, tz=UTC)


def _login_page() -> None:
    st.title("Linksaktiv Cockpit")
    st.caption("Das Organizing-Werkzeug für Linksaktiv. Bitte melde dich an.")
    st.session_state.pop("login_error", None)
    notice = st.session_state.pop("session_notice", None)
    if notice:
        st.warning(notice)
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="login")
    except stauth.LoginError:
        st.error("Anmeldung nicht möglich.")
    if st.session_state.get("authentication_status") is False:
        st.error(st.session_state.get("login_error", "Benutzername oder Passwort ist falsch."))
    if settings.demo_mode:
        st.info(
            "Demo-Modus: Benutzer `admin`, `team`, `lv-sachsen`, `kv-leipzig`, `kv-goerlitz`, "
            "`leitung`; Passwort `linksaktiv-demo`."
        )


def _logout(_info=None) -> None:
    user = appctx.current_user()
    if user is not None:
        appctx.before_login(auth.record_logout, user.id, user.username)
    st.session_state.pop("cockpit_user", None)
    st.session_state.pop("cockpit_login_at", None)
    st.session_state.pop(appctx.FLASH, None)  # a message of the last action is not for the next login


def _load_user(session, username: str, login_at: datetime) -> appctx.CurrentUser | None:
    db_user = auth.load_active_user(session, username, settings.idle_timeout_minutes, token_issued_at=login_at)
    if db_user is None:
        return None
    return appctx.CurrentUser(
        db_user.id,
        db_user.username,
        db_user.display_name,
        db_user.role,
        db_user.kv_id,
        db_user.land_code,
        area_label(session, db_user),
    )


if not st.session_state.get("authentication_status"):
    try:
        token = authenticator.cookie_controller.get_cookie()
        if token:
            authenticator.authentication_controller.login(token=token)
    except stauth.LoginError:
        authenticator.cookie_controller.delete_cookie()

username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
user = None
if username:
    # When this browser session logged in (the cookie's issue time, or now after the form):
    # "log out everywhere" ends every session that began before it.
    login_at = st.session_state.setdefault("cockpit_login_at", _token_issued_at() or utcnow())
    user = appctx.before_login(_load_user, username, login_at)
    if user is None:
        # Deactivated, locked, idle or logged out everywhere: end this session too.
        authenticator.authentication_controller.logout()
        authenticator.cookie_controller.delete_cookie()
        st.session_state.pop("cockpit_user", None)
        st.session_state.pop("cockpit_login_at", None)
        st.session_state.pop(appctx.FLASH, None)
        st.session_state["session_notice"] = "Deine Sitzung ist abgelaufen. Bitte melde dich neu an."

if user is not None:
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}**  \n{ROLE_LABELS[user.role]} · {md(user.area)}")
        authenticator.logout("Abmelden", location="sidebar", key="abmelden", callback=_logout)
    if not st.session_state.get("authentication_status"):
        user = None  # logged out just now: show the login page in this same run

if user is None:
    st.navigation([st.Page(_login_page, title="Anmelden", icon=":material/login:")], position="hidden").run()
    st.stop()

st.session_state["cockpit_user"] = user
pages: dict[str, list] = {}
for spec in pages_for(user.role):
    pages.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    )
current = st.navigation(pages, position="hidden")

with st.sidebar:
    for section, entries in pages.items():
        st.caption(section)
        for page in entries:
            st.page_link(page)

try:
    current.run()
except UserError as exc:
    appctx.show_error(exc)  # a safety net: pages reach services through appctx.read/act
