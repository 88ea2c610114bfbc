"""Small-group protection for aggregates shown to leadership (DESIGN §3.2)."""

from __future__ import annotations

from collections.abc import Mapping

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
        return dict.fromkeys(parts), None
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


def _small(n: int) -> bool:
    return 0 < n < MIN_COUNT


def suppress_hierarchy(
    cells: Mapping[str, tuple[int, int]], groups: Mapping[str, list[str]]
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """Totals of cells (Kreise) and of groups of them (area, Länder) safe to show side by side.

    cells: key -> (total, rest), rest = total minus the part already shown elsewhere (for a
    Kreis: its visible PLZ circles). A cell is hidden when its total is below 5 or its rest
    is 1–4. Within every group, whose total and rest are shown too, the hidden cells must
    not be recomputable: never exactly one positive hidden cell, and neither their totals
    nor their rests may sum to 1–4; otherwise the smallest fitting visible cell is hidden
    as well, and a group that cannot be protected hides its total and all its cells.
    Returns (cell -> shown total or None, group -> shown total or None).
    """
    total = {k: int(t) for k, (t, _) in cells.items()}
    rest = {k: int(r) for k, (_, r) in cells.items()}
    hidden = {k for k in cells if total[k] < MIN_COUNT or _small(rest[k])}
    group_hidden: set[str] = set()
    changed = True
    while changed:  # every pass hides at least one more figure, so this ends
        changed = False
        for g, keys in groups.items():
            if g in group_hidden:
                continue
            if sum(total[k] for k in keys) < MIN_COUNT or _small(sum(rest[k] for k in keys)):
                group_hidden.add(g)
                hidden.update(keys)
                changed = True
                continue
            h = [k for k in keys if k in hidden]
            positive = sum(1 for k in h if total[k] > 0)
            rest_small = _small(sum(rest[k] for k in h))
            if positive != 1 and not _small(sum(total[k] for k in h)) and not rest_small:
                continue
            # A visible cell has rest 0 or >= 5: only the latter can lift a small rest sum.
            fitting = [k for k in keys if k not in hidden and (rest[k] > 0 or not rest_small)]
            if fitting:
                hidden.add(min(fitting, key=lambda k: (total[k], k)))
            else:
                group_hidden.add(g)
                hidden.update(keys)
            changed = True
    shown = {k: None if k in hidden else total[k] for k in cells}
    group_totals = {g: None if g in group_hidden else sum(total[k] for k in keys) for g, keys in groups.items()}
    return shown, group_totals


def quantile_classes(values: list[int], classes: int = 5) -> list[int]:
    """Class 1..classes of each value by quantiles of all values: a rank band, never the count."""
    if not values:
        return []
    ordered = sorted(values)
    cuts = [ordered[min(len(ordered) - 1, len(ordered) * i // classes)] for i in range(1, classes)]
    return [1 + sum(1 for c in cuts if v >= c) for v in values]
