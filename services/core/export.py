"""Safe CSV exports (DESIGN §3.5) for German Excel: formula-like cells neutralised, UTF-8 with BOM, `;`,
decimal commas and dates as DD.MM.YYYY."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from domain.formatting import format_date, format_datetime

# OWASP "CSV Injection": no cell may begin with = + - @ tab or CR. Spreadsheets that trim
# leading blanks on import (LibreOffice's "trim spaces", Excel after a paste) would still see a
# formula in " =1+1" or "\n=1+1", so the first non-blank character is checked as well.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Prefix a string that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and (value.startswith(_DANGEROUS) or value.lstrip().startswith(_DANGEROUS)):
        return "'" + value
    return value


def german_cell(value):
    """A value as German Excel reads it: 12.5 → '12,5', a date → '24.12.2026', a time → '24.12.2026, 18:30'.

    Text is neutralised like every cell; booleans read 'ja' or 'nein'; whole numbers stay as they are.
    """
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nein"
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, (float, np.floating, Decimal)):
        # Shortest exact form ('12.5', '7' for 7.0), then the German decimal comma; never a thousands dot.
        return np.format_float_positional(float(value), trim="-").replace(".", ",")
    if isinstance(value, datetime):  # pd.Timestamp too; naive values are UTC, shown in Berlin time
        return format_datetime(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
    if isinstance(value, date):
        return format_date(value)
    return value


def safe_csv(df: pd.DataFrame) -> bytes:
    """The frame as CSV bytes for German spreadsheets: `;`, UTF-8 with BOM, cells neutralised, 12,5 and DD.MM.YYYY."""
    clean = df.copy()
    for col in clean.columns:
        series = clean[col]
        if pd.api.types.is_integer_dtype(series):
            continue
        clean[col] = series.astype(object).map(german_cell)
    clean.columns = [neutralise_cell(str(c)) for c in clean.columns]
    # CRLF rows (RFC 4180): with "\n" alone a bare CR inside a cell went out unquoted and started a
    # new row in the spreadsheet, whose first cell could then be a formula.
    return clean.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")
