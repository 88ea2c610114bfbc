"""Requests per IP address on the public link pages: a sliding one-minute window per address (per process)."""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 50_000  # beyond this many addresses the oldest are forgotten (memory stays bounded)


class RateLimiter:
    """Allow at most `limit` requests per address within WINDOW_SECONDS; thread-safe."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = int(limit), float(window), clock
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, address: str | None) -> bool:
        """Count one request of address; False when it is over the limit (the request is not counted then)."""
        key = address or "unbekannt"
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_ADDRESSES:
                    self._hits.pop(next(iter(self._hits)))
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True
