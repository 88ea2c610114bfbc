"""Issue 14, finding 7: the lock message reveals no usernames; duplicates of offices and editions are refused."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import User
from services.core.auth import check_login
from services.core.runtime import session_scope
from services.seed.users import DEMO_PASSWORD, demo_password_hash


@pytest.fixture
def users_db(empty_engine):
    """A fresh database with reference data and one user (real commits)."""
    from services.geo.reference import load_reference_data

    with session_scope(empty_engine) as s:
        load_reference_data(s, merge_small_kvs=False)
        s.add(User(id=2, username="anna", display_name="Anna", password_hash=demo_password_hash(), role="team"))
        s.commit()
    return empty_engine


def test_locked_and_unknown_accounts_get_the_same_message(users_db):
    with session_scope(users_db) as s:
        unknown = check_login(s, "niemand-hier", "falsch-falsch")
        wrong = check_login(s, "anna", "falsch-falsch")
        for _ in range(4):
            last = check_login(s, "anna", "falsch-falsch")  # the fifth failure locks the account
        locked = check_login(s, "anna", DEMO_PASSWORD)  # right password, but locked
    assert not (unknown.ok or wrong.ok or last.ok or locked.ok)
    # Whoever tries names cannot tell an existing, a locked and an unknown account apart.
    assert unknown.message == wrong.message == last.message == locked.message
    assert "gesperrt" in locked.message  # the person who locked herself out still learns why it may fail


OFFICE_CSV = (
    "name;art;strasse;plz;ort;oeffnungszeiten;telefon;email;kreisverband\n"
    "Büro Weißwasser;Bürgerbüro;Marktplatz 1;02943;;Mo–Do 10–16 Uhr;03576 1234;ww@example.org;\n"
    "Wahlkreisbüro Zittau;wahlkreisbuero;Markt 2;02763;Zittau;Di 14–18 Uhr;;;KV Görlitz\n"
)


def _offices(session) -> int:
    from sqlalchemy import func, select

    from db.models import Office

    return session.scalar(select(func.count()).select_from(Office))


def test_the_same_office_twice_in_one_file_is_refused(session):
    from domain.errors import ValidationError
    from services.admin import offices
    from tests.support.scopes import ADMIN

    before = _offices(session)
    twice = OFFICE_CSV + "büro  weißwasser;;Marktplatz 1;02943;;;;;\n"
    with pytest.raises(ValidationError, match="Zeile 4.*doppelt.*Zeile 2"):
        offices.import_csv(session, ADMIN, twice.encode())
    assert _offices(session) == before


def test_the_same_office_file_twice_is_refused(session):
    from domain.errors import ValidationError
    from services.admin import offices
    from tests.support.scopes import ADMIN

    before = _offices(session)
    assert offices.import_csv(session, ADMIN, OFFICE_CSV.encode()) == 2
    with pytest.raises(ValidationError, match="Zeile 2.*gibt es schon"):
        offices.import_csv(session, ADMIN, OFFICE_CSV.encode())
    assert _offices(session) == before + 2


def test_an_office_form_sent_twice_creates_one_office(session):
    from domain.errors import ConflictError
    from services.admin import offices
    from tests.support.scopes import ADMIN

    data = offices.OfficeData(name="Neues Büro", plz="02943", street="Weg 1")
    oid = offices.create_office(session, ADMIN, data)
    with pytest.raises(ConflictError, match="gibt es schon"):
        offices.create_office(session, ADMIN, data)
    other = offices.create_office(session, ADMIN, offices.OfficeData(name="Zweites Büro", plz="02943"))
    with pytest.raises(ConflictError, match="gibt es schon"):
        offices.edit_office(session, ADMIN, other, data)  # renamed onto the first one
    offices.edit_office(session, ADMIN, oid, data)  # saving an office unchanged is fine


def test_the_same_newspaper_edition_twice_is_refused(session):
    from sqlalchemy import func, select

    from db.models import NewspaperEdition
    from domain.errors import ConflictError
    from services.newspaper import editions
    from tests.support.scopes import user_scope

    team = user_scope(session, "team")
    day = date(2031, 5, 1)
    editions.create_edition(session, team, "Zeitung für alle", "Miete", day, 1000, 50)
    before = session.scalar(select(func.count()).select_from(NewspaperEdition))
    with pytest.raises(ConflictError, match="gibt es schon"):
        editions.create_edition(session, team, " zeitung  für Alle ", "Miete", day, 1000, 50)
    assert session.scalar(select(func.count()).select_from(NewspaperEdition)) == before
    editions.create_edition(session, team, "Zeitung für alle", "Miete", date(2031, 6, 1), 1000, 50)
