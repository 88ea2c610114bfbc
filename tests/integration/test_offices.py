"""Offices: create, edit, close, CSV import (all or nothing); the nearest office per PLZ follows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Office, Plz
from domain.errors import PermissionDenied, ValidationError
from services.admin import offices
from services.geo.places import resolve_plz
from tests.support.scopes import ADMIN, kv_of, user_scope

GOOD_CSV = (
    "name;art;strasse;plz;ort;oeffnungszeiten;telefon;email;kreisverband\n"
    "Büro Weißwasser;Bürgerbüro;Marktplatz 1;02943;;Mo–Do 10–16 Uhr;03576 1234;ww@example.org;\n"
    "Wahlkreisbüro Zittau;wahlkreisbuero;Markt 2;02763;Zittau;Di 14–18 Uhr;;;KV Görlitz\n"
)


def _count(session):
    return session.scalar(select(func.count()).select_from(Office))


def test_create_office_updates_nearest(session):
    plz = "02943"  # far north of the Kreis Görlitz, no office in reach in the demo
    before = resolve_plz(session, plz).nearest_office_km
    oid = offices.create_office(session, ADMIN, offices.OfficeData(name="Neues Büro", plz=plz, street="Weg 1"))
    office = session.get(Office, oid)
    p = session.get(Plz, plz)
    assert (office.lat, office.lon) == (p.lat, p.lon) and office.kv_id == kv_of(session, "14626")
    assert office.city == p.place
    info = resolve_plz(session, plz)
    assert info.nearest_office_id == oid and info.nearest_office_km == 0
    assert before is None or before > 0
    offices.close_office(session, ADMIN, oid)
    assert resolve_plz(session, plz).nearest_office_id != oid
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "office", AuditEvent.object_id == str(oid))
    ).all()
    assert actions == ["office_created", "office_closed"]


def test_edit_moves_office_to_new_plz(session):
    oid = offices.create_office(session, ADMIN, offices.OfficeData(name="Wanderbüro", plz="02943"))
    offices.edit_office(session, ADMIN, oid, offices.OfficeData(name="Wanderbüro", plz="04109"))
    office = session.get(Office, oid)
    assert office.plz == "04109" and office.kv_id == kv_of(session, "14713")
    assert resolve_plz(session, "04109").nearest_office_km == 0


def test_bad_office_input_changes_nothing(session):
    before = _count(session)
    with pytest.raises(ValidationError, match="PLZ"):
        offices.create_office(session, ADMIN, offices.OfficeData(name="X", plz="99999"))
    with pytest.raises(ValidationError, match="Name fehlt"):
        offices.create_office(session, ADMIN, offices.OfficeData(name=" ", plz="04109"))
    with pytest.raises(PermissionDenied):
        offices.create_office(session, user_scope(session, "team"), offices.OfficeData(name="X", plz="04109"))
    assert _count(session) == before


@pytest.mark.parametrize("encoding,sep", [("utf-8", ";"), ("utf-8-sig", ";"), ("utf-8", ",")])
def test_csv_import_good(session, encoding, sep):
    before = _count(session)
    text = GOOD_CSV if sep == ";" else GOOD_CSV.replace(";", ",")
    assert offices.import_csv(session, ADMIN, text.encode(encoding)) == 2
    assert _count(session) == before + 2
    ww = session.scalar(select(Office).where(Office.name == "Büro Weißwasser"))
    assert ww.kind == "buergerbuero" and ww.opening_hours == "Mo–Do 10–16 Uhr" and ww.city
    assert resolve_plz(session, "02943").nearest_office_id == ww.id
    ev = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert ev.action == "offices_imported" and ev.details == {"count": 2}


def test_csv_import_bad_rows_import_nothing(session):
    before = _count(session)
    nearest_before = resolve_plz(session, "02943").nearest_office_id
    bad = GOOD_CSV + (
        "Kaputt;Kiosk;Weg 3;1234;;;;;\n"
        ";geschaeftsstelle;Weg 4;04109;;;;keine-mail;\n"
        "Fremd;;Weg 5;04109;;;;;KV Nirgendwo\n"
        "Zu kurz;;Weg 6\n"
    )
    with pytest.raises(ValidationError) as exc:
        offices.import_csv(session, ADMIN, bad.encode())
    message = str(exc.value)
    assert "Es wurde nichts importiert" in message
    for line, words in (
        (4, "Art „Kiosk“ unbekannt"),
        (4, "fünf Ziffern"),
        (5, "Name fehlt"),
        (5, "E-Mail-Adresse ungültig"),
        (6, "KV Nirgendwo"),
        (7, "Spalten"),
    ):
        row = next(x for x in message.splitlines() if x.startswith(f"- Zeile {line}:"))
        assert words in row, (line, words, row)
    assert "Zeile 2" not in message and "Zeile 3" not in message
    assert _count(session) == before
    assert resolve_plz(session, "02943").nearest_office_id == nearest_before


@pytest.mark.parametrize(
    "raw,words",
    [
        (b"", "leer"),
        ("name;plz\n".encode("latin-1"), "keine Geschäftsstellen"),
        (b"name;plz;farbe\nA;04109;rot\n", "Unbekannt: farbe"),
        (b"art;ort\nx;y\n", "Es fehlt: name, plz"),
        ("name;plz\nBüro;04109\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_csv_malformed(session, raw, words):
    with pytest.raises(ValidationError, match=words):
        offices.import_csv(session, ADMIN, raw)
