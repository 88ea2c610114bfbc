"""Figures of the ladder from day histograms: counts per step, rates and medians (plain Python, no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd


def median_from_counts(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how often); the mean of the two middle ones for an even count."""
    pairs = list(pairs)
    if not pairs:
        return None
    values, counts = (np.asarray(x, dtype=float) for x in zip(*pairs))
    keep = (counts > 0) & ~np.isnan(values)
    values, counts = values[keep], counts[keep]
    total = int(counts.sum())
    if total == 0:
        return None
    order = np.argsort(values, kind="stable")
    values, upto = values[order], np.cumsum(counts[order])
    # 0-based ranks of the middle value(s): the first value whose running count passes the rank
    lo, hi = (
        values[np.searchsorted(upto, (total - 1) // 2, side="right")],
        values[np.searchsorted(upto, total // 2, side="right")],
    )
    return float(lo + hi) / 2


@dataclass(frozen=True)
class Step:
    """One group's way up the ladder: entered, of them active now, of them members now, and the medians in days."""

    entered: int
    active: int
    member: int
    days_to_active: float | None
    days_to_member: float | None

    @property
    def contact_only(self) -> int:
        """Entered and still a contact."""
        return self.entered - self.active

    @property
    def active_only(self) -> int:
        """Active, not (yet) a member."""
        return self.active - self.member


def step_of(hist: pd.DataFrame) -> Step:
    """The Step of per-person histogram rows (to_active, to_member, n): a member has both day differences."""
    if hist.empty:
        return Step(0, 0, 0, None, None)
    active = hist[hist["to_active"].notna()]
    member = hist[hist["to_member"].notna()]
    return Step(
        entered=int(hist["n"].sum()),
        active=int(active["n"].sum()),
        member=int(member["n"].sum()),
        days_to_active=median_from_counts(zip(active["to_active"], active["n"])),
        days_to_member=median_from_counts(zip(member["to_member"], member["n"])),
    )


def steps_by_topic(hist: pd.DataFrame, topics: Iterable[str]) -> dict[str, Step]:
    """A Step for each topic from topic histogram rows (topic, to_active, to_member, n)."""
    groups = dict(tuple(hist.groupby("topic", sort=False))) if not hist.empty else {}
    return {t: step_of(groups[t]) if t in groups else Step(0, 0, 0, None, None) for t in topics}


def _medians(days: pd.DataFrame, column: str | None) -> dict:
    if days.empty:
        return {}
    if column is None:
        return {None: median_from_counts(zip(days["days"], days["n"]))}
    return {k: median_from_counts(zip(g["days"], g["n"])) for k, g in days.groupby(column, sort=False)}


def steps_by(
    counts: pd.DataFrame, to_active: pd.DataFrame, to_member: pd.DataFrame, column: str | None, keys: Iterable
) -> dict:
    """A Step for each key of column ('source' or 'month'; None: the one key None for everyone), every key also
    without anyone. counts: (source, month, entered, active, member); to_active, to_member: (source, month, days, n)."""
    if column is None:
        sums = {None: counts[["entered", "active", "member"]].sum()} if not counts.empty else {}
    else:
        sums = dict(tuple(counts.groupby(column, sort=False)[["entered", "active", "member"]].sum().iterrows()))
    med_a, med_m = _medians(to_active, column), _medians(to_member, column)
    out = {}
    for k in keys:
        if k not in sums:
            out[k] = Step(0, 0, 0, None, None)
            continue
        row = sums[k]
        out[k] = Step(int(row["entered"]), int(row["active"]), int(row["member"]), med_a.get(k), med_m.get(k))
    return out


def with_month(counts: pd.DataFrame) -> pd.DataFrame:
    """The daily counts with their month ('YYYY-MM')."""
    return counts.assign(month=[f"{d.year:04d}-{d.month:02d}" for d in counts["day"]])


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole, or None when either is hidden or whole is 0."""
    if part is None or not whole:
        return None
    return part / whole


def months_between(start, end) -> list[str]:
    """'YYYY-MM' of every month from start's to end's, both included."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
