"""The one place that checks what people type into forms and what an import reads (DESIGN §3.4).

Every form's service and the import use these checks, so the database never gets what it refuses
(PostgreSQL ends a statement at a NUL byte or a text longer than its column, and Streamlit then shows
its English error page):

- text fields: length limits taken from the columns in db/models (FIELDS below names every field a
  person types), no control characters (NUL, escape, bidi overrides; single-line fields fold line
  breaks and tabs into spaces, multi-line fields keep them);
- e-mail addresses: email-validator (one address, no display name, no quoted local part, so
  `x,spy@evil.org` is refused instead of reaching two recipients); stored normalised;
- phone numbers: phonenumbers (a valid number for its region); stored as typed or in E.164.

Errors are German ValidationErrors that quote no typed value: the person sees the value in the form,
and a message is shown as Markdown, where a value could turn into a link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from db import models as m
from domain.errors import ValidationError

# Bidi embeddings, overrides and isolates: they make a name read differently from what it holds.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A plain ASCII dot-atom address (what nearly every list holds): its local part is valid as it stands, so
# only its domain needs the library's check, once per domain. Anything else goes through the full check.
# What a typed phone number may hold; phonenumbers alone would read letters as a vanity number (abc = 222).
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()/.\-]+$")
_PLAIN_EMAIL = re.compile(r"^([a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    """A text field as errors name it: label ("der Vorname"), ask ("einen Vornamen"), longest value, lines."""

    label: str
    ask: str
    limit: int
    multiline: bool = False

    @property
    def name(self) -> str:
        """The label with a capital first letter, to begin a sentence."""
        return self.label[:1].upper() + self.label[1:]


def column_length(column) -> int:
    """The length of a String(n) column of db.models."""
    length = getattr(column.type, "length", None)
    if not length:
        raise TypeError(f"{column} has no length; give the field an explicit limit")
    return length


def _field(column, label: str, ask: str, limit: int | None = None, multiline: bool = False) -> Field:
    # String(n) columns give their length (a limit may be smaller); Text columns need an explicit one.
    length = getattr(column.type, "length", None)
    return Field(label, ask, min(limit or length, length or limit), multiline)


NOTE_MAX = 1000
LONG_TEXT_MAX = 5000

FIELDS: dict[str, Field] = {
    # Linksaktive (form, import)
    "contact.first_name": _field(m.Contact.first_name, "der Vorname", "einen Vornamen"),
    "contact.last_name": _field(m.Contact.last_name, "der Nachname", "einen Nachnamen"),
    "contact.email": _field(m.Contact.email, "die E-Mail-Adresse", "eine E-Mail-Adresse"),
    "contact.phone": _field(m.Contact.phone, "die Telefonnummer", "eine Telefonnummer"),
    "contact.street": _field(m.Contact.street, "die Straße", "die Straße"),
    "contact.city": _field(m.Contact.city, "der Ort", "den Ort"),
    "activity.note": _field(m.Activity.note, "die Notiz", "eine Notiz", NOTE_MAX, multiline=True),
    "consent.evidence": _field(
        m.Consent.evidence, "der Nachweis", "einen Nachweis (z. B. „Unterschrift auf Infostand-Liste vom …“)", 500
    ),
    # Import
    "import.file_name": _field(m.ImportBatch.file_name, "der Dateiname", "einen Dateinamen"),
    "import.place": _field(m.ImportBatch.place, "der Ort oder die Veranstaltung", "einen Ort oder eine Veranstaltung"),
    "import.evidence": _field(m.ImportBatch.consent_evidence, "der Nachweis der Einwilligung", "einen Nachweis", 500),
    "preset.name": _field(m.MappingPreset.name, "der Name der Zuordnung", "der Zuordnung einen Namen"),
    # Wahlkampfleitungen and Hilfsangebote
    "lead.contact_name": _field(m.CampaignLead.contact_name, "die Ansprechperson", "eine Ansprechperson"),
    "lead.contact_email": _field(
        m.CampaignLead.contact_email, "die E-Mail-Adresse der Ansprechperson", "eine E-Mail-Adresse"
    ),
    "lead.contact_phone": _field(
        m.CampaignLead.contact_phone, "die Telefonnummer der Ansprechperson", "eine Telefonnummer"
    ),
    "lead.note": _field(m.CampaignLead.note, "die Notiz", "eine Notiz", NOTE_MAX, multiline=True),
    "offer.note": _field(m.VolunteerOffer.note, "die Notiz", "eine Notiz", NOTE_MAX, multiline=True),
    # Verwaltung
    "office.name": _field(m.Office.name, "der Name", "einen Namen"),
    "office.street": _field(m.Office.street, "die Straße", "die Straße"),
    "office.city": _field(m.Office.city, "der Ort", "den Ort"),
    "office.opening_hours": _field(
        m.Office.opening_hours, "die Öffnungszeiten", "die Öffnungszeiten", NOTE_MAX, multiline=True
    ),
    "office.phone": _field(m.Office.phone, "die Telefonnummer", "eine Telefonnummer"),
    "office.email": _field(m.Office.email, "die E-Mail-Adresse", "eine E-Mail-Adresse"),
    "kv.name": _field(m.Kreisverband.name, "der Name des Kreisverbands", "einen Namen"),
    "user.display_name": _field(m.User.display_name, "der Anzeigename", "einen Anzeigenamen"),
    "user.email": _field(m.User.email, "die E-Mail-Adresse", "eine E-Mail-Adresse"),
    "dsr.note": _field(m.DataSubjectRequest.note, "die Notiz", "eine Notiz", 2000, multiline=True),
    # Aktionsaufrufe and Zeitung
    "call.title": _field(m.CallToAction.title, "der Titel", "dem Aufruf einen Titel"),
    "call.body": _field(m.CallToAction.body, "der Text", "den Text", LONG_TEXT_MAX, multiline=True),
    "call.link": _field(m.CallToAction.link, "der Link", "einen Link"),
    "edition.title": _field(m.NewspaperEdition.title, "der Titel", "einen Titel"),
    "edition.campaign": _field(m.NewspaperEdition.campaign, "die Kampagne", "eine Kampagne"),
    "order.override_reason": _field(
        m.DispatchOrder.override_reason, "die Begründung", "eine Begründung", NOTE_MAX, multiline=True
    ),
    "order.tracking_number": _field(m.DispatchOrder.tracking_number, "die Sendungsnummer", "eine Sendungsnummer"),
}


def field(key: str) -> Field:
    """The field of FIELDS under key (e.g. "contact.first_name")."""
    return FIELDS[key]


def _as_field(f: Field | str) -> Field:
    return FIELDS[f] if isinstance(f, str) else f


def control_problem(value: str, multiline: bool = False) -> bool:
    """True when value holds a character no field may hold: a control character (NUL, escape, …;
    line breaks and tabs only in multi-line fields), a bidi override, a lone surrogate."""
    allowed = "\n\t\r" if multiline else ""
    for ch in value:
        if ch in allowed:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or ch in _BIDI:
            return True
    return False


def text(value, f: Field | str, required: bool = False) -> str:
    """The field's text, tidied (single-line: spaces folded; multi-line: trimmed, \\r\\n → \\n); German
    ValidationError when required and empty, too long, or holding control characters."""
    f = _as_field(f)
    raw = "" if value is None else str(value)
    if f.multiline:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        if control_problem(raw, multiline=True):
            raise ValidationError(_control_message(f))
        cleaned = raw.strip()
    else:
        # Line breaks and tabs are whitespace: folded below. Any other control character is refused.
        if control_problem(raw.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
            raise ValidationError(_control_message(f))
        cleaned = " ".join(raw.split())
    if required and not cleaned:
        raise ValidationError(f"Bitte gib {f.ask} an.")
    if len(cleaned) > f.limit:
        raise ValidationError(f"{f.name} ist zu lang (höchstens {f.limit} Zeichen).")
    return cleaned


def _control_message(f: Field) -> str:
    return (
        f"{f.name} enthält Steuerzeichen (z. B. ein Nullbyte oder unsichtbare Richtungszeichen). "
        "Bitte gib nur sichtbare Zeichen ein."
    )


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalised_email(value: str) -> str | None:
    """The address as email-validator normalises it (domain lower-cased), or None when it is no single address."""
    plain = _PLAIN_EMAIL.match(value)
    if plain and len(plain.group(1)) <= 64 and len(value) <= 254 and (domain := _domain(plain.group(2))):
        return f"{plain.group(1)}@{domain}"
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def email(value, f: Field | str = "contact.email", required: bool = False, current: str | None = None) -> str:
    """A single e-mail address, normalised ('' when empty and not required); German ValidationError otherwise.

    current: the value stored now; kept as it is when the form sends it back unchanged.
    """
    f = _as_field(f)
    typed = text(value, f, required=required)
    if not typed or (current is not None and typed == current):
        return typed
    address = normalised_email(typed)
    if address is None:
        raise ValidationError(
            f"{f.name} sieht nicht richtig aus. Bitte gib genau eine Adresse an, z. B. name@example.org."
        )
    if len(address) > f.limit:
        raise ValidationError(f"{f.name} ist zu lang (höchstens {f.limit} Zeichen).")
    return address


def phone(
    value,
    f: Field | str = "contact.phone",
    required: bool = False,
    region: str = "DE",
    e164: bool = False,
    current: str | None = None,
) -> str:
    """A valid phone number as typed (spaces folded) or in E.164; '' when empty; German ValidationError otherwise.

    Numbers without a country code count as numbers of region. current: the value stored now; kept
    as it is when the form sends it back unchanged.
    """
    f = _as_field(f)
    typed = text(value, f, required=required)
    if not typed or (current is not None and typed == current):
        return typed
    try:
        number = phonenumbers.parse(typed, region) if _PHONE_CHARS.match(typed) else None
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"{f.name} ist ungültig: bitte mit Vorwahl und nur mit Ziffern, z. B. 0341 1234567 oder +49 341 1234567."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if e164 else typed


SEARCH_MAX = 100


def search(value) -> str:
    """A search text as the database may take it: characters no field holds are dropped (not refused:
    a search only reads), spaces folded, at most SEARCH_MAX characters."""
    raw = "" if value is None else str(value)
    kept = "".join(ch for ch in raw if ch.isspace() or not control_problem(ch))
    return " ".join(kept.split())[:SEARCH_MAX]


def problems(*checks) -> list[str]:
    """Run checks (callables without arguments) and collect their German messages (for forms that list all)."""
    found = []
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            found.append(str(exc))
    return found
