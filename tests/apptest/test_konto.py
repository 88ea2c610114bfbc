"""AppTest of Mein Konto: changing one's own password through the page's door."""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import make_engine
from db.models import User
from services.seed.users import DEMO_PASSWORD
from tests.support.apptest import all_text

NEW_PW = "ein ganz neues langes Passwort"


def _hash(app_db, username: str) -> str:
    eng = make_engine(app_db)
    with eng.connect() as conn:
        value = conn.scalar(select(User.password_hash).where(User.username == username))
    eng.dispose()
    return value


def _fill(at, old: str, new: str, repeat: str) -> None:
    at.text_input[0].input(old)
    at.text_input[1].input(new)
    at.text_input[2].input(repeat)
    next(b for b in at.button if b.label == "Passwort ändern").click().run()


def test_wrong_password_is_refused_and_right_one_changes_it(run_page, app_db):
    before = _hash(app_db, "leitung")
    at = run_page("pages/konto.py", "leitung")
    assert not at.exception, at.exception
    _fill(at, "falsch-falsch-falsch", NEW_PW, NEW_PW)
    assert not at.exception, at.exception
    assert any("bisherige Passwort stimmt nicht" in e.value for e in at.error)
    assert _hash(app_db, "leitung") == before
    try:
        _fill(at, DEMO_PASSWORD, NEW_PW, NEW_PW)
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        assert "Dein Passwort wurde geändert." in all_text(at)
        assert _hash(app_db, "leitung") != before
    finally:
        eng = make_engine(app_db)
        with eng.begin() as conn:
            conn.execute(update(User).where(User.username == "leitung").values(password_hash=before))
        eng.dispose()
