"""Linksaktiv Cockpit: page config, login, navigation built from the user's role."""

from __future__ import annotations

import jwt  # PyJWT: streamlit-authenticator's own token library (a dependency of it)
import streamlit as st
import streamlit_authenticator as stauth

import appctx
from components import german_defaults
from components.narrow import close_sidebar_after_navigation, compact_on_phones
from components.static_assets import FAVICON
from components.text import plain
from domain.errors import UserError
from domain.roles import ROLE_LABELS
from registry import PAGES, pages_for
from services.admin.accounts import area_label
from services.core import auth, sessions
from services.core.settings import ConfigError, get_settings
from services.links.mail_links import TOKEN_PARAM

st.set_page_config(page_title="Linksaktiv Cockpit", page_icon=FAVICON, layout="wide")
german_defaults.install()

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

FIRST_START = (
    "Die Datenbank wird vorbereitet. Beim ersten Start werden dabei Demo-Daten angelegt "
    "(erfundene Linksaktive, Geschäftsstellen und Benutzer:innen); das dauert eine Weile …"
)
# The spinner shows only when this takes longer than a moment: on the first start, not on later runs.
with st.spinner(FIRST_START if settings.demo_mode else "Die Datenbank wird vorbereitet …"):
    appctx.cockpit_engine()  # migrates (and seeds in demo mode) before anything reads

# Personal links (issue 10): a link from a mail opens its public page before and without any login,
# alone (no navigation, no login cookie read). PUBLIC_ONLY=1 serves nothing else (pages/public/).
if settings.public_only or st.query_params.get(TOKEN_PARAM):
    german_defaults.style()
    st.navigation([st.Page("pages/public/entry.py", title="Linksaktiv", default=True)], position="hidden").run()
    st.stop()

creds = appctx.before_login(auth.credentials)

# Exactly one Authenticate per run (DESIGN §7); no api_key, no login sleep.
authenticator = stauth.Authenticate(
    creds, settings.cookie_name, settings.cookie_key, settings.cookie_expiry_days, auto_hash=False, login_sleep_time=0
)
_model = authenticator.authentication_controller.authentication_model
_cookie = authenticator.cookie_controller.cookie_model

# Server-side sessions (ASVS V3, services/core/sessions.py). The authenticator's cookie is a stateless
# signed token (username, expiry): valid until it expires, whatever happens on the server. So the
# token also carries the id of our session record ("sid"), and a token is worth nothing unless that
# record is open. streamlit-authenticator 0.4.2 has no hook for extra token fields; it reads and
# writes the token only through CookieModel._token_encode and CookieModel.get_cookie, so those two
# (and, for the cookie's flags, its cookie manager's set) are replaced on this one instance, like
# check_credentials below. Both places that read the cookie (ours below and the one inside
# authenticator.login) go through the replaced get_cookie. A second cookie of our own beside the
# authenticator's would not do: the authenticator would still log in from its own token.
SESSION_ID = "cockpit_session_id"
_read_signed_cookie = _cookie.get_cookie


def _token_encode() -> str:
    return jwt.encode(
        {"username": st.session_state["username"], "exp_date": _cookie.exp_date, "sid": st.session_state[SESSION_ID]},
        _cookie.cookie_key,
        algorithm="HS256",
    )


def _get_cookie() -> dict | None:
    # Signature and expiry are checked by the authenticator; the session record by us. A cookie
    # without a sid (issued before sessions were kept) or naming an ended, idle, foreign or unknown
    # session is refused, and taking up an open one is audited as session_resumed.
    token = _read_signed_cookie()
    if not token:
        return token
    user = appctx.before_login(_resume, token.get("sid"), token["username"])
    if user is None:
        st.session_state["logout"] = True  # the authenticator's switch: read no cookie again in this tab
        st.session_state["cockpit_cookie_refused"] = True
        return None
    st.session_state[SESSION_ID] = token["sid"]
    return token


_write_browser_cookie = _cookie.cookie_manager.set


def _set_login_cookie(cookie: str, val, **options):
    # The cookie is written by JavaScript in the browser, never by a Set-Cookie header: it cannot be
    # HttpOnly, and no proxy can add flags to it. What it can have: Secure once the browser reached
    # us over HTTPS (behind the TLS proxy, deploy/nginx/cockpit.conf), and SameSite=Strict.
    url = getattr(st.context, "url", None)
    secure = isinstance(url, str) and url.startswith("https://")
    return _write_browser_cookie(cookie, val, **{**options, "secure": secure or None, "same_site": "strict"})


def _resume(session, session_id: str | None, username: str):
    return sessions.session_user(session, session_id, username, settings.idle_timeout_minutes, resumed=True)


_cookie._token_encode = _token_encode
_cookie.get_cookie = _get_cookie
_cookie.cookie_manager.set = _set_login_cookie


def _check_credentials(username: str, password: str) -> bool:
    # Our database decides: failed-login counts and lockout survive restarts.
    result = appctx.before_login(auth.check_login, username, password)
    if not result.ok:
        st.session_state["login_error"] = result.message
    else:
        st.session_state[SESSION_ID] = result.session_id  # the cookie set next names this session
        st.session_state.pop("session_notice", None)
    return result.ok


_model.check_credentials = _check_credentials


def _login_page() -> None:
    st.title("Linksaktiv Cockpit")
    st.caption("Das Organizing-Werkzeug für Linksaktiv. Bitte melde dich an.")
    st.session_state.pop("login_error", None)
    # Kept until the next login: dropping the old cookie reruns the page, the notice must survive that.
    notice = st.session_state.get("session_notice")
    if notice:
        st.warning(notice)
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="login")
    except stauth.LoginError:
        st.error("Anmeldung nicht möglich.")
    if st.session_state.get("authentication_status") is False:
        st.error(st.session_state.get("login_error", auth.LOGIN_REFUSED))
    plain(settings.password_help)  # the operator's setting PASSWORD_HELP: plain text, never Markdown
    if settings.demo_mode:
        st.info(
            "Demo-Modus: Benutzer `admin`, `team`, `lv-sachsen`, `kv-leipzig`, `kv-goerlitz`, "
            "`leitung`; Passwort `linksaktiv-demo`."
        )


def _logout(_info=None) -> None:
    user = appctx.current_user()
    if user is not None:
        appctx.before_login(auth.record_logout, user.id, user.username, st.session_state.get(SESSION_ID))
    st.session_state.pop("cockpit_user", None)
    st.session_state.pop(SESSION_ID, None)
    st.session_state.pop(appctx.FLASH, None)  # a message of the last action is not for the next login


def _load_user(session, username: str, session_id: str | None) -> appctx.CurrentUser | None:
    db_user = sessions.session_user(session, session_id, username, settings.idle_timeout_minutes)
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
        session_id,
    )


SESSION_ENDED = "Deine Sitzung ist abgelaufen. Bitte melde dich neu an."

if not st.session_state.get("authentication_status"):
    try:
        token = authenticator.cookie_controller.get_cookie()
        if token:
            authenticator.authentication_controller.login(token=token)
    except stauth.LoginError:
        st.session_state["cockpit_cookie_refused"] = True
    if st.session_state.pop("cockpit_cookie_refused", False):
        # A cookie of an ended or idle session (or none of ours): drop it and say why.
        authenticator.cookie_controller.delete_cookie()
        st.session_state["session_notice"] = SESSION_ENDED

username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
user = None
if username:
    # Every run checks the session record the login (form or cookie) named: ended or idle → logged out.
    user = appctx.before_login(_load_user, username, st.session_state.get(SESSION_ID))
    if user is None:
        authenticator.authentication_controller.logout()
        authenticator.cookie_controller.delete_cookie()
        st.session_state.pop("cockpit_user", None)
        st.session_state.pop(SESSION_ID, None)
        st.session_state.pop(appctx.FLASH, None)
        st.session_state["session_notice"] = SESSION_ENDED

if user is not None:
    with st.sidebar:
        # The display name and the area (a KV's name) were typed by an admin: plain text, never Markdown.
        plain(f"{user.display_name}\n{ROLE_LABELS[user.role]} · {user.area}")
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


def _refusal(path: str):
    # A page the role may not open is still known by its address: opening it says why instead of
    # silently showing the Übersicht. It runs only the guard, never the page's file.
    def refused() -> None:
        appctx.guard(path)

    return refused


allowed = {spec.path for spec in pages_for(user.role)}
refused_pages = [
    st.Page(_refusal(spec.path), title=spec.title, icon=spec.icon, url_path=spec.url_path)
    for spec in PAGES
    if spec.path not in allowed
]
current = st.navigation({**pages, "": refused_pages} if refused_pages else pages, position="hidden")

with st.sidebar:
    for section, entries in pages.items():
        st.caption(section)
        for page in entries:
            st.page_link(page)
    close_sidebar_after_navigation(current.url_path)
compact_on_phones()
german_defaults.style()

try:
    current.run()
except UserError as exc:
    appctx.show_error(exc)  # a safety net: pages reach services through appctx.read/act
