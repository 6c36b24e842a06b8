"""Adopting objects that already exist on the platform (`pulumi import` cannot do it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg, areas, unit, write_config
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e

LEAD = "kim.lead@metro-health.example"


def test_existing_objects_fail_clearly_then_are_adopted_with_the_flag(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    with platform.client() as http:
        made = http.post("/units", json={"name": "Housing"})
        assert made.status_code == 201, made.text
        unit_id = made.json()["id"]
        area = http.post(
            "/waiting-areas",
            json={"unitId": unit_id, "name": "Tenancy Support"},
        )
        assert area.status_code == 201, area.text
        link = area.json()["link"]
    config = write_config(
        tmp_path / "org.yaml",
        {"housing": unit("Housing", [LEAD], waitingAreas=areas({"tenancy": "Tenancy Support"}))},
    )

    refused = vcorg("apply", config, "--yes")
    assert refused.returncode == 1, refused
    assert "unit housing" in refused.stderr and "--adopt" in refused.stderr, refused
    assert "409 (a unit named 'Housing' already exists" in refused.stderr, refused
    assert "Traceback" not in refused.stderr, refused

    adopted = vcorg("apply", config, "--yes", "--adopt")
    assert adopted.returncode == 0, adopted
    units = platform.dump()["units"]
    assert [(u["id"], u["name"]) for u in units] == [(unit_id, "Housing")]
    [tenancy] = units[0]["waitingAreas"]
    assert tenancy["link"] == link  # adopted, not recreated: the patients' link survives

    again = vcorg("plan", config, "--detailed-exitcode")
    assert again.returncode == 0, again
