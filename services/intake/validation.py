"""Turn mapped table rows into normalised contact candidates, or rejections with a German reason each."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz, process

from domain.enums import SOURCES, TOPICS
from domain.errors import ValidationError
from services.core import validate
from services.intake.mapping import CONSENT_FIELDS, FIELDS, check_mapping
from services.intake.reading import Table

# Per-cell length limits: the columns' limits (services.core.validate, the same as the forms') where a
# field is stored as it is; the stored values are checked again after splitting names and joining streets.
_STORED = {
    "first_name": "contact.first_name",
    "last_name": "contact.last_name",
    "email": "contact.email",
    "phone": "contact.phone",
    "street": "contact.street",
    "city": "contact.city",
    "notes": "activity.note",
}
MAX_LEN = {
    **{fld: validate.field(key).limit for fld, key in _STORED.items()},
    "full_name": 160,
    "house_number": 20,
    "birth_year": 20,
    "topics": 500,
    "source": 60,
}
MAX_CONSENT_LEN = 40
_LIMITS = {key: validate.field(key).limit for key in ("contact.first_name", "contact.last_name", "contact.street")}
TRUTHY = {"ja", "j", "x", "1", "true", "wahr", "yes", "y", "ok", "✓", "✔"}
OLDEST_BIRTH_YEAR = 1900
# Excel counts days from 1899-12-30; five-digit numbers in a year column are such serials.
EXCEL_EPOCH = date(1899, 12, 30)
# What makes a cell starting with + - @ a formula rather than text: a function call, a cell or
# sheet reference, or a DDE pipe (CWE-1236 CSV injection).
_FORMULA_BODY = re.compile(r"^[+\-@]\s*([A-Za-z_][A-Za-z0-9_.]*\s*\(|\$?[A-Za-z]{1,3}\$?[0-9]+\b|.*[!|])")
_NAME_PARTICLES = {"von", "van", "de", "der", "den", "zu", "vom", "zum", "da", "di", "del", "la", "le", "ten", "ter"}
_TOPIC_SPLIT = re.compile(r"\s*(?:[,;/|+\n]|\bund\b|&)\s*")
TOPIC_FUZZY = 85


@dataclass(frozen=True)
class Consent:
    """A consent a row (or its batch) grants: purpose, channel (None for channel-less), evidence."""

    purpose: str
    channel: str | None
    evidence: str


@dataclass(frozen=True)
class BatchContext:
    """What the importer says about the whole file: source and consent evidence for all its rows."""

    source: str = "import"
    evidence: str = ""  # e.g. "Unterschrift auf der Infostand-Liste vom 3.5."
    consents: tuple[tuple[str, str | None], ...] = ()  # (purpose, channel) the evidence covers
    default_region: str = "DE"


@dataclass(frozen=True)
class Candidate:
    """A row that passed: normalised values ready for duplicate detection and creation."""

    row: int
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    street: str = ""
    plz: str = ""
    city: str = ""
    birth_year: int | None = None
    topics: tuple[str, ...] = ()
    source: str = "import"
    notes: str = ""
    consents: tuple[Consent, ...] = ()
    warnings: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()  # every file row folded into this candidate (two rows of one person)

    @property
    def contactable(self) -> bool:
        """True when the row has evidence of at least one consent."""
        return bool(self.consents)


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be imported, with every German reason found."""

    row: int
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """All reasons as one German sentence list."""
        return " ".join(self.reasons)


@dataclass
class ValidationResult:
    """Candidates, rejections and the number of empty rows skipped."""

    candidates: list[Candidate] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    empty_rows: int = 0


def _plz_checker(known_plz) -> Callable[[str], bool]:
    if callable(known_plz):
        return known_plz
    if isinstance(known_plz, Collection):
        return known_plz.__contains__
    raise TypeError("known_plz must be a collection of PLZ or a callable")


def validate_table(
    table: Table,
    mapping: dict[str, str | None],
    known_plz,
    batch: BatchContext | None = None,
    today: date | None = None,
) -> ValidationResult:
    """Every data row of the table as a Candidate or a Rejection; empty rows are counted, not returned."""
    check_mapping(mapping)
    batch = batch or BatchContext()
    is_known = _plz_checker(known_plz)
    columns = [(i, mapping.get(h)) for i, h in enumerate(table.headers) if mapping.get(h)]
    headers = {fld: table.headers[i] for i, fld in columns}
    result = ValidationResult()
    for number, cells in zip(table.row_numbers, table.rows):
        if not any(cells):
            result.empty_rows += 1
            continue
        values = {fld: cells[i] for i, fld in columns}
        outcome = validate_row(number, values, headers, is_known, batch, today or date.today())
        if number in table.row_problems and isinstance(outcome, Candidate):
            outcome = Rejection(number, (table.row_problems[number],))
        (result.candidates if isinstance(outcome, Candidate) else result.rejected).append(outcome)
    return result


def validate_row(
    number: int,
    values: dict[str, str],
    headers: dict[str, str],
    is_known: Callable[[str], bool],
    batch: BatchContext,
    today: date,
) -> Candidate | Rejection:
    """One row's mapped values (field → text) as a Candidate, or a Rejection with all reasons."""
    reasons: list[str] = []
    warnings: list[str] = []
    for fld, value in values.items():
        label = headers.get(fld, FIELDS.get(fld, fld))
        if not value.isprintable() and validate.control_problem(value, multiline=True):  # breaks: folded below
            reasons.append(f"Spalte „{label}“ enthält Steuerzeichen (nicht druckbare Zeichen).")
        elif is_formula(value, fld):
            reasons.append(f"Spalte „{label}“ enthält eine Formel ({value[:30]}); Formeln importieren wir nicht.")
        limit = MAX_CONSENT_LEN if fld in CONSENT_FIELDS else MAX_LEN.get(fld, 1000)
        if len(value) > limit:
            reasons.append(f"Spalte „{label}“ ist zu lang ({len(value)} Zeichen, höchstens {limit}).")
    if reasons:
        return Rejection(number, tuple(reasons))
    text = {f: " ".join(v.split()) for f, v in values.items() if f != "notes"}
    first, last = text.get("first_name", ""), text.get("last_name", "")
    if text.get("full_name") and not (first or last):
        first, last = split_full_name(text["full_name"])
    if not last:
        reasons.append("Der Nachname fehlt.")
    if not first:
        reasons.append("Der Vorname fehlt.")
    email = _checked(normalise_email, text.get("email", ""), reasons)
    phone = _checked(lambda v: normalise_phone(v, batch.default_region), text.get("phone", ""), reasons)
    plz = _checked_plz(text.get("plz", ""), is_known, reasons)
    birth_year = _checked(lambda v: parse_birth_year(v, today), text.get("birth_year", ""), reasons, None)
    if reasons:
        return Rejection(number, tuple(reasons))
    topics, unknown = parse_topics(text.get("topics", ""))
    if unknown:
        warnings.append("Unbekannte Themen nicht übernommen: " + ", ".join(unknown) + ".")
    source = _source(text.get("source", ""), batch.source, warnings)
    street = " ".join(p for p in (text.get("street", ""), text.get("house_number", "")) if p)
    # A split full name or a street joined with its number must still fit its column.
    for key, value in (("contact.first_name", first), ("contact.last_name", last), ("contact.street", street)):
        if value.isprintable() and len(value) <= _LIMITS[key]:
            continue  # what validate.text would pass unchanged (no control character, folded, short enough)
        try:
            validate.text(value, key)
        except ValidationError as exc:
            reasons.append(str(exc))
    if reasons:
        return Rejection(number, tuple(reasons))
    return Candidate(
        row=number,
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        street=street,
        plz=plz,
        city=text.get("city", ""),
        birth_year=birth_year,
        topics=topics,
        source=source,
        notes=values.get("notes", "").strip(),
        consents=_consents(values, headers, batch),
        warnings=tuple(warnings),
        rows=(number,),
    )


def _checked(parse, value: str, reasons: list[str], empty=""):
    if not value:
        return empty
    try:
        return parse(value)
    except ValueError as exc:
        reasons.append(str(exc))
        return empty


def is_formula(value: str, fld: str = "") -> bool:
    """True for a spreadsheet formula: always '=…'; '+ - @…' only when formula-like and no valid phone/e-mail."""
    text = value.strip()
    if not text or text[0] not in "=+-@":
        return False
    if text[0] == "=":
        return True
    if text[0] not in "+-@":
        return False
    if fld == "phone" and text[0] == "+" and re.fullmatch(r"\+[0-9 ()/\-]{4,40}", text):
        return False
    return bool(_FORMULA_BODY.match(text))


def normalise_email(value: str) -> str:
    """The e-mail address in normalised form (the forms' check, services.core.validate); ValueError with a
    German reason that names the cell (the rejected rows are shown as plain table cells)."""
    address = validate.normalised_email(value)
    if address is None:
        raise ValueError(f"Die E-Mail-Adresse „{value[:60]}“ ist ungültig.")
    return address


def normalise_phone(value: str, region: str = "DE") -> str:
    """The phone number in E.164 (+4930…) by the forms' check (services.core.validate); ValueError with a
    German reason that names the cell when it is no valid number."""
    try:
        return validate.phone(value, "contact.phone", region=region, e164=True)
    except ValidationError:
        raise ValueError(f"Die Telefonnummer „{value[:40]}“ ist ungültig (falsche Länge oder Vorwahl).") from None


def check_plz(value: str, is_known: Callable[[str], bool]) -> str:
    """A known five-digit PLZ; ValueError with a German reason (a lost leading zero is named)."""
    plz = re.sub(r"^(?:D|DE)\s*-\s*", "", value.strip(), flags=re.IGNORECASE)
    if re.fullmatch(r"[0-9]{4}", plz):
        raise ValueError(f"PLZ hat nur 4 Stellen – führende Null verloren? (0{plz})")
    if not re.fullmatch(r"[0-9]{5}", plz):
        raise ValueError(f"Die PLZ „{value[:20]}“ muss aus fünf Ziffern bestehen.")
    if not is_known(plz):
        raise ValueError(f"Die PLZ {plz} gibt es nicht.")
    return plz


def _checked_plz(value: str, is_known, reasons: list[str]) -> str:
    if not value:
        reasons.append("Die PLZ fehlt.")
        return ""
    try:
        return check_plz(value, is_known)
    except ValueError as exc:
        reasons.append(str(exc))
        return ""


def parse_birth_year(value: str, today: date | None = None) -> int | None:
    """The birth year from '1980', '03.05.1980' or '1980-05-03'; ValueError for text and Excel serials."""
    text = value.strip()
    if not text:
        return None
    this_year = (today or date.today()).year
    match = re.fullmatch(r"(?:\d{1,2}\.\d{1,2}\.)?(\d{4})(?:-\d{1,2}-\d{1,2})?(?:[ T][0-9:]+)?", text)
    if match is None:
        if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):
            day = EXCEL_EPOCH + timedelta(days=int(text.split(".")[0].split(",")[0]))
            raise ValueError(
                f"Das Geburtsjahr „{text}“ ist ein Datum als Excel-Seriennummer "
                f"(= {day:%d.%m.%Y}). Bitte trag das Jahr ein (z. B. {day.year})."
            )
        raise ValueError(f"Das Geburtsjahr „{text[:30]}“ ist keine Jahreszahl.")
    year = int(match.group(1))
    if not OLDEST_BIRTH_YEAR <= year <= this_year:
        raise ValueError(f"Das Geburtsjahr {year} ist nicht plausibel ({OLDEST_BIRTH_YEAR}–{this_year}).")
    return year


def split_full_name(text: str) -> tuple[str, str]:
    """(first, last) from 'Müller, Anna' or 'Anna von Müller'; a single word is a last name."""
    text = " ".join(text.split())
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return first, last
    words = text.split(" ")
    if len(words) == 1:
        return "", words[0]
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in _NAME_PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def _fold(text: str) -> str:
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", text)


_TOPIC_KEYS = {**{_fold(k): k for k in TOPICS}, **{_fold(v): k for k, v in TOPICS.items()}}


def parse_topics(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Topic keys of domain.enums.TOPICS found in a cell like 'Miete, Pflege', and the parts not known."""
    found, unknown = [], []
    for part in _TOPIC_SPLIT.split(text or ""):
        key = _fold(part)
        if not key:
            continue
        topic = _TOPIC_KEYS.get(key)
        if topic is None and len(key) >= 4:
            hit = process.extractOne(key, list(_TOPIC_KEYS), scorer=fuzz.ratio, score_cutoff=TOPIC_FUZZY)
            topic = _TOPIC_KEYS[hit[0]] if hit else None
        if topic is None:
            unknown.append(part.strip())
        elif topic not in found:
            found.append(topic)
    return tuple(sorted(found)), unknown


def _source(text: str, default: str, warnings: list[str]) -> str:
    if not text:
        return default
    key = _fold(text)
    for code, label in SOURCES.items():
        if key in (_fold(code), _fold(label)):
            return code
    warnings.append(f"Unbekannte Quelle „{text[:40]}“; übernommen wird „{SOURCES.get(default, default)}“.")
    return default


def is_truthy(value: str) -> bool:
    """True for consent cells like 'ja', 'x', '1', 'true', 'yes'."""
    return value.strip().casefold() in TRUTHY


def _consents(values: dict[str, str], headers: dict[str, str], batch: BatchContext) -> tuple[Consent, ...]:
    out: dict[tuple[str, str | None], Consent] = {}
    if batch.evidence.strip():
        for purpose, channel in batch.consents:
            out[(purpose, channel)] = Consent(purpose, channel, batch.evidence.strip())
    for fld, value in values.items():
        if fld in CONSENT_FIELDS and is_truthy(value):
            purpose, channel = consent_parts(fld)
            evidence = f"Spalte „{headers.get(fld, fld)}“ der Importdatei"
            if batch.evidence.strip():
                evidence = f"{batch.evidence.strip()} ({evidence})"
            out.setdefault((purpose, channel), Consent(purpose, channel, evidence))
    return tuple(out.values())


def consent_parts(fld: str) -> tuple[str, str | None]:
    """(purpose, channel) of a consent field name such as consent_newspaper_post."""
    from domain.enums import CHANNELS, PURPOSES

    rest = fld.removeprefix("consent_")
    for channel in CHANNELS:
        purpose = rest.removesuffix(f"_{channel}")
        if purpose != rest and purpose in PURPOSES:
            return purpose, channel
    return rest, None
