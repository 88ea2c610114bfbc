"""Row validation: normalised candidates, or a German reason for each rejected row."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.intake.reading import Table
from services.intake.validation import (
    BatchContext,
    Candidate,
    is_formula,
    normalise_email,
    normalise_phone,
    parse_birth_year,
    parse_topics,
    split_full_name,
    validate_table,
)

KNOWN = {"01067", "04109", "10115"}
HEADERS = ["Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Geburtsjahr", "Themen", "Newsletter", "Notiz"]
MAPPING = dict(
    zip(
        HEADERS,
        [
            "first_name",
            "last_name",
            "email",
            "phone",
            "plz",
            "birth_year",
            "topics",
            "consent_information_email",
            "notes",
        ],
    )
)
TODAY = date(2025, 6, 1)


def run(*rows, batch=None):
    """Validate rows given as dicts of header → value (missing cells empty)."""
    cells = [[r.get(h, "") for h in HEADERS] for r in rows]
    table = Table(headers=HEADERS, rows=cells, row_numbers=list(range(2, 2 + len(rows))), file_format="csv")
    return validate_table(table, MAPPING, KNOWN, batch, today=TODAY)


def one(**row):
    result = run({"Vorname": "Anna", "Nachname": "Muster", "PLZ": "04109", **row})
    return result.candidates[0] if result.candidates else result.rejected[0]


def test_happy_row_is_normalised():
    c = one(
        **{
            "E-Mail": " Anna@Example.ORG ",
            "Telefon": "0341 1234567",
            "Geburtsjahr": "1980",
            "Themen": "Miete, PFLEGE; verkehr",
            "Newsletter": "ja",
        }
    )
    assert isinstance(c, Candidate)
    assert (c.email, c.phone, c.birth_year) == ("Anna@example.org", "+493411234567", 1980)
    assert c.topics == ("miete", "pflege", "verkehr") and c.contactable
    assert c.consents[0].purpose == "information" and c.consents[0].channel == "email"


@pytest.mark.parametrize(
    "row, reason",
    [
        ({"E-Mail": "x,spy@evil.org"}, "E-Mail-Adresse „x,spy@evil.org“ ist ungültig"),
        ({"E-Mail": "kein-at.example.org"}, "ist ungültig"),
        ({"PLZ": "1067"}, "PLZ hat nur 4 Stellen – führende Null verloren? (01067)"),
        ({"PLZ": "99999"}, "Die PLZ 99999 gibt es nicht"),
        ({"PLZ": "0410A"}, "fünf Ziffern"),
        ({"PLZ": ""}, "PLZ fehlt"),
        ({"Geburtsjahr": "neunzehnhundert"}, "keine Jahreszahl"),
        ({"Geburtsjahr": "29221"}, "Excel-Seriennummer (= 01.01.1980)"),
        ({"Geburtsjahr": "1850"}, "nicht plausibel"),
        ({"Telefon": "12"}, "Telefonnummer"),
        ({"Nachname": '=HYPERLINK("http://evil")'}, "Formel"),
        ({"Notiz": "+cmd|' /C calc'!A0"}, "Formel"),
        ({"Notiz": "@SUM(1+1)*cmd"}, "Formel"),
        ({"Vorname": "-2+3+cmd|' /C calc'!A0"}, "Formel"),
        ({"Vorname": "An\x00na"}, "Steuerzeichen"),
        ({"Nachname": "Mus\x07ter"}, "Steuerzeichen"),
        ({"Nachname": "x" * 81}, "zu lang"),
        ({"Vorname": ""}, "Vorname fehlt"),
    ],
)
def test_rejected_rows_say_why_in_german(row, reason):
    result = one(**row)
    assert not isinstance(result, Candidate)
    assert reason in result.reason


def test_phone_with_plus_is_no_formula():
    assert one(Telefon="+49 30 12345678").phone == "+493012345678"
    assert not is_formula("+49 30 12345678", "phone")
    assert not is_formula("- keine -", "notes")
    assert is_formula("=1+1")


def test_empty_rows_are_counted_not_returned():
    result = run({}, {"Vorname": "Anna", "Nachname": "Muster", "PLZ": "04109"}, {})
    assert result.empty_rows == 2 and len(result.candidates) == 1 and not result.rejected


def test_html_emoji_and_rtl_stay_text():
    c = one(Vorname="<script>alert(1)</script>", Nachname="Müller 🌹", Notiz="مرحبا <b>fett</b>")
    assert isinstance(c, Candidate)
    assert c.first_name == "<script>alert(1)</script>" and c.last_name == "Müller 🌹"
    assert c.notes == "مرحبا <b>fett</b>"


def test_no_evidence_means_not_contactable():
    assert not one().contactable
    assert not one(Newsletter="nein").contactable


def test_batch_evidence_covers_every_row():
    batch = BatchContext(
        source="infostand",
        evidence="Unterschrift auf der Infostand-Liste",
        consents=(("information", "email"), ("newspaper", "post")),
    )
    c = run({"Vorname": "Anna", "Nachname": "Muster", "PLZ": "04109"}, batch=batch).candidates[0]
    assert c.contactable and c.source == "infostand"
    assert {(x.purpose, x.channel) for x in c.consents} == {("information", "email"), ("newspaper", "post")}
    assert c.consents[0].evidence == "Unterschrift auf der Infostand-Liste"


def test_unknown_topics_are_a_warning():
    c = one(Themen="Miete, Kekse")
    assert c.topics == ("miete",) and "Kekse" in c.warnings[0]


def test_row_problem_from_reading_rejects_the_row():
    table = Table(
        headers=HEADERS,
        rows=[["Anna", "Muster", "", "", "04109", "", "", "", ""]],
        row_numbers=[2],
        file_format="csv",
        row_problems={2: "Die Zeile hat mehr Spalten (10) als die Kopfzeile (9)."},
    )
    assert "mehr Spalten" in validate_table(table, MAPPING, KNOWN).rejected[0].reason


def test_known_plz_may_be_a_callable():
    table = Table(
        headers=HEADERS, rows=[["Anna", "Muster", "", "", "80331", "", "", "", ""]], row_numbers=[2], file_format="csv"
    )
    assert validate_table(table, MAPPING, lambda plz: plz.startswith("8")).candidates


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Anna Muster", ("Anna", "Muster")),
        ("Muster, Anna", ("Anna", "Muster")),
        ("Anna Maria von der Muster", ("Anna Maria", "von der Muster")),
        ("Muster", ("", "Muster")),
    ],
)
def test_split_full_name(text, parts):
    assert split_full_name(text) == parts


def test_full_name_column_is_split():
    table = Table(headers=["Name", "PLZ"], rows=[["Muster, Anna", "04109"]], row_numbers=[2], file_format="csv")
    c = validate_table(table, {"Name": "full_name", "PLZ": "plz"}, KNOWN).candidates[0]
    assert (c.first_name, c.last_name) == ("Anna", "Muster")


def test_birth_year_from_a_date():
    assert parse_birth_year("03.05.1980", TODAY) == 1980
    assert parse_birth_year("1980-05-03", TODAY) == 1980


def test_phone_numbers_in_german_formats():
    assert normalise_phone("(030) 123 456 78") == "+493012345678"
    assert normalise_phone("0049 151 23456789") == "+4915123456789"


def test_topics_are_case_and_umlaut_insensitive():
    assert parse_topics("MIETE und Frieden / umverteilung")[0] == ("frieden", "miete", "umverteilung")


@given(st.text(max_size=60))
def test_validation_never_crashes_on_any_text(text):
    result = run(
        {
            "Vorname": text,
            "Nachname": text,
            "PLZ": text,
            "E-Mail": text,
            "Telefon": text,
            "Geburtsjahr": text,
            "Themen": text,
            "Notiz": text,
        }
    )
    assert len(result.candidates) + len(result.rejected) + result.empty_rows == 1


@settings(max_examples=300, deadline=None)
@given(
    local=st.text(alphabet="abcXYZ019._%+-,!", min_size=0, max_size=12),
    domain=st.text(alphabet="abz09-.", min_size=0, max_size=12),
)
def test_fast_path_for_plain_addresses_agrees_with_the_library(local, domain):
    """The shortcut for plain addresses accepts and normalises exactly what email-validator does."""
    from email_validator import EmailNotValidError, validate_email

    address = f"{local}@{domain}"
    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        got = normalise_email(address)
    except ValueError:
        got = None
    assert got == expected
