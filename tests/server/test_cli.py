"""The operator CLI: contract names, output, idempotency and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.platform import PlatformServer


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcplatform", *args], capture_output=True, text=True, timeout=120
    )


def test_org_create_is_idempotent_and_token_prints_only_the_token(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    first = json.loads(run("org", "create", "acme", "--name", "Acme", "--db", db).stdout)
    again = json.loads(run("org", "create", "acme", "--name", "Acme", "--db", db).stdout)
    assert first["created"] is True and again["created"] is False
    assert first["id"] == again["id"]
    result = run(
        "token",
        "create",
        "--org",
        "acme",
        "--email",
        "A@Acme.test",
        "--role",
        "system-administrator",
        "--db",
        db,
    )
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("vcp_")
    dump = json.loads(run("dump", "--org", "acme", "--db", db).stdout)
    assert dump["accounts"] == [{"email": "a@acme.test", "systemAdministrator": True}]
    assert lines[0] not in (tmp_path / "cli.db").read_bytes().decode("latin-1")


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    cases = [
        (("dump", "--org", "ghost", "--db", db), 1, "organisation 'ghost' does not exist"),
        (
            (
                "token",
                "create",
                "--org",
                "ghost",
                "--email",
                "a@b.c",
                "--role",
                "system-administrator",
                "--db",
                db,
            ),
            1,
            "does not exist",
        ),
        (("dump", "--org", "x", "--db", "mysql://h/db"), 2, "unsupported database"),
        (("invitations", "accept", "--org", "ghost", "--db", db), 1, "does not exist"),
    ]
    for args, code, message in cases:
        result = run(*args)
        assert result.returncode == code, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_scoped_tokens_and_operator_commands_on_a_running_server(
    vcplatform_server: PlatformServer,
) -> None:
    server = vcplatform_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Scoped"}).json()
    bad = run(
        "token",
        "create",
        "--org",
        server.org,
        "--email",
        "x@acme.test",
        "--role",
        "organisation-reporter",
        "--db",
        server.db_url,
    )
    assert bad.returncode == 1 and "needs --unit" in bad.stderr
    token = server.create_token("reporter@acme.test", "organisation-reporter", unit["id"])
    me = httpx.get(f"{server.api}/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["roles"] == [
        {"role": "organisation-reporter", "scopeType": "unit", "scopeId": unit["id"]}
    ]
    # Accepting while serving: the server sees the operator's change at once.
    with server.client() as api:
        grant = api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": unit["id"],
                "role": "organisation-administrator",
                "email": "new@acme.test",
            },
        ).json()
        assert server.accept_invitations() == 1
        assert api.get(f"/grants/{grant['id']}").json()["state"] == "active"


def test_serve_help_documents_fault_options() -> None:
    text = run("serve", "--help").stdout
    for option in (
        "--fault-error-rate",
        "--fault-statuses",
        "--fault-latency-ms",
        "--fault-drop-rate",
        "--fault-after-commit-rate",
        "--rate-limit",
        "--db",
        "--port",
    ):
        assert option in text
