"""Issue 14, finding 6: input the database refuses gets a German error from the one validation module.

A NUL byte or a text longer than its column made PostgreSQL end the statement (Streamlit then showed
its English error page); `x,spy@evil.org` went to two recipients. Every form and the import now refuse
them with a German ValidationError, on SQLite and PostgreSQL alike, and nothing is stored.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db import models as m
from domain.errors import ValidationError
from services.contacts.rules import ConsentInput, ContactInput, today_berlin
from tests.support.scopes import ADMIN, kv_of, user_scope

LEIPZIG_PLZ = "04109"
NUL = "\x00"


def _kreis(session):
    return user_scope(session, "kv-leipzig")


def _team(session):
    return user_scope(session, "team")


def _contact_id(session) -> int:
    return session.scalar(select(m.Contact.id).where(m.Contact.kv_id == kv_of(session, "14713")).limit(1))


def _contact(**kw) -> ContactInput:
    base = dict(first_name="Rosa", last_name="Testfrau", plz=LEIPZIG_PLZ, source="infostand")
    return ContactInput(**{**base, **kw})


def _lead(session, **kw):
    from services.matching.leads import LeadInput

    base = dict(
        kv_id=kv_of(session, "14713"),
        contact_name="Wahlkampfleitung Leipzig",
        plz=LEIPZIG_PLZ,
        period_start=date.today(),
        period_end=date.today() + timedelta(days=30),
        needs={"infostand": 2},
    )
    return LeadInput(**{**base, **kw})


def _call(session, **kw):
    from services.calls.workflow import CallForm

    base = dict(
        title="Mietenstopp jetzt",
        body="Komm vorbei.",
        mode="online",
        topics=("miete",),
        region_level="kv",
        kv_id=kv_of(session, "14713"),
    )
    return CallForm(**{**base, **kw})


def _volunteer(session) -> int:
    from services.matching.offers import volunteers

    return next(iter(volunteers(session, _kreis(session))))


def _office(**kw):
    from services.admin.offices import OfficeData

    return OfficeData(**{**dict(name="Büro am Markt", plz=LEIPZIG_PLZ), **kw})


def _form(kind: str, bad: str):
    """An action of one form with `bad` in one of its text fields."""

    def run(session):
        from services.admin import accounts, kv_coverage, offices
        from services.calls import workflow as calls
        from services.contacts import care, edit
        from services.intake import upload
        from services.matching import leads, offers
        from services.newspaper import editions
        from services.privacy import requests

        if kind == "contact first name":
            edit.create_contact(session, _kreis(session), _contact(first_name=bad))
        elif kind == "contact street":
            edit.update_master(session, _kreis(session), _contact_id(session), _contact(street=bad))
        elif kind == "timeline note":
            care.add_activity(session, _kreis(session), _contact_id(session), "note", today_berlin(), bad)
        elif kind == "consent evidence":
            consent = ConsentInput("information", "post", "infostand", bad)
            care.grant_consent(session, _kreis(session), _contact_id(session), consent)
        elif kind == "lead contact name":
            leads.save_lead(session, _kreis(session), _lead(session, contact_name=bad))
        elif kind == "lead note":
            leads.save_lead(session, _kreis(session), _lead(session, note=bad))
        elif kind == "offer note":
            data = offers.OfferInput(
                skills=["infostand"], period_start=date.today(), period_end=date.today() + timedelta(days=9), note=bad
            )
            offers.create_offer(session, _kreis(session), _volunteer(session), data)
        elif kind == "office name":
            offices.create_office(session, ADMIN, _office(name=bad))
        elif kind == "office hours":
            offices.create_office(session, ADMIN, _office(opening_hours=bad))
        elif kind == "office csv":
            offices.import_csv(session, ADMIN, f"name;plz;strasse\nBüro;{LEIPZIG_PLZ};{bad}\n".encode())
        elif kind == "user display name":
            accounts.create_user(session, ADMIN, "neu-konto", bad, "team", "ein-langes-passwort")
        elif kind == "kv name":
            kv_coverage.create_kv(session, ADMIN, bad, "14")
        elif kind == "call title":
            calls.create_call(session, _kreis(session), _call(session, title=bad))
        elif kind == "call text":
            calls.create_call(session, _kreis(session), _call(session, body=bad))
        elif kind == "edition title":
            editions.create_edition(session, _team(session), bad, "", date(2031, 1, 1), 100, 10)
        elif kind == "request note":
            requests.register_request(session, ADMIN, _contact_id(session), "access", note=bad)
        elif kind == "preset name":
            upload.save_preset(session, _kreis(session), bad, "infostand", {"Vorname": "first_name"})
        else:
            raise AssertionError(kind)

    return run


FORMS = [
    "contact first name",
    "contact street",
    "timeline note",
    "consent evidence",
    "lead contact name",
    "lead note",
    "offer note",
    "office name",
    "office hours",
    "office csv",
    "user display name",
    "kv name",
    "call title",
    "call text",
    "edition title",
    "request note",
    "preset name",
]


def _rows(session) -> tuple:
    tables = (m.Contact, m.Activity, m.Consent, m.CampaignLead, m.VolunteerOffer, m.Office, m.User, m.Kreisverband)
    more = (m.CallToAction, m.NewspaperEdition, m.DataSubjectRequest, m.MappingPreset)
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in tables + more)


@pytest.mark.parametrize("kind", FORMS)
def test_a_nul_byte_gets_a_german_error_and_changes_nothing(session, kind):
    before = _rows(session)
    with pytest.raises(ValidationError, match="Steuerzeichen"):
        _form(kind, f"Anna{NUL}Maria")(session)
    session.rollback()
    assert _rows(session) == before


@pytest.mark.parametrize("kind", ["contact first name", "lead contact name", "office name", "kv name", "call title"])
def test_an_escape_sequence_or_bidi_override_is_refused_too(session, kind):
    for bad in ("Rot\x1b[31m", "Anna \u202egro.live"):
        with pytest.raises(ValidationError, match="Steuerzeichen"):
            _form(kind, bad)(session)
        session.rollback()


@pytest.mark.parametrize(
    "field, value",
    [
        ("contact_name", "x" * 161),
        ("contact_phone", "0341 " + "1" * 40),
        ("contact_email", "a" * 150 + "@example.org"),
        ("note", "x" * 5001),
    ],
)
def test_over_long_fields_of_a_campaign_lead_get_a_german_error(session, field, value):
    from services.matching.leads import save_lead

    before = _rows(session)
    with pytest.raises(ValidationError, match="zu lang"):
        save_lead(session, _kreis(session), _lead(session, **{field: value}))
    session.rollback()
    assert _rows(session) == before


@pytest.mark.parametrize("kind", ["contact", "lead", "office", "user"])
def test_an_address_with_a_comma_is_refused_everywhere(session, kind):
    from services.admin import accounts, offices
    from services.contacts import edit
    from services.matching import leads

    bad = "x,spy@evil.org"
    with pytest.raises(ValidationError, match="genau eine Adresse"):
        if kind == "contact":
            edit.create_contact(session, _kreis(session), _contact(email=bad))
        elif kind == "lead":
            leads.save_lead(session, _kreis(session), _lead(session, contact_email=bad))
        elif kind == "office":
            offices.create_office(session, ADMIN, _office(email=bad))
        else:
            accounts.create_user(session, ADMIN, "neu-konto", "Neu", "team", "ein-langes-passwort", email=bad)


@pytest.mark.parametrize("kind", ["contact", "lead", "office"])
def test_phone_numbers_are_checked_by_phonenumbers(session, kind):
    from services.admin import offices
    from services.contacts import edit
    from services.matching import leads

    def run(phone):
        if kind == "contact":
            return edit.create_contact(session, _kreis(session), _contact(phone=phone))
        if kind == "lead":
            return leads.save_lead(session, _kreis(session), _lead(session, contact_phone=phone))
        return offices.create_office(session, ADMIN, _office(phone=phone))

    with pytest.raises(ValidationError, match="Telefonnummer"):
        run("12")
    session.rollback()
    assert run("0341 1234567")


def test_an_unchanged_stored_phone_number_does_not_block_other_changes(session):
    from services.contacts import edit

    cid = _contact_id(session)
    contact = session.get(m.Contact, cid)
    contact.phone = "+49 151 555 0003"  # the demo data's numbers are too short for phonenumbers
    session.flush()
    kept = _contact(
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phone,
        street="Neue Straße 5",
        plz=contact.plz,
        city=contact.city,
    )
    assert edit.update_master(session, _kreis(session), cid, kept) == ["street"]


def _import(session, csv: str, **info):
    from services.intake.importer import ListInfo, plan_import

    mapping = dict(line.split("=") for line in info.pop("mapping").split(","))
    return plan_import(session, _kreis(session), csv.encode(), mapping, ListInfo("liste.csv", "infostand", **info))


def test_the_import_rejects_rows_the_columns_cannot_hold(session):
    long_first = "Anna-" + "x" * 90
    csv = (
        "Name;Straße;Hausnummer;PLZ;E-Mail;Notiz\n"
        f"{long_first} Muster;Weg;1;{LEIPZIG_PLZ};;\n"
        f"Berta Muster;{'y' * 155};12345;{LEIPZIG_PLZ};;\n"
        f"Carla Muster;Weg;2;{LEIPZIG_PLZ};x,spy@evil.org;\n"
        f"Dora Muster;Weg;3;{LEIPZIG_PLZ};;Zeile\x07\n"  # CSV drops NUL bytes; a bell stays
        f"Emil Muster;Weg;4;{LEIPZIG_PLZ};emil@example.org;Alles gut\n"
    )
    plan = _import(
        session,
        csv,
        mapping="Name=full_name,Straße=street,Hausnummer=house_number,PLZ=plz,E-Mail=email,Notiz=notes",
    )
    reasons = {r.row: r.reason for r in plan.rejected}
    assert set(reasons) == {2, 3, 4, 5}, reasons
    assert "Vorname ist zu lang" in reasons[2]
    assert "Straße ist zu lang" in reasons[3]
    assert "E-Mail-Adresse" in reasons[4] and "ungültig" in reasons[4]
    assert "Steuerzeichen" in reasons[5]
    assert [p.first_name for p in plan.people] == ["Emil"]


def test_what_the_importer_types_about_the_list_is_checked(session):
    with pytest.raises(ValidationError, match="Steuerzeichen"):
        _import(session, f"Name;PLZ\nEmil Muster;{LEIPZIG_PLZ}\n", mapping="Name=full_name,PLZ=plz", place=f"M{NUL}")
    with pytest.raises(ValidationError, match="zu lang"):
        _import(session, f"Name;PLZ\nEmil Muster;{LEIPZIG_PLZ}\n", mapping="Name=full_name,PLZ=plz", evidence="x" * 501)


def test_searches_drop_control_characters_instead_of_failing(session):
    from services.admin.audit_log import list_events
    from services.calls.workflow import calls
    from services.contacts.card import search_contacts
    from services.matching.offers import volunteers

    kreis = _kreis(session)
    assert search_contacts(session, kreis, f"Mül{NUL}ler")[0] == search_contacts(session, kreis, "Müller")[0]
    assert volunteers(session, kreis, f"a{NUL}") == volunteers(session, kreis, "a")
    list_events(session, ADMIN, f"kv-leip{NUL}zig")
    from services.calls.responses import find_recipients

    sent = [c for c in calls(session, _team(session)) if c.sent_at]
    if sent:
        find_recipients(session, _team(session), sent[0].id, f"a{NUL}")


def test_a_password_with_a_nul_byte_is_refused(session):
    from services.admin import accounts

    with pytest.raises(ValidationError, match="Steuerzeichen"):
        accounts.create_user(session, ADMIN, "neu-konto", "Neu", "team", f"ein-langes{NUL}passwort")
