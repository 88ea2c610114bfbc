"""Safe CSV exports (DESIGN §3.5): formula-like cells neutralised, UTF-8 with BOM, `;`."""
from __future__ import annotations

import pandas as pd

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Prefix a string that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame) -> bytes:
    """The frame as CSV bytes for spreadsheets: `;`-separated, UTF-8 with BOM, cells neutralised."""
    clean = df.copy()
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(neutralise_cell)
    clean.columns = [neutralise_cell(str(c)) for c in clean.columns]
    return clean.to_csv(index=False, sep=";").encode("utf-8-sig")
