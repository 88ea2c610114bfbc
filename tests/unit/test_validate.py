"""Issue 14, finding 6: the one validation module every form and the import use (services/core/validate.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import models as m
from domain.errors import ValidationError
from services.core import validate


def test_limits_follow_the_columns_of_db_models():
    assert validate.field("contact.first_name").limit == m.Contact.first_name.type.length == 80
    assert validate.field("lead.contact_name").limit == m.CampaignLead.contact_name.type.length
    assert validate.field("lead.contact_phone").limit == m.CampaignLead.contact_phone.type.length
    assert validate.field("office.name").limit == m.Office.name.type.length
    assert validate.field("kv.name").limit == m.Kreisverband.name.type.length
    assert validate.field("order.tracking_number").limit == m.DispatchOrder.tracking_number.type.length
    for key, f in validate.FIELDS.items():
        assert 0 < f.limit <= 5000, key


@pytest.mark.parametrize("bad", ["An\x00na", "Mus\x07ter", "Esc\x1b[31m", "Bell\x0bx", "evil\u202egro.", "x\ud800"])
def test_control_characters_are_refused_in_german(bad):
    with pytest.raises(ValidationError, match="Der Vorname enthält Steuerzeichen"):
        validate.text(bad, "contact.first_name")
    with pytest.raises(ValidationError, match="Steuerzeichen"):
        validate.text(f"Zeile 1\n{bad}", "activity.note")


def test_single_line_fields_fold_whitespace_and_multi_line_fields_keep_lines():
    assert validate.text("  Anna \t Maria\nLuise ", "contact.first_name") == "Anna Maria Luise"
    assert validate.text(" Mo–Do\r\n10–16 Uhr\n", "office.opening_hours") == "Mo–Do\n10–16 Uhr"


def test_length_and_required():
    with pytest.raises(ValidationError, match=r"Der Vorname ist zu lang \(höchstens 80 Zeichen\)"):
        validate.text("x" * 81, "contact.first_name")
    assert validate.text("x" * 80, "contact.first_name") == "x" * 80
    with pytest.raises(ValidationError, match="Bitte gib einen Vornamen an."):
        validate.text("   ", "contact.first_name", required=True)


@pytest.mark.parametrize(
    "bad", ["x,spy@evil.org", "Anna <a@example.org>", '"x,spy"@evil.org', "a@b", "a@@b.org", "a@b.org, c@d.org"]
)
def test_email_must_be_one_address(bad):
    with pytest.raises(ValidationError, match="genau eine Adresse"):
        validate.email(bad)


def test_email_is_normalised_and_an_unchanged_stored_value_is_kept():
    assert validate.email(" Anna@Example.ORG ") == "Anna@example.org"
    assert validate.email("") == ""
    assert validate.email("alt,adresse@x.org", current="alt,adresse@x.org") == "alt,adresse@x.org"


def test_phone_numbers_are_checked_by_phonenumbers():
    assert validate.phone("0341 1234567") == "0341 1234567"
    assert validate.phone("(030) 123 456 78", e164=True) == "+493012345678"
    for bad in ("12", "ruf mich an", "0341 abc", "+49 151 555 0003"):
        with pytest.raises(ValidationError, match="Die Telefonnummer ist ungültig"):
            validate.phone(bad)
    assert validate.phone("+49 151 555 0003", current="+49 151 555 0003") == "+49 151 555 0003"


@settings(max_examples=300, deadline=None)
@given(
    local=st.text(alphabet="abcXYZ019._%+-,!", min_size=0, max_size=12),
    domain=st.text(alphabet="abz09-.", min_size=0, max_size=12),
)
def test_fast_path_for_plain_addresses_agrees_with_the_library(local, domain):
    from email_validator import EmailNotValidError, validate_email

    address = f"{local}@{domain}"
    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    assert validate.normalised_email(address) == expected


@given(st.text(max_size=200))
def test_text_never_crashes_and_never_lets_a_control_character_through(value):
    try:
        out = validate.text(value, "contact.street")
    except ValidationError:
        return
    assert not validate.control_problem(out) and len(out) <= 160
