"""Safe CSV: formula cells neutralised, `;` separated, UTF-8 with BOM."""

from __future__ import annotations

import pandas as pd

from services.core.export import safe_csv


def test_formula_cells_are_neutralised_and_format_is_excel_friendly():
    df = pd.DataFrame({"Ort": ["=1+1", "+49", "-1", "@SUM(A1)", "Görlitz"], "Anzahl": [1, 2, 3, 4, 5]})
    data = safe_csv(df)
    assert data.startswith("\ufeff".encode("utf-8"))
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Ort;Anzahl"
    assert lines[1].startswith("'=") and lines[2].startswith("'+49") and lines[3].startswith("'-1")
    assert lines[4].startswith("'@") and lines[5] == "Görlitz;5"


def test_numbers_stay_numbers():
    assert safe_csv(pd.DataFrame({"n": [-5, 3]})).decode("utf-8-sig").splitlines()[1:] == ["-5", "3"]


def test_tab_cr_and_blank_prefixed_formulas_are_neutralised():
    cells = ["\t=1+1", "\r=1+1", ' =HYPERLINK("x")', "\n@SUM(A1)", "  -2+3", "  Leipzig"]
    data = safe_csv(pd.DataFrame({"x": cells})).decode("utf-8-sig")
    import csv
    import io

    rows = [r[0] for r in csv.reader(io.StringIO(data, newline=""), delimiter=";")][1:]
    assert rows[:5] == ["'" + c for c in cells[:5]]
    assert rows[5] == "  Leipzig"


def test_line_breaks_inside_a_cell_cannot_start_a_new_row():
    import csv
    import io

    data = safe_csv(pd.DataFrame({"Name": ["Anna\r=1+1", "Ben\n@SUM(A1)"], "n": [1, 2]})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))
    assert rows == [["Name", "n"], ["Anna\r=1+1", "1"], ["Ben\n@SUM(A1)", "2"]]
