"""A short-lived cache of list responses, so a refresh costs one request per unit.

During ``pulumi refresh`` the engine calls ``Read`` once per resource, up to four at a
time. Reading each object by id would cost one request per resource; instead the first
read for a (organisation, collection, unit) lists that collection once and the other
reads are served from the result. Entries expire after ``ttl`` seconds, and writes
invalidate the entries they touch, so a long ``up`` never acts on stale data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vcorg.client import JSONObject

CacheKey = tuple[str, str, str | None]
DEFAULT_TTL = 30.0


@dataclass
class _Entry:
    fetched_at: float
    items: dict[str, JSONObject]


class ListCache:
    """Thread-safe; concurrent misses on one key cost a single fetch."""

    def __init__(
        self, *, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[CacheKey, _Entry] = {}
        self._key_locks: dict[CacheKey, threading.Lock] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def _key_lock(self, key: CacheKey) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def _fresh(self, key: CacheKey) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.fetched_at <= self.ttl:
                return entry
            return None

    def items(
        self, key: CacheKey, fetch: Callable[[], Iterable[JSONObject]]
    ) -> dict[str, JSONObject]:
        """Objects by id for ``key``, fetched at most once per ``ttl``."""
        entry = self._fresh(key)
        if entry is not None:
            return entry.items
        with self._key_lock(key):
            entry = self._fresh(key)
            if entry is None:
                items = {obj["id"]: obj for obj in fetch()}
                entry = _Entry(self._clock(), items)
                with self._lock:
                    self._entries[key] = entry
                    self.fetches += 1
            return entry.items

    def invalidate(self, org: str, collection: str, *unit_ids: str | None) -> None:
        """Drop entries of a collection: for the given units, or all when none are given."""
        with self._lock:
            for key in list(self._entries):
                if key[0] != org or key[1] != collection:
                    continue
                if not unit_ids or key[2] in unit_ids or key[2] is None:
                    del self._entries[key]
