"""Offices: create, edit, close and CSV import; every change recomputes the nearest office per PLZ.

CSV import columns (header row required, `;` or `,` separated, UTF-8 with or without BOM):
  name             Name of the office (required)
  art              geschaeftsstelle | buergerbuero | wahlkreisbuero, or the German label
                   (Geschäftsstelle, Bürgerbüro, Wahlkreisbüro); empty = geschaeftsstelle
  strasse          Street and number
  plz              Five-digit German PLZ (required); coordinates are its centroid
  ort              Place; empty = the PLZ's place
  oeffnungszeiten  Opening hours as free text, e.g. "Mo–Do 10–16 Uhr"
  telefon          Phone
  email            E-mail address
  kreisverband     Name (or id) of the KV; empty = the KV of the PLZ's Kreis
Only `name` and `plz` must be present as columns. All rows are checked first; if any row is
bad, nothing is imported and every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db.models import Office
from db.queries.admin.offices import office_names, offices_frame
from db.queries.common.area_names import kv_names
from db.types import utcnow
from domain.enums import OFFICE_KINDS
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.keys import name_key
from services.core import audit, validate
from services.core.scope import Scope, require_action
from services.geo.places import recompute_nearest_offices, resolve_plz

CSV_COLUMNS = ("name", "art", "strasse", "plz", "ort", "oeffnungszeiten", "telefon", "email", "kreisverband")
REQUIRED_COLUMNS = ("name", "plz")
MAX_IMPORT_ROWS = 5000
_KIND_BY_WORD = {**{k: k for k in OFFICE_KINDS}, **{v.lower(): k for k, v in OFFICE_KINDS.items()}}


@dataclass(frozen=True)
class OfficeData:
    """The fields of an office as a form or a CSV row gives them (kv and coordinates optional)."""

    name: str
    plz: str
    kind: str = "geschaeftsstelle"
    street: str = ""
    city: str = ""
    opening_hours: str = ""
    phone: str = ""
    email: str = ""
    kv: str | int | None = None
    lat: float | None = None
    lon: float | None = None


def _kv_lookup(session: Session) -> dict[str, int]:
    rows = kv_names(session).items()
    return {**{name.strip().lower(): kv_id for kv_id, name in rows}, **{str(kv_id): kv_id for kv_id, _ in rows}}


def _clean(
    session: Session, data: OfficeData, kvs: dict[str, int], current: Office | None = None
) -> tuple[dict, list[str]]:
    """Validate one office (services.core.validate); returns (column values, German problems).

    current: the office as stored, when it is edited: its unchanged phone and e-mail stay as they are.
    """
    problems: list[str] = []

    def checked(check, *args, **kwargs) -> str:
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            problems.append(str(exc).rstrip("."))
            return ""

    name = checked(validate.text, data.name, "office.name")
    if not name and not problems:
        problems.append("Name fehlt")
    values = {
        "name": name,
        "strasse": checked(validate.text, data.street, "office.street"),
        "ort": checked(validate.text, data.city, "office.city"),
        "telefon": checked(validate.phone, data.phone, "office.phone", current=getattr(current, "phone", None)),
        "oeffnungszeiten": checked(validate.text, data.opening_hours, "office.opening_hours"),
    }
    try:
        values["email"] = validate.email(data.email, "office.email", current=getattr(current, "email", None))
    except ValidationError:
        values["email"] = ""
        problems.append("E-Mail-Adresse ungültig (bitte genau eine Adresse, z. B. name@example.org)")
    kind = _KIND_BY_WORD.get((data.kind or "geschaeftsstelle").strip().lower())
    if kind is None:
        problems.append(f"Art „{data.kind}“ unbekannt (Geschäftsstelle, Bürgerbüro oder Wahlkreisbüro)")
    place = None
    try:
        place = resolve_plz(session, data.plz)
    except ValidationError as exc:
        problems.append(str(exc))
    kv_id = place.kv_id if place else None
    if data.kv not in (None, ""):
        kv_id = kvs.get(str(data.kv).strip().lower())
        if kv_id is None:
            problems.append(f"Kreisverband „{data.kv}“ unbekannt")
    lat, lon = (
        (data.lat, data.lon)
        if data.lat is not None and data.lon is not None
        else ((place.lat, place.lon) if place else (None, None))
    )
    if lat is not None and not (47.0 <= lat <= 55.2 and 5.5 <= lon <= 15.5):
        problems.append("Koordinaten liegen nicht in Deutschland")
    fields = {
        "name": name,
        "kind": kind,
        "street": values["strasse"],
        "plz": place.plz if place else "",
        "city": values["ort"] or (place.place if place else ""),
        "opening_hours": values["oeffnungszeiten"],
        "phone": values["telefon"],
        "email": values["email"],
        "kv_id": kv_id,
        "lat": lat,
        "lon": lon,
    }
    return fields, problems


def _listed(problems: list[str]) -> str:
    # The problems quote what was typed (a KV's name, a kind): plain text in the error's detail, not Markdown.
    return "; ".join(problems) + "."


def _existing(session: Session, exclude_id: int | None = None) -> dict[tuple[str, str], int]:
    """Every office (open or closed) by its identity: name (spaces and case ignored) and PLZ."""
    return {(name_key(name), plz): oid for oid, name, plz in office_names(session) if oid != exclude_id}


def _refuse_twice(session: Session, fields: dict, exclude_id: int | None = None) -> None:
    # A form sent twice, or renamed onto another office, must not make the same office twice (DESIGN §3.4).
    if (name_key(fields["name"]), fields["plz"]) in _existing(session, exclude_id):
        raise ConflictError(
            "Diese Geschäftsstelle (gleicher Name, gleiche PLZ) gibt es schon, auch wenn sie geschlossen ist. "
            "Es wurde nichts doppelt angelegt."
        )


def _after_change(session: Session, scope: Scope, action: str, office_id, **details) -> None:
    recompute_nearest_offices(session)
    audit.record(session, scope, action, "office", office_id, **details)
    session.commit()


def create_office(session: Session, scope: Scope, data: OfficeData) -> int:
    """Create an office (admin only); PLZ resolved, coordinates = centroid unless given; commits."""
    require_action(scope, "admin.offices")
    fields, problems = _clean(session, data, _kv_lookup(session))
    if problems:
        raise ValidationError("Die Geschäftsstelle wurde nicht angelegt. Bitte korrigiere:", detail=_listed(problems))
    _refuse_twice(session, fields)
    office = Office(**fields, active=True)
    session.add(office)
    session.flush()
    _after_change(session, scope, "office_created", office.id, kv_id=office.kv_id)
    return office.id


def edit_office(session: Session, scope: Scope, office_id: int, data: OfficeData) -> None:
    """Replace an office's fields (admin only); a new PLZ moves it to that centroid; commits."""
    require_action(scope, "admin.offices")
    office = session.get(Office, office_id)
    if office is None:
        raise NotFoundError("Diese Geschäftsstelle gibt es nicht.")
    fields, problems = _clean(session, data, _kv_lookup(session), current=office)
    if problems:
        raise ValidationError("Die Änderung wurde nicht gespeichert. Bitte korrigiere:", detail=_listed(problems))
    _refuse_twice(session, fields, exclude_id=office.id)
    if data.lat is None and fields["plz"] == office.plz:
        fields["lat"], fields["lon"] = office.lat, office.lon  # keep hand-set coordinates
    for key, value in fields.items():
        setattr(office, key, value)
    _after_change(session, scope, "office_edited", office.id, kv_id=office.kv_id)


def set_office_open(session: Session, scope: Scope, office_id: int, open_: bool) -> None:
    """Close (or reopen) an office; closed offices no longer count as nearest; commits."""
    require_action(scope, "admin.offices")
    office = session.get(Office, office_id)
    if office is None:
        raise NotFoundError("Diese Geschäftsstelle gibt es nicht.")
    office.active = open_
    office.closed_at = None if open_ else utcnow()
    _after_change(session, scope, "office_reopened" if open_ else "office_closed", office.id)


def close_office(session: Session, scope: Scope, office_id: int) -> None:
    """Close an office."""
    set_office_open(session, scope, office_id, False)


def parse_csv(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """Decode and split an office CSV into (line number, row) pairs; German ValidationError if malformed."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Die Datei ist nicht UTF-8-kodiert. Bitte speichere sie als CSV (UTF-8).") from None
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise ValidationError("Die Datei ist leer oder die erste Zeile (Spaltennamen) fehlt.")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise ValidationError(
            "Die Spaltennamen passen nicht. Erwartet: "
            + ";".join(CSV_COLUMNS)
            + (f". Unbekannt: {', '.join(unknown)}" if unknown else "")
            + (f". Es fehlt: {', '.join(missing)}" if missing else "")
            + "."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                rows.append((start, {"_error": f"{len(cells)} statt {len(header)} Spalten"}))
                continue
            rows.append((start, dict(zip(header, cells))))
    except csv.Error as exc:
        raise ValidationError(
            f"Zeile {line + 1}: Die CSV-Datei ist fehlerhaft ({exc}). Es wurde nichts importiert."
        ) from None
    if not rows:
        raise ValidationError("Die Datei enthält keine Geschäftsstellen.")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"Höchstens {MAX_IMPORT_ROWS} Zeilen auf einmal, bitte teile die Datei.")
    return rows


def import_csv(session: Session, scope: Scope, raw: bytes) -> int:
    """Import offices from CSV: all or nothing, every bad row named by line; returns the count."""
    require_action(scope, "admin.offices")
    kvs = _kv_lookup(session)
    existing = _existing(session)
    seen: dict[tuple[str, str], int] = {}
    good, errors = [], []
    for line, row in parse_csv(raw):
        if "_error" in row:
            errors.append(f"Zeile {line}: {row['_error']}")
            continue
        data = OfficeData(
            name=row.get("name", ""),
            plz=row.get("plz", ""),
            kind=row.get("art", ""),
            street=row.get("strasse", ""),
            city=row.get("ort", ""),
            opening_hours=row.get("oeffnungszeiten", ""),
            phone=row.get("telefon", ""),
            email=row.get("email", ""),
            kv=row.get("kreisverband") or None,
        )
        fields, problems = _clean(session, data, kvs)
        key = (name_key(fields["name"]), fields["plz"])
        if not problems and key in seen:
            problems.append(f"doppelt: dieselbe Geschäftsstelle (Name und PLZ) steht schon in Zeile {seen[key]}")
        elif not problems and key in existing:
            problems.append("diese Geschäftsstelle (Name und PLZ) gibt es schon")
        seen.setdefault(key, line)
        if problems:
            errors.append(f"Zeile {line}: " + "; ".join(problems))
        else:
            good.append(fields)
    if errors:
        raise ValidationError(
            "Es wurde nichts importiert. Bitte korrigiere diese Zeilen:", detail="\n".join(f"- {e}" for e in errors)
        )
    session.add_all([Office(**f, active=True) for f in good])
    session.flush()
    _after_change(session, scope, "offices_imported", "", count=len(good))
    return len(good)


def list_offices(session: Session, scope: Scope, include_closed: bool = True) -> pd.DataFrame:
    """All offices with their KV name (admin only)."""
    require_action(scope, "admin.offices")
    return offices_frame(session, include_closed)
