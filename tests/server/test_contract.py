"""The OpenAPI contract: the committed document matches the server, and fuzzing holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.platform import (
    PlatformServer,
    drop_postgres_database,
    fresh_postgres_database,
)

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "platform.openapi.json"
REGENERATE = "vcplatform openapi --output schemas/platform.openapi.json"
# Checks a correct server must always pass. positive_data_acceptance is left out: a
# schema-valid body can still be refused for semantic reasons (a role that does not fit
# its scope, a reused Idempotency-Key, an unknown unitId), and that is correct.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


def test_committed_openapi_matches_running_server(vcplatform_server: PlatformServer) -> None:
    live = httpx.get(f"{vcplatform_server.url}/openapi.json", timeout=30).json()
    committed = json.loads(COMMITTED.read_text())
    assert live == committed, f"{COMMITTED} is stale; regenerate it with `{REGENERATE}`"


def test_openapi_command_writes_the_committed_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    subprocess.run(
        [sys.executable, "-m", "vcplatform", "openapi", "--output", str(out)], check=True
    )
    assert out.read_text() == COMMITTED.read_text()


def test_contract_covers_every_route_of_the_architecture() -> None:
    paths = json.loads(COMMITTED.read_text())["paths"]
    expected = {
        "/api/v1/me": {"get"},
        "/api/v1/orgs/{org}": {"get"},
        "/api/v1/orgs/{org}/units": {"get", "post"},
        "/api/v1/orgs/{org}/units/{unit_id}": {"get", "patch", "delete"},
        "/api/v1/orgs/{org}/waiting-areas": {"get", "post"},
        "/api/v1/orgs/{org}/waiting-areas/{area_id}": {"get", "patch", "delete"},
        "/api/v1/orgs/{org}/meeting-rooms": {"get", "post"},
        "/api/v1/orgs/{org}/meeting-rooms/{room_id}": {"get", "patch", "delete"},
        "/api/v1/orgs/{org}/meeting-rooms/{room_id}/reset-link": {"post"},
        "/api/v1/orgs/{org}/grants": {"get", "post"},
        "/api/v1/orgs/{org}/grants/{grant_id}": {"get", "delete"},
        "/api/v1/orgs/{org}/grants/{grant_id}/resend": {"post"},
        "/api/v1/orgs/{org}/audit": {"get"},
        "/api/v1/orgs/{org}/calls": {"post"},
        "/api/v1/orgs/{org}/report": {"get"},
        "/api/v1/orgs/{org}/units/{unit_id}/report": {"get"},
        "/metrics": {"get"},
    }
    assert {path: set(ops) for path, ops in paths.items()} == expected


def schemathesis(
    server: PlatformServer, workdir: Path, parameters: dict[str, str], *args: str
) -> None:
    """Run the schemathesis CLI against ``server``; fail with its report on any finding."""
    config = workdir / "schemathesis.toml"
    config.write_text(
        "[parameters]\n" + "".join(f'"path.{k}" = "{v}"\n' for k, v in parameters.items())
    )
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {server.token}",
        "--seed",
        "20261125",
        # One worker: with several, hypothesis' lambda-source parsing races in
        # schemathesis 4.32 ("AST constructor recursion depth mismatch").
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--output-truncate",
        "true",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=workdir)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    assert "passed" in output
    server_log = server.stderr_path.read_text()
    assert "Traceback" not in server_log, server_log[-5_000:]


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(tmp_path: Path) -> None:
    """Fuzz every operation against a live server (30 examples each)."""
    with PlatformServer(tmp_path / "platform") as server, server.client() as api:
        unit = api.post("/units", json={"name": "Fuzz"}).json()
        area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "A"}).json()
        room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
        grant = api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": unit["id"],
                "role": "organisation-reporter",
                "email": "fuzz@acme.test",
            },
        ).json()
        # Real ids, so the fuzzer reaches the handlers instead of 404s.
        ids = {
            "org": server.org,
            "unit_id": unit["id"],
            "area_id": area["id"],
            "room_id": room["id"],
            "grant_id": grant["id"],
        }
        schemathesis(
            server,
            tmp_path,
            ids,
            "--checks",
            ",".join(CHECKS),
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "30",
        )


NEGATIVE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
)


@pytest.mark.slow
@pytest.mark.postgres
def test_schemathesis_negative_data_on_postgres(tmp_path: Path) -> None:
    """Valid and schema-violating data, NUL characters included, against PostgreSQL.

    PostgreSQL is the stricter store (it cannot hold a NUL in text), so a hostile input
    that slips past validation shows there as a 500 and fails `not_a_server_error`;
    `negative_data_rejection` fails if any schema-violating input is accepted (a NUL in
    a name violates the contract's patterns). About a minute.
    """
    db_url = fresh_postgres_database()
    try:
        with PlatformServer(tmp_path / "platform", db_url=db_url) as server:
            with server.client() as api:
                unit = api.post("/units", json={"name": "Negative"}).json()
                area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "A"}).json()
            schemathesis(
                server,
                tmp_path,
                {"org": server.org, "unit_id": unit["id"], "area_id": area["id"]},
                "--checks",
                ",".join(NEGATIVE_CHECKS),
                "--mode",
                "all",
                "--generation-allow-x00",
                "true",
                "--phases",
                "coverage,fuzzing",
                "--max-examples",
                "15",
            )
    finally:
        drop_postgres_database(db_url)


@pytest.mark.slow
def test_schemathesis_stateful_links(tmp_path: Path) -> None:
    """Follow the OpenAPI links (create → read, change, delete) with real ids."""
    with PlatformServer(tmp_path / "platform") as server:
        schemathesis(
            server,
            tmp_path,
            {"org": server.org},
            "--checks",
            ",".join((*CHECKS, "use_after_free", "ensure_resource_availability")),
            "--phases",
            "stateful",
            "--max-examples",
            "50",
        )
