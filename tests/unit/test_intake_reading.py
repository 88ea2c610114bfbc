"""Reading uploaded tables: encodings, separators, spreadsheets, and a German error for each bad file."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import Workbook

from domain.errors import ValidationError
from services.intake.reading import OLE2_MAGIC, decode_text, list_sheets, read_table

HEADER = ["Vorname", "Nachname", "PLZ"]


def xlsx(sheets: dict[str, list[list]], merge: str | None = None) -> bytes:
    """An XLSX file with the given sheets (rows include the header), optionally one merged range."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if merge:
            ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An ODS file written by pandas' odf writer."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="odf") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


def refused(data: bytes, filename: str = "liste.csv", **kw) -> str:
    with pytest.raises(ValidationError) as err:
        read_table(data, filename, **kw)
    return str(err.value)


def test_windows_1252_with_semicolons():
    data = "Vorname;Nachname;PLZ\nJürgen;Müßig;01067\nÄnne;Öztürk;04109\n".encode("cp1252")
    t = read_table(data, "liste.csv")
    assert t.headers == HEADER and t.delimiter == ";" and t.encoding in ("Windows-1252", "ISO-8859-1")
    assert t.rows == [["Jürgen", "Müßig", "01067"], ["Änne", "Öztürk", "04109"]]
    assert t.row_numbers == [2, 3]


def test_utf8_bom_with_commas_and_quoted_comma():
    data = '\ufeffVorname,Nachname,PLZ\nAnna,"Muster, Jr.",01067\n'.encode("utf-8")
    t = read_table(data, "liste.csv")
    assert t.headers == HEADER and t.delimiter == "," and t.encoding == "UTF-8 mit BOM"
    assert t.rows == [["Anna", "Muster, Jr.", "01067"]]


def test_tab_separated_keeps_leading_zeros():
    t = read_table(b"Vorname\tNachname\tPLZ\nAnna\tMuster\t01067\n", "liste.tsv")
    assert t.delimiter == "\t" and t.rows[0][2] == "01067"


def test_xlsx_with_two_sheets_reads_the_chosen_one():
    data = xlsx(
        {
            "Infostand": [HEADER, ["Anna", "Muster", "01067"]],
            "Webformular": [HEADER, ["Bert", "Beispiel", "04109"], ["Cleo", "Test", 4109]],
        }
    )
    assert list_sheets(data, "liste.xlsx") == ["Infostand", "Webformular"]
    assert read_table(data, "liste.xlsx").rows == [["Anna", "Muster", "01067"]]
    t = read_table(data, "liste.xlsx", sheet="Webformular")
    assert t.sheet == "Webformular" and t.rows == [["Bert", "Beispiel", "04109"], ["Cleo", "Test", "4109"]]
    assert "gibt es" in refused(data, "liste.xlsx", sheet="Fehlt")


def test_xlsx_formula_is_kept_as_text_for_validation():
    t = read_table(xlsx({"S": [HEADER, ["Anna", '=HYPERLINK("http://x")', "01067"]]}), "liste.xlsx")
    assert t.rows[0][1].startswith("=")


def test_ods_with_two_sheets():
    data = ods(
        {
            "Liste": pd.DataFrame({"Vorname": ["Anna"], "Nachname": ["Muster"], "PLZ": ["01067"]}),
            "Leer": pd.DataFrame({"x": ["y"]}),
        }
    )
    assert list_sheets(data, "liste.ods") == ["Liste", "Leer"]
    t = read_table(data, "liste.ods")
    assert t.file_format == "ods" and t.rows == [["Anna", "Muster", "01067"]]


def test_an_image_renamed_csv_is_no_table():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    assert "keine Tabelle" in refused(png, "foto.csv")
    assert "keine Tabelle" in refused(bytes(range(256)) * 40, "daten.csv")


def test_empty_file():
    assert "leer" in refused(b"", "liste.csv")
    assert "leer" in refused(b"\xef\xbb\xbf \r\n", "liste.csv")


def test_header_only_and_only_empty_rows():
    assert "keine Datenzeilen" in refused(b"Vorname;Nachname;PLZ\n")
    assert "keine Datenzeilen" in refused(b"Vorname;Nachname;PLZ\n;;\n;;\n")


def test_file_above_the_size_limit():
    message = refused(b"a;b\n" + b"x;y\n" * 1000, max_bytes=1000)
    assert "MB" in message and "höchstens" in message


def test_unbalanced_quotes():
    assert "Anführungszeichen" in refused(b'Vorname;Nachname;PLZ\nAnna;"Muster;01067\nBert;Test;04109\n')


def test_duplicate_headers():
    assert "doppelt" in refused(b"Vorname;Nachname;nachname\nA;B;C\n")


def test_password_protected_xlsx():
    fake = OLE2_MAGIC + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    assert "Passwort" in refused(fake, "geheim.xlsx")
    assert ".xls" in refused(OLE2_MAGIC + b"\x00" * 200, "alt.xls")


def test_merged_cells_in_xlsx_name_the_range():
    data = xlsx({"S": [HEADER, ["Anna", "Muster", "01067"], ["Bert", "", ""]]}, merge="A3:C3")
    assert "A3:C3" in refused(data, "liste.xlsx")


def test_few_nul_bytes_are_removed_with_a_warning():
    t = read_table(b"Vorname;Nachname;PLZ\nAn\x00na;Muster;01067\n" + b"Bert;Test;04109\n" * 20, "liste.csv")
    assert t.rows[0][0] == "Anna" and any("NUL" in w for w in t.warnings)


def test_nul_heavy_file_is_refused():
    assert "keine Tabelle" in refused("Vorname;Nachname".encode("utf-16-le") + b"\x00" * 50)


def test_100000_character_cell_names_the_row():
    message = refused(("Vorname;Nachname;PLZ\nAnna;Muster;01067\nBert;" + "x" * 100_000 + ";04109\n").encode())
    assert "Zeile 3" in message and "Nachname" in message and "100.000" in message


def test_mixed_encodings_yield_text():
    data = b"Vorname;Nachname;PLZ\n" + "Jürgen;Müller;01067\n".encode() + "Jörg;Weiß;04109\n".encode("cp1252")
    t = read_table(data, "liste.csv")
    assert t.rows == [["Jürgen", "Müller", "01067"], ["Jörg", "Weiß", "04109"]]
    assert any("mischt" in w for w in t.warnings)


def test_decode_text_prefers_utf8():
    assert decode_text("Grüße".encode())[0:2] == ("Grüße", "UTF-8")


def test_row_with_more_cells_than_headers_is_a_row_problem():
    t = read_table(b"Vorname;Nachname;PLZ\nAnna;Muster;01067;extra\n", "liste.csv")
    assert "mehr Spalten" in t.row_problems[2]
