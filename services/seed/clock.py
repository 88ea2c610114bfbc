"""Fast formatting of many timestamps/dates as the strings both databases store (naive UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from services.seed.pools import obj

_EPOCH = date(1970, 1, 1)
DAY = 86_400


class Clock:
    """Formats epoch seconds via small day and second-of-day pools (no per-row strftime)."""

    def __init__(self, now: datetime, days_back: int = 1200, days_ahead: int = 400):
        """Anchor 'now' (aware or naive UTC); pools cover days_back before to days_ahead after it."""
        if now.tzinfo is not None:
            now = now.astimezone(UTC).replace(tzinfo=None)
        self.now = now
        self.now_s = int((now - datetime(1970, 1, 1)).total_seconds())
        today = now.date()
        self.first_day = (today - _EPOCH).days - days_back
        days = [today - timedelta(days=days_back - i) for i in range(days_back + days_ahead + 1)]
        self._iso_day = obj(d.isoformat() for d in days)
        self._de_day = obj(d.strftime("%d.%m.%Y") for d in days)
        self._sod = obj(f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY))

    def _day_index(self, secs: np.ndarray) -> np.ndarray:
        return secs // DAY - self.first_day

    def ts(self, secs: np.ndarray) -> np.ndarray:
        """'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format, PostgreSQL parses it too)."""
        secs = np.asarray(secs, dtype=np.int64)
        return self._iso_day[self._day_index(secs)] + self._sod[secs % DAY]

    def ts_or_none(self, secs: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Timestamps where mask is True, None elsewhere."""
        out = np.full(len(secs), None, dtype=object)
        out[mask] = self.ts(np.asarray(secs)[mask])
        return out

    def day(self, secs: np.ndarray) -> np.ndarray:
        """'YYYY-MM-DD' of each timestamp."""
        return self._iso_day[self._day_index(np.asarray(secs, dtype=np.int64))]

    def day_de(self, secs: np.ndarray) -> np.ndarray:
        """'DD.MM.YYYY' (German) of each timestamp."""
        return self._de_day[self._day_index(np.asarray(secs, dtype=np.int64))]

    def iso_date(self, offset_days: int) -> str:
        """Today plus offset_days as 'YYYY-MM-DD'."""
        return (self.now.date() + timedelta(days=offset_days)).isoformat()
