"""What leitung could compute from the figures it is shown (DESIGN §3.2): an auditor for suppressed tables.

A *line* is a total and the parts it is the sum of (a row, a column, the totals of all rows).
Every figure is a pair (true value, shown value or None when hidden). From a line, one subtraction
gives away a hidden figure when

- the total is shown and exactly one part is hidden: that part is the total minus the others;
- the total is shown and the hidden parts add up to 1–4: a small group, though not who is in it;
- the total is hidden and every part is shown: the total is their sum.

A hidden 0 that follows this way reveals nobody and is not counted. A line with an unseen
remainder (complete=False: the Kreis total beside the circles of its white-spot PLZ, which leave
out all other PLZ) can only give away a small residual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MIN_COUNT = 5
Fig = tuple[int, "int | None"]  # (true, shown); shown None = hidden


def _small(n: int) -> bool:
    return 0 < n < MIN_COUNT


def line_leaks(name: str, total: Fig, parts: Sequence[Fig], complete: bool = True) -> list[str]:
    """Every way this one line gives a hidden figure away (empty when none), and every wrong or small shown figure."""
    leaks = []
    for true, shown in (total, *parts):
        if shown is not None and shown != true:
            leaks.append(f"{name}: shows {shown} for {true}")
        if shown is not None and _small(shown):
            leaks.append(f"{name}: shows the small count {shown}")
    hidden = [true for true, shown in parts if shown is None]
    if total[1] is not None:
        residual = total[1] - sum(shown for _, shown in parts if shown is not None)
        if _small(residual):
            leaks.append(f"{name}: the total minus the shown parts is {residual}")
        if complete and len(hidden) == 1 and hidden[0] > 0:
            leaks.append(f"{name}: its one hidden part is the total minus the others, {hidden[0]}")
    elif complete and not hidden and total[0] > 0:
        leaks.append(f"{name}: its hidden total {total[0]} is the sum of its shown parts")
    return leaks


def leaks(lines: Iterable[tuple]) -> list[str]:
    """All leaks of many lines: (name, total, parts) or (name, total, parts, complete)."""
    return [leak for line in lines for leak in line_leaks(*line)]


def table_lines(
    cells: dict[tuple, Fig],
    rows: dict | None = None,
    cols: dict | None = None,
    total: Fig | None = None,
) -> list[tuple]:
    """The lines of a rows × columns table: each row and column beside its total, and the grand total
    beside the row totals and beside the column totals (rows/cols: key -> Fig; None when not shown at all)."""
    out = []
    row_keys = sorted({r for r, _ in cells}, key=str)
    col_keys = sorted({c for _, c in cells}, key=str)
    if rows is not None:
        out += [(f"row {r}", rows[r], [cells[r, c] for c in col_keys]) for r in row_keys]
    if cols is not None:
        out += [(f"column {c}", cols[c], [cells[r, c] for r in row_keys]) for c in col_keys]
    if total is not None and rows is not None:
        out.append(("total over rows", total, [rows[r] for r in row_keys]))
    if total is not None and cols is not None:
        out.append(("total over columns", total, [cols[c] for c in col_keys]))
    return out
