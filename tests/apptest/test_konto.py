"""AppTest of Mein Konto: changing one's own password through the page's door."""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import make_engine
from db.models import AuditEvent, User
from services.seed.users import DEMO_PASSWORD
from tests.support.apptest import all_text

NEW_PW = "ein ganz neues langes Passwort"


def _hash(app_db, username: str) -> str:
    eng = make_engine(app_db)
    with eng.connect() as conn:
        value = conn.scalar(select(User.password_hash).where(User.username == username))
    eng.dispose()
    return value


def _field(at, label: str):
    return next(t for t in at.text_input if t.label == label)


def _fill(at, old: str, new: str, repeat: str) -> None:
    _field(at, "Bisheriges Passwort").input(old)
    _field(at, "Neues Passwort").input(new)
    _field(at, "Neues Passwort wiederholen").input(repeat)
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


def _email(app_db, username: str) -> str:
    eng = make_engine(app_db)
    with eng.connect() as conn:
        value = conn.scalar(select(User.email).where(User.username == username))
    eng.dispose()
    return value


def test_own_email_for_test_mails_is_shown_checked_and_saved(run_page, app_db):
    before = _email(app_db, "kv-goerlitz")
    at = run_page("pages/konto.py", "kv-goerlitz")
    assert _field(at, "Deine E-Mail-Adresse").value == (before or "")
    save = next(b for b in at.button if b.label == "Speichern")
    try:
        _field(at, "Deine E-Mail-Adresse").input("keine adresse")
        save.click().run()
        assert any("sieht nicht richtig aus" in e.value for e in at.error)
        assert _email(app_db, "kv-goerlitz") == before
        _field(at, "Deine E-Mail-Adresse").input("buero.goerlitz@example.org")
        next(b for b in at.button if b.label == "Speichern").click().run()
        assert not at.error, [e.value for e in at.error]
        assert "Deine E-Mail-Adresse ist gespeichert." in all_text(at)
        assert _email(app_db, "kv-goerlitz") == "buero.goerlitz@example.org"
        assert _field(at, "Deine E-Mail-Adresse").value == "buero.goerlitz@example.org"
        eng = make_engine(app_db)
        with eng.connect() as conn:
            assert conn.scalar(select(AuditEvent.id).where(AuditEvent.action == "email_changed")) is not None
        eng.dispose()
    finally:
        eng = make_engine(app_db)
        with eng.begin() as conn:
            conn.execute(update(User).where(User.username == "kv-goerlitz").values(email=before))
        eng.dispose()
