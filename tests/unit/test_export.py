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


def _rows(df: pd.DataFrame) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(safe_csv(df).decode("utf-8-sig"), newline=""), delimiter=";"))


def test_decimals_use_the_german_comma_and_never_a_thousands_dot():
    from decimal import Decimal

    df = pd.DataFrame({"km": [12.5, 7.0, -2.25, 1234.5, float("nan")], "Anteil": [Decimal("0.5"), 1, "< 5", None, 3]})
    rows = _rows(df)
    assert rows[0] == ["km", "Anteil"]
    assert [r[0] for r in rows[1:]] == ["12,5", "7", "-2,25", "1234,5", ""]
    assert [r[1] for r in rows[1:]] == ["0,5", "1", "< 5", "", "3"]


def test_dates_and_times_are_german():
    from datetime import UTC, date, datetime

    df = pd.DataFrame(
        {
            "Tag": [date(2026, 3, 1), None],
            "Zeit": [datetime(2026, 12, 24, 17, 30, tzinfo=UTC), datetime(2026, 7, 1, 8, 0)],  # naive = UTC
            "Stempel": pd.to_datetime(["2026-01-05 10:00", None]).tz_localize("UTC"),
        }
    )
    rows = _rows(df)
    assert rows[1] == ["01.03.2026", "24.12.2026, 18:30", "05.01.2026, 11:00"]
    assert rows[2] == ["", "01.07.2026, 10:00", ""]


def test_integers_stay_and_booleans_read_ja_or_nein():
    rows = _rows(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "frei": [True, False], "x": [False, "a"]}))
    assert rows[1:] == [["1", "ja", "nein"], ["", "nein", "a"]]
