"""Issue 14, finding 5: text that users or admins typed is shown as plain text, never as Markdown.

Escaping Markdown is not enough: Streamlit turns www.… and https://… into links after escaping. So a name
like "[klick](https://evil.example) www.evil.example" must appear only in plain-text elements (st.text,
table cells, selectbox options) and in no Markdown element (markdown, captions, headings, alerts, labels).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import open_page
from tests.support.markdown import markdown_strings, plain_strings

EVIL = "[klick](https://evil.example) www.evil.example"
MARK = "evil.example"


def _in_markdown(at) -> list[str]:
    # Escaping does not help (Streamlit links www.… after it), so an escaped value counts too.
    return [s for s in markdown_strings(at) if MARK in s.replace("\\", "")]


def _shown_plain(at, text: str = EVIL) -> bool:
    return any(text in s for s in plain_strings(at))


@pytest.fixture(scope="module")
def evil_kreis(app_db):
    """A KV and a kreis account named by an admin with links in them, and a call of that KV titled alike."""
    from db.engine import make_engine
    from services.admin import accounts, kv_coverage
    from services.calls.workflow import CallForm, create_call
    from services.core.runtime import session_scope
    from tests.support.scopes import ADMIN, user_scope

    eng = make_engine(app_db)
    with session_scope(eng) as s:
        kv_id = kv_coverage.create_kv(s, ADMIN, f"KV {EVIL}", "14")
        accounts.create_user(s, ADMIN, "evil-kreis", f"Rosa {EVIL}", "kreis", "ein-langes-passwort", kv_id=kv_id)
        form = CallForm(
            title=f"Aufruf {EVIL}",
            body=f"Mehr unter {EVIL}",
            mode="online",
            topics=("miete",),
            region_level="kv",
            kv_id=kv_id,
        )
        create_call(s, user_scope(s, "evil-kreis"), form)
    eng.dispose()
    return "evil-kreis"


PAGES = [
    "pages/uebersicht.py",
    "pages/kontakte.py",
    "pages/konto.py",
    "pages/aktionen.py",
    "pages/helfer_bedarf.py",
    "pages/helfer_angebote.py",
    "pages/helfer_karte.py",
    "pages/importieren.py",
    "pages/zeitung_bestellen.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_names_an_admin_gave_show_literally_and_never_as_markdown(evil_kreis, page):
    at = open_page(page, evil_kreis)
    assert not at.exception, at.exception
    assert _in_markdown(at) == []
    # The account's display name and area stand in the sidebar, as plain text.
    assert _shown_plain(at, f"Rosa {EVIL}") and _shown_plain(at, f"KV {EVIL}")


def test_a_call_title_and_its_region_show_literally(evil_kreis):
    at = open_page("pages/aktionen.py", evil_kreis)
    assert _in_markdown(at) == []
    assert _shown_plain(at, f"Aufruf {EVIL}") and _shown_plain(at, f"KV {EVIL}")


def _by_label(elements, label):
    return next(e for e in elements if e.label == label)


def test_flash_messages_after_admin_actions_quote_no_names(app_db):
    at = open_page("pages/admin_kv.py", "admin")
    _by_label(at.text_input, "Name").input(f"KV neu {EVIL}")
    _by_label(at.button, "Anlegen").click().run()
    assert not at.exception and at.success, at.error
    assert _in_markdown(at) == []

    at = open_page("pages/admin_users.py", "admin")
    _by_label(at.text_input, "Benutzername").input("www.evil.example")
    _by_label(at.text_input, "Anzeigename").input(EVIL)
    at.selectbox(key="create_role").select("team")
    _by_label(at.text_input, "Erstes Passwort").input("ein-langes-passwort")
    _by_label(at.button, "Anlegen").click().run()
    assert not at.exception and at.success, at.error
    assert _in_markdown(at) == []
    assert _shown_plain(at, EVIL)  # the users table


def test_office_names_in_flash_and_csv_errors_stay_plain(app_db):
    from sqlalchemy import select

    from db.engine import make_engine
    from db.models import Office
    from services.admin import offices
    from services.core.runtime import session_scope
    from tests.support.scopes import ADMIN

    at = open_page("pages/admin_offices.py", "admin")
    at.text_area(key="csv_text").input(f"name;plz;kreisverband\nBüro;04109;{EVIL}\n")
    at.button(key="import_csv").click().run()
    assert at.error and _in_markdown(at) == []
    assert _shown_plain(at, EVIL)  # the problem is shown, as plain text

    form = _by_label(at.expander, "Neue Geschäftsstelle")
    _by_label(form.text_input, "Name").input(f"Büro {EVIL}")
    _by_label(form.text_input, "PLZ").input("02943")
    _by_label(form.button, "Speichern").click().run()
    eng = make_engine(app_db)
    try:
        assert not at.exception and at.success, at.error
        assert _in_markdown(at) == []
    finally:
        with session_scope(eng) as s:
            for oid in s.scalars(select(Office.id).where(Office.name == f"Büro {EVIL}")):
                offices.close_office(s, ADMIN, oid)  # the other tests' nearest offices stay as they were
        eng.dispose()


def _error_page():
    import appctx
    from domain.errors import ValidationError

    appctx.show_error(
        ValidationError("Es wurde nichts importiert.", detail="Kreisverband „www.evil.example“ unbekannt")
    )


def test_an_error_shows_the_value_it_is_about_as_plain_text():
    at = AppTest.from_function(_error_page).run()
    assert not at.exception, at.exception
    assert at.error[0].value == "Es wurde nichts importiert."
    assert _in_markdown(at) == [] and _shown_plain(at, "Kreisverband „www.evil.example“ unbekannt")
