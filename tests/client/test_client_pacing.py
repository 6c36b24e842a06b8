"""The client keeps to the platform's rate limit once it said so (vcorg.client.pacing)."""

from __future__ import annotations

import itertools

import pytest

from tests.client.test_client_retries import FakeClock, make_client, problem, sequence, unit
from vcorg.client import Collection, ServerError
from vcorg.client.pacing import WINDOW, Pacer


def test_unpaced_until_the_platform_limits() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for _ in range(100):
        pacer.acquire()
        pacer.succeeded()
    assert clock.sleeps == []
    assert pacer.rate is None


def test_a_429_pauses_everyone_then_paces_to_what_was_accepted() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    # 20 requests a second were accepted for two seconds, then one was refused.
    for _ in range(40):
        pacer.succeeded()
        clock.now += 0.05
    pacer.limited_for(1.0)
    assert pacer.rate is not None and 17 <= pacer.rate <= 19
    limited_at = clock.now
    pacer.acquire()  # waits out Retry-After
    assert clock.now == limited_at + 1.0
    starts = []
    for _ in range(10):
        pacer.acquire()
        starts.append(clock.now)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(abs(gap - 1 / pacer.rate) < 1e-9 for gap in gaps[:5])


def test_the_rate_creeps_back_up_without_refusals() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for _ in range(20):
        pacer.succeeded()
        clock.now += 0.1
    pacer.limited_for(None)
    slow = pacer.rate
    clock.now += 3 * WINDOW
    pacer.acquire()
    assert pacer.rate is not None and slow is not None and pacer.rate > slow


def test_many_429s_do_not_exhaust_the_retries() -> None:
    """Waiting out a rate limit is not a failure: a large apply slows down and goes on."""
    limited = problem(429, "rate-limited")
    limited.headers["Retry-After"] = "1"
    handler, seen = sequence(*([limited] * 12), unit())
    client, clock = make_client(handler)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 13
    assert client.pacer.limited == 12
    assert 12 <= clock.now <= 30


def test_other_errors_still_end_after_max_attempts() -> None:
    handler, seen = sequence(*([problem(503, "unavailable")] * 20))
    client, _ = make_client(handler)
    with pytest.raises(ServerError):
        client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == client.retry.max_attempts
