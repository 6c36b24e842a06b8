"""The read cache: one fetch per key per TTL, bounded lifetime, invalidation by writes."""

from __future__ import annotations

import threading
import time

from vcorg.resources.cache import ListCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_ttl() -> None:
    clock = Clock()
    cache = ListCache(ttl=30, clock=clock)
    calls: list[int] = []

    def fetch() -> list[dict]:
        calls.append(1)
        return [{"id": "a", "n": len(calls)}]

    key = ("org", "units", None)
    assert cache.items(key, fetch)["a"]["n"] == 1
    clock.now = 29.9
    assert cache.items(key, fetch)["a"]["n"] == 1
    clock.now = 30.1
    assert cache.items(key, fetch)["a"]["n"] == 2
    assert len(calls) == 2


def test_invalidation_is_per_unit_and_collection() -> None:
    cache = ListCache(clock=Clock())
    fetched: list[tuple] = []

    def fetcher(key: tuple) -> object:
        def fetch() -> list[dict]:
            fetched.append(key)
            return []

        return fetch

    keys = [("o", "waiting-areas", "u1"), ("o", "waiting-areas", "u2"), ("o", "grants", "u1")]
    for key in keys:
        cache.items(key, fetcher(key))
    cache.invalidate("o", "waiting-areas", "u1")
    for key in keys:
        cache.items(key, fetcher(key))
    assert fetched == [*keys, ("o", "waiting-areas", "u1")]


def test_concurrent_misses_fetch_once() -> None:
    cache = ListCache()
    calls: list[int] = []

    def slow_fetch() -> list[dict]:
        calls.append(1)
        time.sleep(0.2)
        return [{"id": "x"}]

    results: list[dict] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.items(("o", "c", None), slow_fetch)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all("x" in r for r in results) and len(results) == 4
