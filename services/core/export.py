"""Safe CSV exports (DESIGN §3.5): formula-like cells neutralised, UTF-8 with BOM, `;`."""

from __future__ import annotations

import pandas as pd

# OWASP "CSV Injection": no cell may begin with = + - @ tab or CR. Spreadsheets that trim
# leading blanks on import (LibreOffice's "trim spaces", Excel after a paste) would still see a
# formula in " =1+1" or "\n=1+1", so the first non-blank character is checked as well.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Prefix a string that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and (value.startswith(_DANGEROUS) or value.lstrip().startswith(_DANGEROUS)):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame) -> bytes:
    """The frame as CSV bytes for spreadsheets: `;`-separated, UTF-8 with BOM, cells neutralised."""
    clean = df.copy()
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(neutralise_cell)
    clean.columns = [neutralise_cell(str(c)) for c in clean.columns]
    # CRLF rows (RFC 4180): with "\n" alone a bare CR inside a cell went out unquoted and started a
    # new row in the spreadsheet, whose first cell could then be a formula.
    return clean.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")
