"""What `apply` and `destroy` say, as a newcomer reads it (issue 12, item 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg, areas, unit, write_config
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e

LEAD = "kim.lead@metro-health.example"


def test_apply_refresh_says_so_and_destroy_words_its_hint_and_summary(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "org.yaml",
        {"housing": unit("Housing", [LEAD], waitingAreas=areas({"intake": "Intake"}))},
    )
    applied = vcorg("apply", config, "--refresh", "--yes")
    assert applied.returncode == 0, applied
    # Like `plan --refresh`, the first line says the platform is read first.
    assert re.search(r"^Planning organisation .* after a refresh\.\.\.$", applied.stderr, re.M)

    refused = vcorg("destroy", config)
    assert refused.returncode == 1, refused
    assert "refusing to destroy without confirmation" in refused.stderr
    hint = next(line for line in refused.stderr.splitlines() if line.startswith("  hint:"))
    assert "--yes" in hint
    assert "--plan" not in refused.stderr, refused  # destroy has no --plan
    assert len(platform.dump()["units"]) == 1

    destroyed = vcorg("destroy", config, "--yes")
    assert destroyed.returncode == 0, destroyed
    summary = destroyed.stderr.strip().splitlines()[-1]
    # A unit, its waiting area and the unit's administrators: three objects, not "changes".
    assert re.fullmatch(r"Destroyed 3 objects in \d+\.\d s\.", summary), destroyed.stderr
    assert "change" not in summary
    assert platform.dump()["units"] == []
