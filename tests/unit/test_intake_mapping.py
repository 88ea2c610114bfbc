"""Guessing which column holds which field, and checking a mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from services.intake.mapping import FIELDS, check_mapping, guess_field, guess_mapping, normalise_header


@pytest.mark.parametrize(
    "header, field",
    [
        ("Vorname", "first_name"),
        ("first_name", "first_name"),
        ("given_name", "first_name"),
        ("Nachname", "last_name"),
        ("surname", "last_name"),
        ("Name", "full_name"),
        ("E-Mail", "email"),
        ("E-Mail-Adresse", "email"),
        ("Mail", "email"),
        ("email", "email"),
        ("Telefon", "phone"),
        ("Handy", "phone"),
        ("Mobil", "phone"),
        ("Straße", "street"),
        ("Strasse", "street"),
        ("Hausnummer", "house_number"),
        ("PLZ", "plz"),
        ("Postleitzahl", "plz"),
        ("zip", "plz"),
        ("postal_code", "plz"),
        ("Ort", "city"),
        ("Wohnort", "city"),
        ("Geburtsjahr", "birth_year"),
        ("Themen", "topics"),
        ("Interessen", "topics"),
        ("Newsletter", "consent_information_email"),
        ("Zeitung per Post", "consent_newspaper_post"),
        ("Bemerkung", "notes"),
        ("  E-MAIL ", "email"),
        ("Postleitzal", "plz"),
        ("Geburtsjar", "birth_year"),
    ],
)
def test_guess_field(header, field):
    assert guess_field(header)[0] == field


def test_unknown_headers_stay_unmapped():
    assert guess_field("Lieblingsfarbe")[0] is None
    assert guess_field("xy")[0] is None


def test_each_field_is_guessed_once_the_surest_wins():
    mapping = guess_mapping(["E-Mail 2", "E-Mail", "Vorname", "Nachname", "PLZ", "Farbe"])
    assert mapping["E-Mail"] == "email" and mapping["E-Mail 2"] is None and mapping["Farbe"] is None


def test_campaign_app_export():
    mapping = guess_mapping(
        [
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
            "contact_zip",
            "tags",
            "newsletter_optin",
        ]
    )
    assert list(mapping.values()) == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "plz",
        "topics",
        "consent_information_email",
    ]


def test_check_mapping_needs_name_and_plz_and_no_field_twice():
    with pytest.raises(ValidationError, match="mehrfach"):
        check_mapping({"A": "email", "B": "email", "C": "last_name", "D": "plz"})
    with pytest.raises(ValidationError, match="Nachnamen"):
        check_mapping({"A": "email", "D": "plz"})
    with pytest.raises(ValidationError, match="PLZ"):
        check_mapping({"A": "full_name"})
    with pytest.raises(ValidationError, match="Unbekannte"):
        check_mapping({"A": "last_name", "B": "plz", "C": "shoe_size"})
    assert check_mapping({"A": "full_name", "B": "plz", "C": None})


def test_consent_fields_cover_purposes_and_channels():
    assert "consent_newspaper_post" in FIELDS and "consent_volunteering" in FIELDS
    assert "consent_volunteering_email" not in FIELDS


@given(st.text(max_size=40))
def test_normalise_header_is_idempotent_and_plain(text):
    once = normalise_header(text)
    assert normalise_header(once) == once
    assert all(c.isascii() and c.isalnum() for c in once)
