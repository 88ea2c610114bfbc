"""The first look at an uploaded file: sheets, headers, a few rows, the guessed mapping; and mapping presets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import MappingPreset
from db.queries import intake as q
from domain.enums import SOURCES
from domain.errors import ValidationError
from services.core import audit, validate
from services.core.scope import Scope, require_action
from services.core.settings import get_settings
from services.intake.mapping import FIELDS, check_mapping, guess_mapping
from services.intake.reading import DELIMITER_NAMES, list_sheets, read_table

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class FileView:
    """What the mapping step shows: how the file was read, its headers, first rows and the guessed mapping."""

    sheets: list[str]
    sheet: str | None
    headers: list[str]
    sample: list[list[str]]
    rows: int
    guess: dict[str, str | None]
    how: str
    warnings: list[str]


def inspect_file(session: Session, scope: Scope, data: bytes, file_name: str, sheet: str | None = None) -> FileView:
    """Read the upload far enough to map its columns; a German ValidationError for a file that is no table."""
    require_action(scope, "contacts.import")
    limit = max_upload_bytes()
    sheets = list_sheets(data, file_name, max_bytes=limit)
    table = read_table(data, file_name, sheet or (sheets[0] if sheets else None), max_bytes=limit)
    if table.file_format == "csv":
        how = f"CSV, Zeichensatz {table.encoding}, getrennt durch {DELIMITER_NAMES.get(table.delimiter or ';', 'Semikolon')}"
    else:
        how = f"{table.file_format.upper()}, Tabellenblatt „{table.sheet}“"
    return FileView(
        sheets=sheets,
        sheet=table.sheet,
        headers=table.headers,
        sample=table.rows[:SAMPLE_ROWS],
        rows=len(table.rows),
        guess=guess_mapping(table.headers),
        how=how,
        warnings=list(table.warnings),
    )


def max_upload_bytes() -> int:
    """The largest file the import takes (setting IMPORT_MAX_MB, default 20 MB)."""
    return int(get_settings().import_max_mb * 1024 * 1024)


def field_labels() -> dict[str, str]:
    """The fields a column can be mapped to, with German labels."""
    return dict(FIELDS)


def presets(session: Session, scope: Scope) -> dict[str, dict]:
    """Saved mappings by name: {'name': {'source': ..., 'mapping': {...}}}."""
    require_action(scope, "contacts.import")
    return {p.name: {"source": p.source, "mapping": dict(p.mapping)} for p in q.presets(session)}


def save_preset(session: Session, scope: Scope, name: str, source: str, mapping: dict) -> str:
    """Remember a mapping under a name for files of a source (replaces one of the same name; commits)."""
    require_action(scope, "contacts.import")
    name = validate.text(name, "preset.name", required=True)
    if source not in SOURCES:
        raise ValidationError("Unbekannte Quelle.")
    mapping = check_mapping({str(k): v for k, v in mapping.items() if v})
    preset = q.preset_by_name(session, name) or MappingPreset(name=name, created_by=scope.user_id)
    preset.source, preset.mapping = source, mapping
    session.add(preset)
    session.flush()
    audit.record(session, scope, "mapping_preset_saved", "mapping_preset", preset.id, fields=len(mapping))
    session.commit()
    return name
