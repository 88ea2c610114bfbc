"""The streamed XLSX writer: files that openpyxl and calamine read back, with text neutralised like the CSV."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from services.core.xlsx import safe_xlsx

HEADERS = ["ID", "Name", "Ort", "angelegt am"]
ROWS = [
    (1, "=cmd|' /C calc'!A0", "  Leipzig", date(2025, 3, 31)),
    (2, "@SUM(A1)", "-2+3", datetime(2024, 12, 24, 18, 30)),
    (3, 'O\'Brien <b>&amp;</b> "x"', "Zürich 🌍 שלום", None),
    (4, "Nul\x00Byte\x1f", "", date(2000, 1, 1)),
]


def test_openpyxl_reads_it_back():
    ws = load_workbook(io.BytesIO(safe_xlsx(HEADERS, ROWS, sheet="Linksaktive")))["Linksaktive"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and ws["A1"].font.b
    assert rows[1] == (1, "'=cmd|' /C calc'!A0", "  Leipzig", datetime(2025, 3, 31))
    assert rows[2] == (2, "'@SUM(A1)", "'-2+3", datetime(2024, 12, 24))
    assert rows[3] == (3, 'O\'Brien <b>&amp;</b> "x"', "Zürich 🌍 שלום", None)
    assert rows[4] == (4, "Nul\ufffdByte\ufffd", None, datetime(2000, 1, 1))
    assert ws["D2"].number_format == "DD.MM.YYYY"


def test_calamine_reads_it_back():
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(safe_xlsx(HEADERS, ROWS))).get_sheet_by_index(0)
    data = sheet.to_python()
    assert data[0] == HEADERS
    assert data[1][1] == "'=cmd|' /C calc'!A0" and data[1][3] == date(2025, 3, 31)
    assert data[3][2] == "Zürich 🌍 שלום"


def test_many_rows_stream():
    rows = ((i, f"Name {i}", "Ort", date(2025, 1, 1)) for i in range(30_000))
    ws = load_workbook(io.BytesIO(safe_xlsx(HEADERS, rows)), read_only=True).active
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == 30_001
