"""The API token never reaches state, the backend directory or anything the engine prints."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import pytest
from pulumi import automation as auto

from tests.e2e.conftest import OrgStack, small_org, start_platform

pytestmark = pytest.mark.e2e


def _leaks(org: OrgStack, token: str, *extra: str) -> list[str]:
    """Where the token shows up: engine output, exported state, backend and workspace files."""
    assert len(token) >= 20, "the token is too short for a grep to mean anything"
    found = []
    if token in org.all_output():
        found.append("engine output")
    if token in json.dumps(org.stack.export_stack().deployment):
        found.append("exported state")
    workspace = Path(org.stack.workspace.work_dir)
    for root in (org.backend_dir, workspace):
        for path in root.rglob("*"):
            if path.is_file() and token.encode() in path.read_bytes():
                found.append(str(path))
    found += [f"extra text {i}" for i, text in enumerate(extra) if token in text]
    return found


def test_token_from_the_environment_never_leaks(fresh_stack: OrgStack) -> None:
    org, token = fresh_stack, fresh_stack.platform.token
    doc = small_org()
    org.up(doc)
    org.preview()
    org.refresh()
    # A failing apply prints the platform's error: it must not carry the token either.
    with org.platform.client() as api:
        assert api.post("/units", json={"name": "Dermatology"}).status_code == 201
    doc["units"]["derm"] = {
        "name": "Dermatology",
        "roles": {"organisationAdministrators": ["derm@metro-health.example"]},
    }
    with pytest.raises(auto.errors.CommandError) as failed:
        org.up(doc)
    assert "Dermatology" in str(failed.value)
    org.destroy()
    assert _leaks(org, token, str(failed.value)) == []


def test_token_from_secret_config_never_leaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VCORG_TOKEN", raising=False)
    platform = start_platform(tmp_path / "platform")
    try:
        token = platform.token
        org = OrgStack(platform, tmp_path, token_in_env=False)
        org.stack.set_config("vcorg:token", auto.ConfigValue(token, secret=True))
        org.up(small_org())
        org.refresh()
        org.preview()
        assert org.platform.dump()["units"], "the apply did not reach the platform"
        org.destroy()
        assert _leaks(org, token) == []
    finally:
        platform.stop()


def test_a_wrong_token_is_not_echoed_in_the_error(fresh_stack: OrgStack) -> None:
    org = fresh_stack
    wrong = "vcp_" + secrets.token_urlsafe(32)
    org.stack.workspace.env_vars["VCORG_TOKEN"] = wrong
    with pytest.raises(auto.errors.CommandError) as failed:
        org.up(small_org())
    message = str(failed.value)
    assert "401" in message or "token" in message.lower()
    assert _leaks(org, wrong, message) == []
    assert os.environ.get("VCORG_TOKEN") != wrong
