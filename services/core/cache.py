"""A small thread-safe LRU cache for aggregates that stay valid while the data is unchanged."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class LruCache:
    """Keeps the newest `size` results; callers put a data fingerprint into every key."""

    def __init__(self, size: int = 32):
        self._size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for key, or compute() stored under it (computed outside the lock)."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def get(self, key: Hashable):
        """The cached value or None."""
        with self._lock:
            return self._data.get(key)

    def clear(self) -> None:
        """Forget everything (tests, after bulk loads)."""
        with self._lock:
            self._data.clear()
