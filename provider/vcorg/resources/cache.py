"""A short-lived cache of list responses, so a refresh costs one request per page.

During ``pulumi refresh`` the engine calls ``Read`` once per resource, several at a
time. Reading each object by id would cost one request per resource; instead the first
read of a collection lists it once, page by page, and the other reads are served from
the result. Entries expire after ``ttl`` seconds. Writes either invalidate the entries
they touch or, where the writer knows exactly what changed (role grants), update them in
place, so a long ``up`` never acts on data older than ``ttl`` or on its own stale writes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vcorg.client import JSONObject

CacheKey = tuple[str, str, str | None]
DEFAULT_TTL = 120.0


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

    def apply(
        self, key: CacheKey, *, upserts: Iterable[JSONObject] = (), deletes: Iterable[str] = ()
    ) -> None:
        """Record writes in a fresh entry (absent or expired entries are left alone)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry.fetched_at > self.ttl:
                return
            for obj in upserts:
                entry.items[obj["id"]] = obj
            for object_id in deletes:
                entry.items.pop(object_id, None)

    def invalidate(self, org: str, collection: str, *unit_ids: str | None) -> None:
        """Drop entries of a collection: for the given units, or all when none are given."""
        with self._lock:
            for key in list(self._entries):
                if key[0] != org or key[1] != collection:
                    continue
                if not unit_ids or key[2] in unit_ids or key[2] is None:
                    del self._entries[key]


@dataclass
class _Grants:
    fetched_at: float
    by_scope: dict[str, dict[str, JSONObject]]


class GrantIndex:
    """Every role grant of an organisation, listed once (paged) and indexed by scope.

    A refresh reads one role list per scope and role; serving them from one paged list
    of the organisation's grants keeps a refresh at a few requests per thousand
    resources. Writers record their own changes (:meth:`record`), so one apply does not
    re-list after each invitation. Entries expire after ``ttl`` seconds like list entries.
    """

    def __init__(
        self, *, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._orgs: dict[str, _Grants] = {}
        self._lock = threading.Lock()
        self._fetch_locks: dict[str, threading.Lock] = {}
        self.fetches = 0

    def _fresh(self, org: str) -> _Grants | None:
        entry = self._orgs.get(org)
        if entry is not None and self._clock() - entry.fetched_at <= self.ttl:
            return entry
        return None

    def scope(
        self, org: str, scope_id: str, fetch: Callable[[], Iterable[JSONObject]]
    ) -> list[JSONObject]:
        """The grants on one scope (a copy), listing the organisation's grants if needed."""
        with self._lock:
            entry = self._fresh(org)
            if entry is not None:
                return list(entry.by_scope.get(scope_id, {}).values())
            fetch_lock = self._fetch_locks.setdefault(org, threading.Lock())
        with fetch_lock:
            with self._lock:
                entry = self._fresh(org)
            if entry is None:
                by_scope: dict[str, dict[str, JSONObject]] = {}
                for grant in fetch():
                    by_scope.setdefault(grant["scopeId"], {})[grant["id"]] = grant
                entry = _Grants(self._clock(), by_scope)
                with self._lock:
                    self._orgs[org] = entry
                    self.fetches += 1
            with self._lock:
                return list(entry.by_scope.get(scope_id, {}).values())

    def record(
        self,
        org: str,
        scope_id: str,
        *,
        upserts: Iterable[JSONObject] = (),
        deletes: Iterable[str] = (),
    ) -> None:
        """Apply this process's own writes on one scope to a fresh entry."""
        with self._lock:
            entry = self._fresh(org)
            if entry is None:
                return
            grants = entry.by_scope.setdefault(scope_id, {})
            for grant in upserts:
                grants[grant["id"]] = grant
            for grant_id in deletes:
                grants.pop(grant_id, None)

    def invalidate(self, org: str) -> None:
        with self._lock:
            self._orgs.pop(org, None)
