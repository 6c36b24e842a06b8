"""A waiting-area setting end to end: `maxQueueLength`, declared once in the config model.

validate → plan (JSON) → apply through the real engine → `vcplatform dump`, then a change
and taking the setting out again. The setting was added by editing
provider/vcorg/config/models.py only (plus the server's API model, table and
migration): see docs/architecture.md, "How to add a setting".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Vcorg, unit, write_config
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e

LEAD = "kim.lead@metro-health.example"


def _config(path: Path, intake: dict[str, Any]) -> Path:
    areas = {"intake": {"name": "Intake", **intake}, "advice": {"name": "Advice"}}
    return write_config(path, {"housing": unit("Housing", [LEAD], waitingAreas=areas)})


def _properties(plan: str, key: str) -> list[dict[str, Any]]:
    """The property changes of the waiting area `key` in a JSON plan."""
    doc = json.loads(plan)
    found = [
        r
        for group in doc["units"]
        for r in group["resources"]
        if r["type"] == "WaitingArea" and r["key"] == key
    ]
    return found[0]["properties"] if found else []


def _queue(platform: PlatformServer) -> dict[str, Any]:
    """maxQueueLength of each waiting area, by name, as the platform holds it."""
    return {
        a["name"]: a["maxQueueLength"] for u in platform.dump()["units"] for a in u["waitingAreas"]
    }


def test_max_queue_length_validate_plan_apply_dump(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    too_long = _config(tmp_path / "bad" / "org.yaml", {"maxQueueLength": 51})
    refused = vcorg("validate", too_long)
    assert refused.returncode == 1, refused
    assert (
        "error: units.housing.waitingAreas.intake.maxQueueLength: "
        "51 is greater than the maximum of 50" in refused.stdout
    ), refused

    config = _config(tmp_path / "v1" / "org.yaml", {"maxQueueLength": 20})
    assert vcorg("validate", config).returncode == 0

    planned = vcorg("plan", config, "--format", "json")
    assert planned.returncode == 0, planned
    assert {"path": "maxQueueLength", "action": "add", "new": 20} in _properties(
        planned.stdout, "intake"
    )
    # Unset, it is not an input at all: nothing to show for the other area.
    assert not any(p["path"] == "maxQueueLength" for p in _properties(planned.stdout, "advice"))

    applied = vcorg("apply", config, "--yes")
    assert applied.returncode == 0, applied
    assert _queue(platform) == {"Intake": 20, "Advice": None}

    changed = _config(tmp_path / "v2" / "org.yaml", {"maxQueueLength": 5})
    planned = vcorg("plan", changed, "--format", "json")
    assert _properties(planned.stdout, "intake") == [
        {"path": "maxQueueLength", "action": "change", "old": 20, "new": 5}
    ], planned
    assert vcorg("apply", changed, "--yes").returncode == 0
    assert _queue(platform) == {"Intake": 5, "Advice": None}

    # Taken out of the config: the platform's limit is cleared (PATCH null).
    unset = _config(tmp_path / "v3" / "org.yaml", {})
    planned = vcorg("plan", unset, "--format", "json")
    assert _properties(planned.stdout, "intake") == [
        {"path": "maxQueueLength", "action": "remove", "old": 5}
    ], planned
    assert vcorg("apply", unset, "--yes").returncode == 0
    assert _queue(platform) == {"Intake": None, "Advice": None}
    again = vcorg("plan", unset, "--detailed-exitcode")
    assert again.returncode == 0, again
