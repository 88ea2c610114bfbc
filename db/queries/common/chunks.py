"""Long id lists in pieces, for IN (...) lists that stay below the drivers' parameter limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# psycopg allows at most 65,535 parameters per statement; SQLite's limit is lower in older builds.
IN_LIST = 5000


def in_chunks(values: Sequence, size: int = IN_LIST) -> Iterable[Sequence]:
    """values in consecutive slices of at most size."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
