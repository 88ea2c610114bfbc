"""Small-group protection for aggregates shown to leadership (DESIGN §3.2).

protect() is the one secondary suppression: every table, breakdown and map figure that leitung sees
is built as lines (a total beside its parts) and passes it, through suppress_breakdown (one line),
suppress_table (rows × columns with totals) or suppress_hierarchy (Kreise, Länder, Germany).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

MIN_COUNT = 5
HIDDEN = "< 5"


def suppress_value(count: int | None) -> int | None:
    """A single count, or None when it is below the threshold."""
    if count is None or count < MIN_COUNT:
        return None
    return int(count)


def suppress_breakdown(parts: Mapping[str, int], total: int | None = None) -> tuple[dict, int | None]:
    """Hide small parts; when a total stands beside them, hide enough that none can be recomputed (protect)."""
    if total is None:
        return {k: suppress_value(v) for k, v in parts.items()}, None
    if _nothing_to_protect(parts, total):
        # What protect() decides for such a line, without running it (a national map has 4,000 lines).
        return {k: suppress_value(v) for k, v in parts.items()}, int(total)
    return _protected_breakdown(parts, total)


def _nothing_to_protect(parts: Mapping[str, int], total: int) -> bool:
    # The parts add up to the shown total and none is small: the hidden ones are zeros, which
    # reveal nobody, so no further figure needs hiding.
    return total >= MIN_COUNT and sum(parts.values()) == total and not any(_small(int(v)) for v in parts.values())


def _protected_breakdown(parts: Mapping[str, int], total: int) -> tuple[dict, int | None]:
    values = {("part", k): int(v) for k, v in parts.items()} | {("total",): int(total)}
    # Parts that leave some of the total out (an unknown source): the rest is an unseen part of the line.
    values["rest",] = max(0, int(total) - sum(int(v) for v in parts.values()))
    hidden = protect(values, [(("total",), [*(("part", k) for k in parts), ("rest",)])], pooled=[("rest",)])
    shown = {k: None if ("part", k) in hidden else int(v) for k, v in parts.items()}
    return shown, None if ("total",) in hidden else int(total)


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


Line = tuple[Hashable, Sequence[Hashable]]


def protect(
    values: Mapping[Hashable, int],
    lines: Iterable[Line],
    *,
    pooled: Iterable[Hashable] = (),
    pinned: Iterable[Hashable] = (),
) -> set[Hashable]:
    """The one secondary suppression (DESIGN §3.2): which figures to hide so that no hidden one can be computed.

    values: every figure by key. lines: (total, parts) with values[total] == sum of values[parts]: a
    row, a column, the totals of all rows, a Land over its Kreise. Counts below 5 are hidden. Then,
    until nothing changes, for every line whose total is shown, the hidden parts must neither be
    exactly one positive figure (the total minus the others) nor add up to 1–4 (a small group); a line
    whose total is hidden must keep a positive hidden part (or its total is the sum of the others).
    Otherwise the smallest shown part that helps is hidden as well; when no part can, the total.

    A hidden figure that is itself a total counts with what is unknown of it: the hidden part of its
    own line (a hidden Kreis whose white-spot circles are shown adds only its rest). pooled: figures
    never shown that sum many unseen ones (a Kreis's people outside its circles); they are hidden, and
    may follow from a line when they are not small. pinned: figures always shown (the circles' sum).
    Zeros are hidden like every count below 5, but a zero that follows from a line reveals nobody.
    Returns the keys to hide.
    """
    pooled, pinned = set(pooled), set(pinned)
    lines = [(total, list(parts)) for total, parts in lines]
    hidden = {k for k, v in values.items() if k in pooled or (v < MIN_COUNT and k not in pinned)}
    own: dict[Hashable, list[int]] = {}  # figure -> its lines as a total
    member: dict[Hashable, list[int]] = {}  # figure -> the lines it is a part of
    for i, (total, parts) in enumerate(lines):
        own.setdefault(total, []).append(i)
        for p in parts:
            member.setdefault(p, []).append(i)

    def unknown(key: Hashable, assume_hidden: bool = False) -> int:
        # What stays unknown of a figure once it is hidden: its value, or for a total the unknown of its
        # hidden parts (shown parts are known); the least over its lines, since each can be used.
        if key not in hidden and not assume_hidden:
            return 0
        if key in pooled or key not in own:
            return int(values[key])
        return min(sum(unknown(p) for p in lines[i][1]) for i in own[key])

    def affected(key: Hashable) -> set[int]:
        # Lines whose check can change when key is hidden: its own, those it is part of, and up the tree.
        out, todo, seen = set(own.get(key, ())), [key], set()
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            for i in member.get(k, ()):
                out.add(i)
                todo.append(lines[i][0])
        return out

    def hide(key: Hashable) -> None:
        hidden.add(key)
        for i in affected(key):
            if i not in queued:
                queued.add(i)
                queue.append(i)

    queue = list(range(len(lines)))
    queued = set(queue)
    while queue:  # every fix hides one more figure, so this ends
        i = queue.pop(0)
        queued.discard(i)
        total, parts = lines[i]
        gaps = [unknown(p) for p in parts if p in hidden]
        if total in hidden:
            if values[total] > 0 and not any(gaps):
                candidates = [p for p in parts if p not in hidden and p not in pinned and unknown(p, True) > 0]
                if candidates:
                    hide(min(candidates, key=lambda p: (values[p], str(p))))
            continue
        positive = sum(2 if p in pooled else 1 for p in parts if p in hidden and unknown(p) > 0)
        if positive != 1 and not _small(sum(gaps)):
            continue
        candidates = [p for p in parts if p not in hidden and p not in pinned and unknown(p, True) > 0]
        if _small(sum(gaps)):
            # A part whose unknown is 1–4 cannot lift a small sum (its own line hides it later anyway).
            candidates = [p for p in candidates if not _small(unknown(p, True))] or candidates
        if candidates:
            hide(min(candidates, key=lambda p: (values[p], str(p))))
        elif total not in pinned:
            hide(total)
    return hidden


@dataclass
class TableView:
    """A rows × columns table as shown: None where a figure is hidden; rows/cols empty when not shown."""

    cells: dict[tuple, int | None]
    rows: dict[Hashable, int | None] = field(default_factory=dict)
    cols: dict[Hashable, int | None] = field(default_factory=dict)
    total: int | None = None


def suppress_table(
    cells: Mapping[tuple[Hashable, Hashable], int], *, row_totals: bool = True, col_totals: bool = True
) -> TableView:
    """A table of counts (row, column) -> n with its row totals, column totals and (with both) grand total, protected."""
    row_keys = list(dict.fromkeys(r for r, _ in cells))
    col_keys = list(dict.fromkeys(c for _, c in cells))
    values: dict[Hashable, int] = {("cell", r, c): int(n) for (r, c), n in cells.items()}
    lines: list[Line] = []
    if row_totals:
        for r in row_keys:
            values["row", r] = sum(int(n) for (rr, _), n in cells.items() if rr == r)
            lines.append((("row", r), [("cell", r, c) for c in col_keys if (r, c) in cells]))
    if col_totals:
        for c in col_keys:
            values["col", c] = sum(int(n) for (_, cc), n in cells.items() if cc == c)
            lines.append((("col", c), [("cell", r, c) for r in row_keys if (r, c) in cells]))
    grand = row_totals and col_totals
    if grand:
        values["total",] = sum(int(n) for n in cells.values())
        lines.append((("total",), [("row", r) for r in row_keys]))
        lines.append((("total",), [("col", c) for c in col_keys]))
    hidden = protect(values, lines)

    def shown(key: Hashable) -> int | None:
        return None if key in hidden else values[key]

    return TableView(
        cells={(r, c): shown(("cell", r, c)) for r, c in cells},
        rows={r: shown(("row", r)) for r in row_keys} if row_totals else {},
        cols={c: shown(("col", c)) for c in col_keys} if col_totals else {},
        total=shown(("total",)) if grand else None,
    )


def suppress_hierarchy(
    cells: Mapping[str, tuple[int, int]],
    groups: Mapping[str, list[str]],
    nesting: Mapping[str, list[str]] | None = None,
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """Totals of cells (Kreise) and of groups of them (area, Länder) safe to show side by side (protect).

    cells: key -> (total, rest), rest = total minus the part already shown elsewhere (for a Kreis:
    its visible PLZ circles, which stay shown). groups: group -> its cells, each group's total shown
    too. nesting: group -> the groups it is the sum of (Germany over its Länder), so that a small
    Land does not follow from the national total minus the other Länder.
    Returns (cell -> shown total or None, group -> shown total or None).
    """
    values: dict[Hashable, int] = {}
    lines: list[Line] = []
    for k, (total, rest) in cells.items():
        values["cell", k], values["rest", k], values["seen", k] = int(total), int(rest), int(total) - int(rest)
        lines.append((("cell", k), [("seen", k), ("rest", k)]))
    for g, keys in groups.items():
        values["group", g] = sum(int(cells[k][0]) for k in keys)
        lines.append((("group", g), [("cell", k) for k in keys]))
    for g, subgroups in (nesting or {}).items():
        lines.append((("group", g), [("group", s) for s in subgroups]))
    hidden = protect(values, lines, pooled=[("rest", k) for k in cells], pinned=[("seen", k) for k in cells])
    shown = {k: None if ("cell", k) in hidden else int(cells[k][0]) for k in cells}
    group_totals = {g: None if ("group", g) in hidden else values["group", g] for g in groups}
    return shown, group_totals


def quantile_classes(values: list[int], classes: int = 5) -> list[int]:
    """Class 1..classes of each value by quantiles of all values: a rank band, never the count."""
    if not values:
        return []
    ordered = sorted(values)
    cuts = [ordered[min(len(ordered) - 1, len(ordered) * i // classes)] for i in range(1, classes)]
    return [1 + sum(1 for c in cuts if v >= c) for v in values]
