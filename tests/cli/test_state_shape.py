"""What `vcorg apply` leaves in the state: no stack traces, no default flags, no timestamps.

The state is rewritten whole at the end of every apply and read whole by every plan, so
its size per resource is a cost at thousands of resources (docs/operations.md). The
speed-ups of vcorg.resources.sdk_speedups keep it small; this proves they reach the
state the real engine writes, through the real CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Vcorg

pytestmark = pytest.mark.e2e


def _state(vcorg: Vcorg) -> list[dict[str, Any]]:
    files = list((vcorg.workdir / "state" / ".pulumi" / "stacks").rglob("*.json"))
    assert len(files) == 1, files
    doc = json.loads(files[0].read_text())
    resources: list[dict[str, Any]] = doc["checkpoint"]["latest"]["resources"]
    return [r for r in resources if r["type"].startswith("pulumi-python:dynamic/vcorg:")]


def test_state_holds_no_stack_traces_and_no_default_adopt_flag(
    vcorg: Vcorg, hospital: Path, hospital_v2: Path
) -> None:
    first = vcorg("apply", hospital, "--yes")
    assert first.returncode == 0, first
    resources = _state(vcorg)
    assert len(resources) > 20
    for r in resources:
        assert "sourcePosition" not in r and "stackTrace" not in r, r["urn"]
        # `adopt: false` is the default and is not stored.
        assert r["inputs"].get("adopt", True) is not False, r["urn"]
        # The API's timestamps are not kept; the provider is a short reference.
        assert not {"createdAt", "updatedAt"} & set(r["outputs"]), r["urn"]
        assert len(r["inputs"]["__provider"]) <= 64, r["inputs"]["__provider"]
        assert r["outputs"]["__provider"] == r["inputs"]["__provider"], r["urn"]

    # A role list's scope ID comes from its unit or area: the engine still knows.
    roles = [r for r in resources if r["type"].endswith(":RoleMembers")]
    assert roles and all(r["propertyDependencies"].get("scopeId") for r in roles)

    # The smaller state plans the same: a re-plan is clean, a change set applies.
    again = vcorg("plan", hospital, "--detailed-exitcode")
    assert again.returncode == 0, again
    changed = vcorg("apply", hospital_v2, "--yes")
    assert changed.returncode == 0, changed
    settled = vcorg("plan", hospital_v2, "--detailed-exitcode")
    assert settled.returncode == 0, settled
