"""Safe CSV: formula cells neutralised, `;` separated, UTF-8 with BOM."""
from __future__ import annotations

import pandas as pd

from services.export import safe_csv


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
