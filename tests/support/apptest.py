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


def open_page(path: str | None, username: str | None, timeout: float = 60) -> AppTest:
    """AppTest showing path for username (or the login page without one); needs the app_db fixture."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
    at.run()
    if path and path != "pages/uebersicht.py":
        at.switch_page(path)
        at.run()
    return at


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
