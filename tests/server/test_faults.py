"""Fault injection and rate limiting, as switched on by `serve` options."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.platform import PlatformServer


def serve(tmp_path: Path, *args: str) -> PlatformServer:
    return PlatformServer(tmp_path / "platform", serve_args=args)


def unit_names(server: PlatformServer) -> list[str]:
    return [u["name"] for u in server.dump()["units"]]


def test_error_rate_one_fails_everything_before_it_applies(tmp_path: Path) -> None:
    with serve(tmp_path, "--fault-error-rate", "1", "--fault-statuses", "503") as server:
        with server.client() as api:
            response = api.post("/units", json={"name": "Never"})
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["type"].endswith("/unavailable")
            assert response.headers["retry-after"] == "1"
        assert unit_names(server) == []
        # Operations endpoints are never faulted.
        assert httpx.get(f"{server.url}/metrics").status_code == 200
        assert httpx.get(f"{server.url}/openapi.json").status_code == 200
        assert server.metrics()[("POST", "/api/v1/orgs/{org}/units", "503")] == 1


def test_partial_error_rate_mixes_statuses_and_never_half_applies(tmp_path: Path) -> None:
    args = ("--fault-error-rate", "0.5", "--fault-seed", "7")
    with serve(tmp_path, *args) as server, server.client() as api:
        statuses = [api.post("/units", json={"name": f"Unit {i}"}).status_code for i in range(40)]
        created = sum(1 for s in statuses if s == 201)
        assert set(statuses) == {201, 500, 503}
        assert 8 <= created <= 32
        assert len(unit_names(server)) == created


def test_latency_is_added(tmp_path: Path) -> None:
    with serve(tmp_path, "--fault-latency-ms", "400") as server, server.client() as api:
        start = time.monotonic()
        assert api.get("/units").status_code == 200
        assert time.monotonic() - start >= 0.4
        start = time.monotonic()
        httpx.get(f"{server.url}/metrics")
        assert time.monotonic() - start < 0.4


def test_dropped_connections_get_no_response_and_change_nothing(tmp_path: Path) -> None:
    with serve(tmp_path, "--fault-drop-rate", "1") as server, server.client() as api:
        with pytest.raises(httpx.TransportError):
            api.post("/units", json={"name": "Dropped"})
        assert unit_names(server) == []
        assert server.metrics()[("POST", "/api/v1/orgs/{org}/units", "dropped")] == 1


def test_lost_response_after_commit_is_recovered_by_idempotency_key(tmp_path: Path) -> None:
    with serve(tmp_path, "--fault-after-commit-rate", "1") as server, server.client() as api:
        key = {"Idempotency-Key": "create-cardiology-1"}
        for _ in range(3):
            with pytest.raises(httpx.TransportError):
                api.post("/units", json={"name": "Cardiology"}, headers=key)
        # The first attempt committed; the retries were replays, not new units.
        assert unit_names(server) == ["Cardiology"]
        listed = api.get("/units").json()["items"]
        assert [u["name"] for u in listed] == ["Cardiology"], "reads are not dropped"


def test_idempotent_client_converges_under_mixed_faults(tmp_path: Path) -> None:
    """A retrying client with Idempotency-Keys creates each unit exactly once."""
    args = (
        "--fault-error-rate",
        "0.2",
        "--fault-drop-rate",
        "0.1",
        "--fault-after-commit-rate",
        "0.2",
        "--fault-seed",
        "11",
    )
    with serve(tmp_path, *args) as server, server.client() as api:
        for i in range(15):
            for _attempt in range(50):
                try:
                    response = api.post(
                        "/units", json={"name": f"U{i}"}, headers={"Idempotency-Key": f"k{i}"}
                    )
                except httpx.TransportError:
                    continue
                if response.status_code in (500, 503):
                    continue
                assert response.status_code == 201, response.text
                break
            else:
                pytest.fail(f"unit U{i} never got an answer")
        assert sorted(unit_names(server)) == sorted(f"U{i}" for i in range(15))


def test_rate_limit_per_token(tmp_path: Path) -> None:
    with serve(tmp_path, "--rate-limit", "5/10s") as server:
        other = server.create_token("second@acme.test")
        with server.client() as api, server.client(other) as second:
            statuses = [api.get("/units").status_code for _ in range(12)]
            assert statuses[:5] == [200] * 5
            assert 429 in statuses
            limited = api.get("/units")
            assert limited.status_code == 429
            assert limited.json()["type"].endswith("/rate-limited")
            retry_after = int(limited.headers["retry-after"])
            assert retry_after >= 1
            # Another token has its own budget; /metrics has none.
            assert second.get("/units").status_code == 200
            assert all(httpx.get(f"{server.url}/metrics").status_code == 200 for _ in range(10))
            time.sleep(retry_after)
            assert api.get("/units").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rate-limit", "lots"), "--rate-limit"),
        (("--fault-error-rate", "2"), "--fault-error-rate"),
        (("--fault-statuses", "404"), "--fault-statuses"),
    ],
)
def test_bad_fault_options_are_reported_without_traceback(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vcplatform",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "x.db"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
