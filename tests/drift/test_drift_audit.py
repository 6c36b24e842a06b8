"""Reading the audit log: from the last apply on, bounded, and what a 403 means."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from vcorg.client import ClientSettings, PlatformClient
from vcorg.drift.audit import MARGIN, read_audit
from vcorg.drift.state import resources_from_deployment

APPLIED = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def _client(handler: Any) -> PlatformClient:
    return PlatformClient(
        ClientSettings(api_url="https://video.example", token="t0ken"),
        transport=httpx.MockTransport(handler),
    )


def _pages(total: int, size: int) -> Iterator[dict[str, Any]]:
    for start in range(0, total, size):
        items = [
            {"id": f"a{i}", "objectId": f"o{i}"} for i in range(start, min(total, start + size))
        ]
        yield {"items": items, "nextCursor": str(start + size) if start + size < total else None}


def test_reads_from_the_last_apply_by_pages_and_stops_at_the_cap() -> None:
    seen: list[httpx.Request] = []
    pages = list(_pages(1_200, 500))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        cursor = request.url.params.get("cursor")
        return httpx.Response(200, json=pages[0 if cursor is None else int(cursor) // 500])

    log, window = read_audit(_client(handler), "metro", APPLIED, token_email="ops@x.example")
    assert window.available and window.complete and window.events == 1_200
    assert window.requests == 3 and len(seen) == 3
    assert seen[0].url.path == "/api/v1/orgs/metro/audit"
    assert seen[0].url.params["since"] == "2026-11-29T09:55:00.000000Z"
    assert window.since == APPLIED - MARGIN
    assert log.creation("o7") is None  # events without before/after are not creations

    seen.clear()
    _, capped = read_audit(
        _client(handler), "metro", APPLIED, token_email="ops@x.example", max_events=600
    )
    assert not capped.complete and capped.events == 600 and len(seen) == 2


def test_a_token_that_may_not_read_the_log_makes_attribution_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            headers={"Content-Type": "application/problem+json"},
            json={
                "type": "https://vcplatform.dev/problems/forbidden",
                "title": "Forbidden",
                "status": 403,
                "detail": "only a system administrator can read the audit log",
            },
        )

    _, window = read_audit(_client(handler), "metro", APPLIED, token_email="lead@x.example")
    assert not window.available
    assert window.reason == (
        "the token's account (lead@x.example) may not read the audit log (the platform "
        "says: only a system administrator can read the audit log)"
    )


def test_without_a_last_apply_the_log_is_not_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    _, window = read_audit(_client(handler), "metro", None, token_email="ops@x.example")
    assert not window.available and "has not applied" in (window.reason or "")


def test_the_state_holds_only_vcorg_resources_in_force() -> None:
    prefix = "urn:pulumi:s::vcorg::vcorg:index:Organisation$pulumi-python:dynamic/vcorg:"
    deployment = {
        "manifest": {"time": "2026-11-29T10:00:05.123+11:00"},
        "resources": [
            {
                "urn": "urn:pulumi:s::vcorg::pulumi:pulumi:Stack::vcorg-s",
                "type": "pulumi:pulumi:Stack",
            },
            {
                "urn": f"{prefix}WaitingArea::a",
                "type": "pulumi-python:dynamic/vcorg:WaitingArea",
                "id": "wa_1",
                "inputs": {"name": "A"},
                "outputs": {"name": "A"},
            },
            {
                "urn": f"{prefix}WaitingArea::b",
                "type": "pulumi-python:dynamic/vcorg:WaitingArea",
                "id": "wa_2",
                "delete": True,
            },
        ],
    }
    state = resources_from_deployment(deployment)
    assert [(r.name, r.id, r.type_name) for r in state.resources] == [("a", "wa_1", "WaitingArea")]
    assert state.written_at == datetime(2026, 11, 28, 23, 0, 5, 123000, tzinfo=UTC)
    assert state.since == state.written_at  # no history: the checkpoint's time stands in
