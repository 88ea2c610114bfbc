"""Read an uploaded CSV, XLSX or ODS file into a table of strings, refusing bad files in German."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from charset_normalizer import from_bytes

from domain.errors import ValidationError
from domain.formatting import format_decimal, format_int

MAX_BYTES = 20 * 1024 * 1024
# A single cell longer than this is no contact data but a pasted document or an attack.
MAX_CELL_CHARS = 5000
# More NUL bytes than this share of the start means a binary file, not a table with a few stray NULs.
BINARY_NUL_SHARE = 0.01
CSV_DELIMITERS = ";,\t"
DELIMITER_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Magic numbers of files people mistake for tables (images, PDFs, archives of other kinds).
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x1f\x8b", b"BM", b"II*\x00", b"MM\x00*")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Table:
    """A read table: headers, data rows (all str, same width) and how it was read."""

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]  # the row as the user sees it in the file (header is row 1)
    file_format: str  # "csv", "xlsx" or "ods"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    row_problems: dict[int, str] = field(default_factory=dict)  # row number → German reason


def detect_format(data: bytes, filename: str) -> str:
    """'csv', 'xlsx' or 'ods' from the content (the extension only breaks ties); ValidationError otherwise."""
    name = (filename or "").lower()
    if data.startswith(OLE2_MAGIC):
        # Excel stores password-protected .xlsx as an OLE2 container with an EncryptionInfo stream.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ValidationError(
                "Die Datei ist mit einem Passwort geschützt. Bitte speichere sie ohne Passwort "
                "(Datei → Informationen → Arbeitsmappe schützen) und lade sie erneut hoch."
            )
        raise ValidationError(
            "Das ist eine Datei im alten Excel-Format (.xls) oder passwortgeschützt. "
            "Bitte speichere sie als .xlsx oder CSV ohne Passwort."
        )
    if data.startswith(ZIP_MAGIC):
        if ODS_MIMETYPE in data[:200]:
            return "ods"
        if b"xl/" in data or name.endswith((".xlsx", ".xlsm")):
            return "xlsx"
        raise ValidationError("Die Datei ist ein ZIP-Archiv, aber keine Tabelle. Bitte lade CSV, XLSX oder ODS hoch.")
    if data.startswith(_BINARY_MAGIC) or _looks_binary(data):
        raise ValidationError(
            "Die Datei ist keine Tabelle (vielleicht ein Bild oder PDF). Bitte lade CSV, XLSX oder ODS hoch.",
            detail=_file(filename),
        )
    return "csv"


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by nature and announces itself with a BOM
    controls = head.count(b"\x00") + len(_CONTROL.findall(head.decode("latin-1")))
    return controls > BINARY_NUL_SHARE * len(head)


def _file(filename: str) -> str:
    # The file's name is the user's: it goes in an error's detail (plain text), never in its message.
    return f"Datei: {filename}"


def _check_size(data: bytes, filename: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ValidationError(
            f"Die Datei ist {format_decimal(len(data) / 1024 / 1024, 1)} MB groß; erlaubt sind höchstens "
            f"{format_decimal(max_bytes / 1024 / 1024, 1)} MB. Bitte teile die Datei auf.",
            detail=_file(filename),
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ValidationError("Die Datei ist leer.", detail=_file(filename))


def list_sheets(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> list[str]:
    """Names of the sheets of a spreadsheet (one pseudo-sheet '' for CSV)."""
    _check_size(data, filename, max_bytes)
    kind = detect_format(data, filename)
    if kind == "csv":
        return [""]
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception as exc:  # noqa: BLE001 - a broken archive is the user's file, not our bug
        raise ValidationError(
            f"Die Datei lässt sich nicht als Tabelle öffnen ({type(exc).__name__}).", detail=_file(filename)
        ) from exc


def read_table(
    data: bytes,
    filename: str,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> Table:
    """The table in an uploaded file (CSV, XLSX, ODS; sheet by name, else the first); ValidationError if bad."""
    _check_size(data, filename, max_bytes)
    kind = detect_format(data, filename)
    if kind == "csv":
        text, encoding, warnings = decode_text(data)
        grid, delimiter = _parse_csv(text)
        table = _to_table(grid, "csv", filename, max_cell_chars)
        table.encoding, table.delimiter = encoding, delimiter
        table.warnings[:0] = warnings
        return table
    sheets = list_sheets(data, filename, max_bytes)
    if sheet is None:
        sheet = sheets[0]
    elif sheet not in sheets:
        raise ValidationError(
            "Dieses Tabellenblatt gibt es in der Datei nicht.",
            detail=f"Blatt: {sheet}; vorhanden: {', '.join(sheets)}",
        )
    _refuse_merged_cells(data, sheet)
    grid = _read_xlsx(data, sheet) if kind == "xlsx" else _read_ods(data, sheet)
    table = _to_table(grid, kind, filename, max_cell_chars)
    table.sheet = sheet
    return table


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """The text of a CSV file, its encoding and warnings (NUL bytes removed, mixed encodings)."""
    warnings = []
    nuls = data.count(b"\x00")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16", warnings
    if nuls:
        # A few NUL bytes come from broken exports and carry no information: drop them, but say so.
        data = data.replace(b"\x00", b"")
        warnings.append(f"{nuls} NUL-Zeichen (Null-Bytes) wurden aus der Datei entfernt.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 mit BOM", warnings
    try:
        return data.decode("utf-8"), "UTF-8", warnings
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_lines = sum(1 for line in lines if not line.isascii() and _is_utf8(line))
    if utf8_lines:
        # Files glued together from two exports: decode each line in the encoding it was written in.
        text = "\n".join(
            line.decode("utf-8") if _is_utf8(line) else line.decode("cp1252", errors="replace") for line in lines
        )
        warnings.append(
            "Die Datei mischt UTF-8 und Windows-1252; jede Zeile wurde einzeln gelesen. "
            "Bitte prüfe Umlaute in der Vorschau."
        )
        return text, "gemischt (UTF-8/Windows-1252)", warnings
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    label = {"cp1252": "Windows-1252", "latin_1": "ISO-8859-1"}.get(encoding, encoding)
    return data.decode(encoding, errors="replace"), label, warnings


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(text: str) -> str:
    """The separator (; , or tab) of CSV text: csv.Sniffer on the start, else the most frequent in the header."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    header = lines[0] if lines else ""
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=CSV_DELIMITERS).delimiter
        if header.count(found) > 0:
            return found
    except csv.Error:
        pass
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _parse_csv(text: str) -> tuple[list[list[str]], str]:
    delimiter = detect_delimiter(text)
    # strict mode raises on a quote that never closes instead of swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid = []
    try:
        for row in reader:
            grid.append(row)
    except csv.Error as exc:
        raise ValidationError(
            f'Die CSV-Datei ist ab Zeile {reader.line_num} nicht lesbar: vermutlich ein Anführungszeichen (") '
            "ohne Gegenstück. Bitte prüfe die Zeile oder speichere die Datei neu aus der Tabellenkalkulation."
        ) from exc
    return grid, delimiter


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, sheet: str) -> list[list[str]]:
    from openpyxl import load_workbook

    # data_only=False keeps formulas as their text ("=SUMME(A1)") so validation can refuse those rows.
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        return [[_cell_text(v) for v in row] for row in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_ods(data: bytes, sheet: str) -> list[list[str]]:
    import pandas as pd

    frame = pd.read_excel(
        io.BytesIO(data), sheet_name=sheet, engine="calamine", header=None, dtype=str, keep_default_na=False
    )
    return [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]


def _refuse_merged_cells(data: bytes, sheet: str) -> None:
    from python_calamine import CalamineWorkbook

    try:
        ranges = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).merged_cell_ranges
    except Exception:  # noqa: BLE001 - formats without merge information simply have none
        ranges = None
    if ranges:
        names = ", ".join(f"{_cell_name(*start)}:{_cell_name(*end)}" for start, end in ranges[:5])
        raise ValidationError(
            f"Das Tabellenblatt enthält verbundene Zellen ({names}). Bitte hebe die Verbindung auf, "
            "damit jede Zeile eine Person mit eigenen Zellen ist.",
            detail=f"Blatt: {sheet}",
        )


def _cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _to_table(grid: list[list[str]], kind: str, filename: str, max_cell_chars: int) -> Table:
    numbered = [(i + 1, [c.strip() for c in row]) for i, row in enumerate(grid)]
    numbered = [(n, row) for n, row in numbered if any(row)] if numbered else []
    if not numbered:
        raise ValidationError("Die Datei enthält keine Zeilen.", detail=_file(filename))
    header_no, raw_headers = numbered[0]
    headers = _unique_headers(raw_headers)
    width = len(headers)
    rows, numbers, problems = [], [], {}
    for number, row in grid_rows(grid, header_no):
        cells = [c.strip() for c in row]
        extra = [c for c in cells[width:] if c]
        if extra:
            problems[number] = f"Die Zeile hat mehr Spalten ({len(cells)}) als die Kopfzeile ({width})."
        cells = (cells + [""] * width)[:width]
        for col, cell in enumerate(cells):
            if len(cell) > max_cell_chars:
                raise ValidationError(
                    f"Zeile {number}, Spalte {col + 1}: Die Zelle hat {format_int(len(cell))} Zeichen, erlaubt "
                    f"sind höchstens {format_int(max_cell_chars)}. Bitte kürze sie.",
                    detail=f"Spalte {col + 1}: {headers[col]}",
                )
        rows.append(cells)
        numbers.append(number)
    if not any(any(r) for r in rows):
        raise ValidationError("Die Datei enthält nur die Kopfzeile, aber keine Datenzeilen.", detail=_file(filename))
    return Table(headers=headers, rows=rows, row_numbers=numbers, file_format=kind, row_problems=problems)


def grid_rows(grid: list[list[str]], header_no: int):
    """(row number, cells) of every row after the header, empty rows included (validation counts them)."""
    for i in range(header_no, len(grid)):
        yield i + 1, grid[i]


def _unique_headers(raw: list[str]) -> list[str]:
    while raw and not raw[-1]:
        raw = raw[:-1]
    headers = [h if h else f"Spalte {i + 1}" for i, h in enumerate(raw)]
    seen: dict[str, int] = {}
    twice = []
    for h in headers:
        key = " ".join(h.casefold().split())
        if key in seen and h not in twice:
            twice.append(h)
        seen[key] = 1
    if twice:
        raise ValidationError(
            "Die Kopfzeile enthält Spalten doppelt. Bitte benenne sie eindeutig, damit klar ist, welche Spalte "
            "was enthält.",
            detail="Doppelt: " + ", ".join(f"„{h}“" for h in twice),
        )
    return headers
