"""`vcorg apply --plan`: applies what was reviewed, and nothing once the world moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg, grants_of
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e


def _names(platform: PlatformServer) -> set[str]:
    return {u["name"] for u in platform.dump()["units"]}


def _apply_v1_and_save_v2(vcorg: Vcorg, hospital: Path, hospital_v2: Path) -> Path:
    assert vcorg("apply", hospital, "--yes").returncode == 0
    saved = vcorg.workdir / "v2.plan.json"
    planned = vcorg("plan", hospital_v2, "--out", saved, "--detailed-exitcode")
    assert planned.returncode == 2, planned
    assert saved.is_file()
    assert f"--plan {saved}" in planned.stderr
    return saved


def test_saved_plan_is_applied(
    vcorg: Vcorg, platform: PlatformServer, hospital: Path, hospital_v2: Path
) -> None:
    saved = _apply_v1_and_save_v2(vcorg, hospital, hospital_v2)
    doc = json.loads(saved.read_text())
    # What a reviewer sees travels with the plan; the token never does.
    assert doc["text"].startswith("Plan: ")
    assert platform.token not in saved.read_text()

    applied = vcorg("apply", hospital_v2, "--plan", saved, "--yes")
    assert applied.returncode == 0, applied
    assert f"Applying the plan saved in {saved}" in applied.stderr
    assert "Oral Health" in _names(platform)
    assert "Dentistry" not in _names(platform)
    assert vcorg("plan", hospital_v2, "--detailed-exitcode").returncode == 0


def test_saved_plan_refused_after_the_config_moved(
    vcorg: Vcorg, platform: PlatformServer, hospital: Path, hospital_v2: Path
) -> None:
    saved = _apply_v1_and_save_v2(vcorg, hospital, hospital_v2)
    org = hospital_v2 / "org.yaml"
    org.write_text(org.read_text().replace("name: Oral Health", "name: Dental Care"))

    refused = vcorg("apply", hospital_v2, "--plan", saved, "--yes")
    assert refused.returncode == 1, refused
    assert "the configuration changed after the plan was saved" in refused.stderr
    assert "hint:" in refused.stderr
    assert "Dentistry" in _names(platform)  # nothing applied


def test_saved_plan_refused_after_the_platform_moved(
    vcorg: Vcorg, platform: PlatformServer, hospital: Path, hospital_v2: Path
) -> None:
    saved = _apply_v1_and_save_v2(vcorg, hospital, hospital_v2)
    platform.accept_invitations()  # someone accepts an invitation after the review

    refused = vcorg("apply", hospital_v2, "--plan", saved, "--yes")
    assert refused.returncode == 1, refused
    assert "the platform changed after the plan was saved" in refused.stderr
    assert "objects changed" in refused.stderr
    assert "Dentistry" in _names(platform)
    assert set(grants_of(platform.dump(), "Emergency", "organisation-reporter").values()) == {
        "active"
    }


def test_saved_plan_for_another_stack_is_refused(
    vcorg: Vcorg, hospital: Path, hospital_v2: Path
) -> None:
    saved = _apply_v1_and_save_v2(vcorg, hospital, hospital_v2)
    refused = vcorg("apply", hospital_v2, "--plan", saved, "--yes", "--stack", "staging")
    assert refused.returncode == 1, refused
    assert "made for stack 'metro-health', not 'staging'" in refused.stderr


def test_damaged_saved_plan_is_refused(vcorg: Vcorg, hospital: Path) -> None:
    bogus = vcorg.workdir / "bogus.json"
    bogus.parent.mkdir(parents=True, exist_ok=True)
    bogus.write_text('{"hello": 1}')
    refused = vcorg("apply", hospital, "--plan", bogus, "--yes")
    assert refused.returncode == 1, refused
    assert "is not a plan saved by `vcorg plan --out`" in refused.stderr
