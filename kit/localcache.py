"""A small per-process copy of values that also live in the shared cache.

A Redis round trip is a large share of a cached page's or image's cost, so hot
values are also kept in the process for a while (bench/qr.py, bench/library.py).
Thread-safe, bounded (least recently used entries go first), optionally timed.
"""

import threading
import time
from collections import OrderedDict


class LocalCopies:
    def __init__(self, *, max_entries: int, seconds: float | None = None):
        self.max_entries = max_entries
        self.seconds = seconds
        self._items: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            if self.seconds is not None and entry[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return entry[1]

    def put(self, key: str, value) -> None:
        expires = time.monotonic() + (self.seconds or 0)
        with self._lock:
            self._items[key] = (expires, value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def pop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
