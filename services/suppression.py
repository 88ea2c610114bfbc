"""Small-group protection for aggregates shown to leadership (DESIGN §3.2)."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

MIN_COUNT = 5
HIDDEN = "< 5"


def suppress_value(count: int | None) -> int | None:
    """A single count, or None when it is below the threshold."""
    if count is None or count < MIN_COUNT:
        return None
    return int(count)


def suppress_breakdown(parts: Mapping[str, int], total: int | None = None) -> tuple[dict, int | None]:
    """Hide small parts; when a total stands beside them, hide enough so none can be recomputed."""
    shown = {k: suppress_value(v) for k, v in parts.items()}
    total_shown = suppress_value(total) if total is not None else None
    if total is not None and total_shown is None:
        return {k: None for k in parts}, None
    hidden = [k for k, v in shown.items() if v is None and parts[k] > 0]
    if total is not None and len(hidden) == 1:
        # One hidden part beside a total is just the total minus the others: hide one more.
        visible = sorted((v, k) for k, v in shown.items() if v is not None)
        if visible:
            shown[visible[0][1]] = None
        else:
            total_shown = None
    return shown, total_shown


def suppress_frame(df: pd.DataFrame, count_col: str, dependent_cols: tuple[str, ...] = ()) -> pd.DataFrame:
    """Hide rows' counts below the threshold, and every figure derived from them (rates, splits)."""
    out = df.copy()
    small = out[count_col].fillna(0) < MIN_COUNT
    for col in (count_col, *dependent_cols):
        if col in out.columns:
            out[col] = out[col].astype("object").where(~small, None)
    return out


def hide_small_cells(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    """Hide every cell below the threshold in the given count columns (split tables)."""
    out = df.copy()
    for col in cols:
        out[col] = out[col].astype("object").where(out[col].fillna(0) >= MIN_COUNT, None)
    return out
