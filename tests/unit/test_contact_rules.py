"""Input rules for capturing and caring for contacts (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import ValidationError
from services.contacts.rules import (
    ConsentInput,
    ContactInput,
    check_activity,
    check_consent,
    check_consents,
    check_day,
    clean_email,
    clean_master,
    clean_phone,
    moment_of,
    today_berlin,
)


@pytest.mark.parametrize("value", ["a@b.de", " Anna.Müller@example.org ", "x+tag@sub.domain.eu"])
def test_good_emails(value):
    assert clean_email(value) == value.strip()


@pytest.mark.parametrize("value", ["a@b", "a b@c.de", "@c.de", "a@@c.de", "anna", "x,spy@evil.org"])
def test_bad_emails(value):
    with pytest.raises(ValidationError, match="E-Mail-Adresse"):
        clean_email(value)


def test_phone_and_names():
    assert clean_phone(" +49 (341) 12-34 ") == "+49 (341) 12-34"
    with pytest.raises(ValidationError):
        clean_phone("0341 abc")
    values = clean_master(ContactInput(first_name="  Anna  Lena ", last_name="Muster"))
    assert values["first_name"] == "Anna Lena" and values["email"] == ""
    with pytest.raises(ValidationError, match="zu lang"):
        clean_master(ContactInput(first_name="A" * 81, last_name="B"))


def test_consent_channels():
    assert check_consent(ConsentInput("volunteering", "", "infostand", "Liste")).channel is None
    with pytest.raises(ValidationError, match="ohne Kanal"):
        check_consent(ConsentInput("pass_to_branch", "email", "infostand", "Liste"))
    with pytest.raises(ValidationError, match="Kanal"):
        check_consent(ConsentInput("newspaper", None, "infostand", "Liste"))
    with pytest.raises(ValidationError, match="nur einmal"):
        check_consents([ConsentInput("newspaper", "post", "infostand", "Liste")] * 2)


def test_days_and_activities():
    today = today_berlin()
    assert check_day(today, "das Datum") == today
    with pytest.raises(ValidationError, match="Zukunft"):
        check_day(today + timedelta(days=1), "das Datum")
    with pytest.raises(ValidationError, match="vor dem 01.01.2024"):
        check_day(date(2023, 12, 31), "das Datum", not_before=date(2024, 1, 1))
    assert check_activity("call", today, "") == ("call", today, "")
    with pytest.raises(ValidationError):
        check_activity("assignment", today, "x")
    assert moment_of(date(2024, 3, 1)).hour == 12
