"""AppTest helpers: the app file, demo users per role, all text of a page, opening a page as a user."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


ROLES_USERS = {"admin": "admin", "team": "team", "land": "lv-sachsen", "kreis": "kv-leipzig", "leitung": "leitung"}


def all_text(at: AppTest) -> str:
    """Every markdown, title, caption, metric and error text of the page, joined."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "info", "warning", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def start_login_session(username: str, now=None) -> str:
    """Open a server-side login session for username in the app's database, as the login form does."""
    from sqlalchemy import select

    from db.models import User
    from services.core import sessions
    from services.core.runtime import engine_for, session_scope
    from services.core.settings import get_settings

    with session_scope(engine_for(get_settings().database_url)) as s:
        sid = sessions.start_session(s, s.scalar(select(User.id).where(User.username == username)), now=now)
        s.commit()
    return sid


def logged_in_app(username: str, session_id: str | None = None, timeout: float = 60) -> AppTest:
    """An AppTest of the app whose browser session is logged in as username (AppTest has no cookies).

    The state is what a login leaves: the authenticator's keys and the id of our session record.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.session_state["cockpit_session_id"] = session_id or start_login_session(username)
    return at


def open_page(path: str | None, username: str | None, timeout: float = 60) -> AppTest:
    """AppTest showing path for username (or the login page without one); needs the app_db fixture."""
    at = logged_in_app(username, timeout=timeout) if username else AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if path and path != "pages/uebersicht.py":
        at.switch_page(path)
        at.run()
    return at


def new_edition(app_db: str, title: str, day, copies: int = 1000) -> int:
    """A new edition without orders in the app's database; give it an old date (see edition_with_batch)."""
    from sqlalchemy.orm import Session

    from db.engine import make_engine
    from services.core.scope import Scope
    from services.newspaper import editions

    eng = make_engine(app_db)
    with Session(eng) as s:
        ed = editions.create_edition(s, Scope(role="team", user_id=None, username="team"), title, "", day, copies, 10)
    eng.dispose()
    return ed


def edition_with_batch(app_db: str, title: str, day, land_code: str | None = None) -> int:
    """A new edition with a batch of requested orders (one Land, or all Germany) in the app's database.

    Give it an old date: other tests work on the newest edition, which pages preselect.
    """
    from sqlalchemy.orm import Session

    from db.engine import make_engine
    from db.queries.newspaper import BatchFilter
    from services.core.scope import Scope
    from services.newspaper import editions, orders

    team = Scope(role="team", user_id=None, username="team")
    eng = make_engine(app_db)
    with Session(eng) as s:
        ed = editions.create_edition(s, team, title, "", day, 1_000_000, 10)
        flt = BatchFilter(reach_km=15.0, land_code=land_code)
        pv = orders.preview_batch(s, team, ed, flt)
        orders.confirm_batch(s, team, ed, flt, 1, pv.people, pv.copies)
    eng.dispose()
    return ed
