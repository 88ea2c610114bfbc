"""Target fields of a contact import and a guess of which column holds which field."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from domain.enums import CHANNELS, PURPOSES
from domain.errors import ValidationError

# Purposes that are not about a channel (DESIGN §2): their consent column has no channel part.
CHANNEL_LESS = ("volunteering", "pass_to_branch")
# Near spellings ("Postleitzal", "E-Mial") count from this rapidfuzz ratio (0–100) on normalised headers.
FUZZY_THRESHOLD = 88


def consent_field(purpose: str, channel: str | None) -> str:
    """The field name of a per-row consent column, e.g. consent_newspaper_post."""
    return f"consent_{purpose}" if channel is None else f"consent_{purpose}_{channel}"


def _consent_fields() -> dict[str, str]:
    out = {}
    for purpose, label in PURPOSES.items():
        if purpose in CHANNEL_LESS:
            out[consent_field(purpose, None)] = f"Einwilligung {label}"
        else:
            for channel, ch_label in CHANNELS.items():
                out[consent_field(purpose, channel)] = f"Einwilligung {label} per {ch_label}"
    return out


CONSENT_FIELDS = _consent_fields()
FIELDS = {
    "first_name": "Vorname",
    "last_name": "Nachname",
    "full_name": "Name (Vor- und Nachname)",
    "email": "E-Mail",
    "phone": "Telefon",
    "street": "Straße",
    "house_number": "Hausnummer",
    "plz": "PLZ",
    "city": "Ort",
    "birth_year": "Geburtsjahr",
    "topics": "Themen",
    "source": "Quelle",
    "notes": "Notiz",
    **CONSENT_FIELDS,
}

# Header spellings seen in hand-made lists, the campaign app's and the web form's exports.
_SYNONYMS = {
    "first_name": [
        "Vorname",
        "Vornamen",
        "Rufname",
        "first_name",
        "firstname",
        "first name",
        "given_name",
        "given name",
        "forename",
        "vname",
        "contact_first_name",
        "Vorname (Pflichtfeld)",
    ],
    "last_name": [
        "Nachname",
        "Familienname",
        "Zuname",
        "last_name",
        "lastname",
        "last name",
        "surname",
        "family_name",
        "family name",
        "nname",
        "contact_last_name",
        "Nachname (Pflichtfeld)",
    ],
    "full_name": [
        "Name",
        "Vor- und Nachname",
        "Vollständiger Name",
        "full_name",
        "fullname",
        "full name",
        "Kontakt",
        "Person",
        "Name, Vorname",
    ],
    "email": [
        "E-Mail",
        "E-Mail-Adresse",
        "Email",
        "EMail",
        "Mail",
        "Mailadresse",
        "E-Mail Adresse",
        "email_address",
        "e-mail address",
        "contact_email",
        "your-email",
    ],
    "phone": [
        "Telefon",
        "Telefonnummer",
        "Tel",
        "Tel.",
        "Handy",
        "Handynummer",
        "Mobil",
        "Mobilnummer",
        "Mobiltelefon",
        "Rufnummer",
        "phone",
        "phone_number",
        "mobile",
        "telephone",
        "contact_phone",
        "your-phone",
    ],
    "street": [
        "Straße",
        "Strasse",
        "Str.",
        "Straße und Hausnummer",
        "Straße Nr.",
        "Anschrift",
        "Adresse",
        "street",
        "address",
        "address_1",
        "street_address",
        "address_line_1",
    ],
    "house_number": ["Hausnummer", "Hausnr.", "Hausnr", "Nr.", "house_number", "street_number"],
    "plz": [
        "PLZ",
        "Postleitzahl",
        "Plz.",
        "zip",
        "zip_code",
        "zipcode",
        "postal_code",
        "postcode",
        "post code",
        "contact_zip",
    ],
    "city": ["Ort", "Wohnort", "Stadt", "Gemeinde", "Wohnort/Stadt", "city", "town", "locality", "suburb"],
    "birth_year": [
        "Geburtsjahr",
        "Jahrgang",
        "Geburtsdatum",
        "Geb.-Jahr",
        "birth_year",
        "year_of_birth",
        "birthyear",
        "date_of_birth",
        "birthday",
    ],
    "topics": ["Themen", "Thema", "Interessen", "Interesse", "Schwerpunkte", "Anliegen", "topics", "interests", "tags"],
    "source": ["Quelle", "Herkunft", "Kanal der Gewinnung", "Erfasst bei", "source", "origin"],
    "notes": [
        "Notiz",
        "Notizen",
        "Bemerkung",
        "Bemerkungen",
        "Anmerkung",
        "Kommentar",
        "notes",
        "note",
        "comment",
        "comments",
        "your-message",
        "Nachricht",
    ],
    "consent_information_email": [
        "Newsletter",
        "Newsletter ja/nein",
        "Infos per E-Mail",
        "Einwilligung E-Mail",
        "E-Mail-Einwilligung",
        "Opt-in",
        "optin",
        "newsletter_optin",
        "consent_email",
        "Informationen per E-Mail",
    ],
    "consent_information_post": ["Infos per Post", "Post-Einwilligung"],
    "consent_information_phone": [
        "Anruf ok",
        "Anrufe erlaubt",
        "Telefonkontakt",
        "Einwilligung Telefon",
        "consent_phone",
    ],
    "consent_information_sms": ["SMS ok", "Infos per SMS", "Einwilligung SMS", "consent_sms"],
    "consent_newspaper_post": ["Zeitung per Post", "Zeitung", "Zeitung bestellen", "Zeitung gewünscht", "newspaper"],
    "consent_call_to_action_email": ["Aktionsaufrufe", "Aktionsaufrufe per Mail", "Mitmachen per E-Mail"],
    "consent_volunteering": ["Mithelfen", "Mithilfe", "Will mitmachen", "Helfen", "volunteer", "volunteering"],
    "consent_pass_to_branch": ["Weitergabe", "Weitergabe an Kreisverband", "Weitergabe ok"],
}


def normalise_header(text: str) -> str:
    """A header in comparable form: lowercase, umlauts spelt out, accents and punctuation removed."""
    text = str(text or "").casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", text)


def _lexicon() -> dict[str, str]:
    lexicon = {}
    for fld, label in FIELDS.items():
        lexicon.setdefault(normalise_header(fld), fld)
        lexicon.setdefault(normalise_header(label), fld)
    for fld, names in _SYNONYMS.items():
        for name in names:
            lexicon[normalise_header(name)] = fld
    return lexicon


_LEXICON = _lexicon()
_KEYS = list(_LEXICON)


def guess_field(header: str) -> tuple[str | None, float]:
    """The field a header most likely names and the confidence (0–100); None below the threshold."""
    key = normalise_header(header)
    if not key:
        return None, 0.0
    if key in _LEXICON:
        return _LEXICON[key], 100.0
    # Short keys ("ort", "tel") would match too much by accident: only exact spellings count for them.
    if len(key) < 4:
        return None, 0.0
    hit = process.extractOne(key, _KEYS, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    if hit is None:
        return None, 0.0
    return _LEXICON[hit[0]], float(hit[1])


def guess_mapping(headers: list[str]) -> dict[str, str | None]:
    """Header → field (or None) guessed from German and English spellings; each field used at most once."""
    guesses = {h: guess_field(h) for h in headers}
    mapping: dict[str, str | None] = dict.fromkeys(headers)
    taken: set[str] = set()
    # The surest guesses choose first, so "E-Mail" wins the e-mail field over "E-Mail 2".
    for header in sorted(headers, key=lambda h: -guesses[h][1]):
        fld = guesses[header][0]
        if fld is not None and fld not in taken:
            mapping[header] = fld
            taken.add(fld)
    return mapping


def check_mapping(mapping: dict[str, str | None]) -> dict[str, str | None]:
    """The mapping if usable: known fields, none twice, a name and the PLZ; ValidationError otherwise."""
    used = [f for f in mapping.values() if f]
    unknown = sorted({f for f in used if f not in FIELDS})
    if unknown:
        raise ValidationError(f"Unbekannte Zielfelder in der Zuordnung: {', '.join(unknown)}.")
    twice = sorted({f for f in used if used.count(f) > 1})
    if twice:
        labels = ", ".join(f"„{FIELDS[f]}“" for f in twice)
        raise ValidationError(f"Jedes Feld darf nur einer Spalte zugeordnet sein: {labels} ist mehrfach gewählt.")
    if "last_name" not in used and "full_name" not in used:
        raise ValidationError("Bitte ordne eine Spalte dem Nachnamen (oder dem ganzen Namen) zu.")
    if "plz" not in used:
        raise ValidationError("Bitte ordne eine Spalte der PLZ zu: Sie bestimmt den Kreisverband der Person.")
    return mapping
