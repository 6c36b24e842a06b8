"""Retry, deadline and header behaviour of PlatformClient, over httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from vcorg.client import (
    ClientSettings,
    Collection,
    PlatformClient,
    RateLimited,
    RetryPolicy,
    ServerError,
    TransportError,
)

TOKEN = "tok-SECRET-0123456789"
SETTINGS = ClientSettings(api_url="http://platform.test", token=TOKEN)


class FakeClock:
    """A clock that advances only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    policy: RetryPolicy | None = None,
) -> tuple[PlatformClient, FakeClock]:
    clock = FakeClock()
    client = PlatformClient(
        SETTINGS,
        transport=httpx.MockTransport(handler),
        retry=policy or RetryPolicy(rng=lambda: 1.0),
        sleep=clock.sleep,
        clock=clock,
    )
    return client, clock


def problem(status: int, slug: str, **extra: object) -> httpx.Response:
    body = {"type": f"https://vcplatform.dev/problems/{slug}", "title": slug, "status": status}
    body.update(extra)
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


def unit(version: int = 1) -> httpx.Response:
    return httpx.Response(
        200,
        json={"id": "unit_1", "name": "Housing", "version": version},
        headers={"ETag": f'"{version}"'},
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Callable, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_for_any_method(status: int) -> None:
    handler, seen = sequence(problem(status, "unavailable"), unit())
    client, clock = make_client(handler)
    got = client.update_object("metro", Collection.UNITS, "unit_1", {"name": "x"}, version=1)
    assert got["id"] == "unit_1"
    assert len(seen) == 2
    assert client.stats.retries == 1
    assert client.stats.requests == 2
    assert clock.sleeps == [0.1]


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    handler, _ = sequence(*[problem(503, "unavailable")] * 7, unit())
    policy = RetryPolicy(max_attempts=10, base_delay=0.1, max_delay=1.0, rng=lambda: 0.5)
    client, clock = make_client(handler, policy=policy)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert clock.sleeps == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5, 0.5]


def test_jitter_draws_from_the_rng() -> None:
    draws = iter([0.0, 0.25])
    policy = RetryPolicy(rng=lambda: next(draws))
    handler, _ = sequence(problem(503, "unavailable"), problem(503, "unavailable"), unit())
    client, clock = make_client(handler, policy=policy)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert clock.sleeps == [0.0, 0.25 * 0.2]


def test_attempts_are_bounded() -> None:
    handler, seen = sequence(*[problem(503, "unavailable", detail="maintenance")] * 10)
    client, _ = make_client(handler, policy=RetryPolicy(max_attempts=3, rng=lambda: 0.0))
    with pytest.raises(ServerError) as info:
        client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 3
    assert "503" in str(info.value)
    assert "maintenance" in str(info.value)


def test_overall_deadline_stops_retries_before_attempts_run_out() -> None:
    handler, seen = sequence(*[problem(503, "unavailable")] * 50)
    policy = RetryPolicy(
        max_attempts=50, deadline=3.0, base_delay=1.0, max_delay=1.0, rng=lambda: 1.0
    )
    client, clock = make_client(handler, policy=policy)
    with pytest.raises(ServerError):
        client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 4
    assert clock.now <= 3.0


def test_retry_after_is_honoured_on_429() -> None:
    limited = problem(429, "rate-limited")
    limited.headers["Retry-After"] = "7"
    handler, seen = sequence(limited, unit())
    client, clock = make_client(handler)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert clock.sleeps == [7.0]
    assert len(seen) == 2


def test_retry_after_beyond_the_deadline_raises_rate_limited() -> None:
    limited = problem(429, "rate-limited", detail="too many requests")
    limited.headers["Retry-After"] = "30"
    handler, seen = sequence(limited, unit())
    client, _ = make_client(handler, policy=RetryPolicy(deadline=10.0))
    with pytest.raises(RateLimited) as info:
        client.get_object("metro", Collection.UNITS, "unit_1")
    assert info.value.retry_after == 30.0
    assert len(seen) == 1


def test_500_is_retried_for_get() -> None:
    handler, seen = sequence(problem(500, "internal"), unit())
    client, _ = make_client(handler)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 2


def test_500_is_not_retried_for_post_without_idempotency_key() -> None:
    handler, seen = sequence(problem(500, "internal"), unit())
    client, _ = make_client(handler)
    with pytest.raises(ServerError):
        client.create_object("metro", Collection.UNITS, {"name": "Housing"})
    assert len(seen) == 1


def test_500_is_retried_for_post_with_idempotency_key_and_key_is_stable() -> None:
    handler, seen = sequence(problem(500, "internal"), unit())
    client, _ = make_client(handler)
    client.create_object("metro", Collection.UNITS, {"name": "Housing"}, idempotency_key="k1")
    assert [r.headers["Idempotency-Key"] for r in seen] == ["k1", "k1"]
    assert [json.loads(r.content) for r in seen] == [{"name": "Housing"}] * 2


def test_connection_errors_are_retried_then_wrapped() -> None:
    handler, seen = sequence(*[httpx.ConnectError("refused")] * 3)
    client, _ = make_client(handler, policy=RetryPolicy(max_attempts=3, rng=lambda: 0.0))
    with pytest.raises(TransportError) as info:
        client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 3
    assert "http://platform.test" in str(info.value)
    assert not isinstance(info.value, httpx.HTTPError)


def test_read_timeout_retried_for_get_not_for_unkeyed_post() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"), unit())
    client, _ = make_client(handler)
    client.get_object("metro", Collection.UNITS, "unit_1")
    assert len(seen) == 2

    handler, seen = sequence(httpx.ReadTimeout("slow"), unit())
    client, _ = make_client(handler)
    with pytest.raises(TransportError, match="timed out"):
        client.create_object("metro", Collection.UNITS, {"name": "Housing"})
    assert len(seen) == 1


def test_if_match_on_patch_and_delete() -> None:
    handler, seen = sequence(unit(4), httpx.Response(204))
    client, _ = make_client(handler)
    client.update_object("metro", Collection.UNITS, "unit_1", {"name": "x"}, version=3)
    client.delete_object("metro", Collection.UNITS, "unit_1", version=4.0)
    assert [r.headers["If-Match"] for r in seen] == ['"3"', '"4"']
    assert [r.method for r in seen] == ["PATCH", "DELETE"]


def test_bearer_token_and_paths() -> None:
    handler, seen = sequence(unit())
    client, _ = make_client(handler)
    client.get_object("metro", Collection.WAITING_AREAS, "wa_1")
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen[0].url.path == "/api/v1/orgs/metro/waiting-areas/wa_1"


def test_pagination_follows_cursors_and_passes_filters() -> None:
    pages = [
        httpx.Response(200, json={"items": [{"id": "a"}, {"id": "b"}], "nextCursor": "c2"}),
        httpx.Response(200, json={"items": [{"id": "c"}], "nextCursor": None}),
    ]
    handler, seen = sequence(*pages)
    client, _ = make_client(handler)
    items = client.list_waiting_areas("metro", unit_id="unit_9")
    assert [i["id"] for i in items] == ["a", "b", "c"]
    assert seen[0].url.params["unitId"] == "unit_9"
    assert "cursor" not in seen[0].url.params
    assert seen[1].url.params["cursor"] == "c2"


def test_replayed_create_is_flagged() -> None:
    replay = httpx.Response(
        201, json={"id": "unit_1", "version": 1}, headers={"Idempotency-Replayed": "true"}
    )
    handler, _ = sequence(replay)
    client, _ = make_client(handler)
    created = client.create("metro", Collection.UNITS, {"name": "H"}, idempotency_key="k")
    assert created.replayed is True
    assert "_replayed" not in created.object


def test_version_falls_back_to_etag() -> None:
    handler, _ = sequence(httpx.Response(200, json={"id": "unit_1"}, headers={"ETag": '"9"'}))
    client, _ = make_client(handler)
    assert client.get_object("metro", Collection.UNITS, "unit_1")["version"] == 9
