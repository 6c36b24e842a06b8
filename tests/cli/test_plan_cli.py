"""`vcorg plan` and `vcorg apply` through the real engine against the reference platform."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg, areas, unit, write_config
from tests.support.platform import PlatformServer
from vcorg.config import load_config

pytestmark = pytest.mark.e2e

LEAD = "kim.lead@metro-health.example"


def _objects(config_dir: Path) -> tuple[int, int, int]:
    config = load_config([config_dir])
    units = config.units.values()
    return (
        len(units),
        sum(len(u.waiting_areas) for u in units),
        sum(len(u.meeting_rooms) for u in units),
    )


def test_plan_apply_and_detailed_exitcode(
    vcorg: Vcorg, platform: PlatformServer, hospital: Path
) -> None:
    planned = vcorg("plan", hospital, "--detailed-exitcode")
    assert planned.returncode == 2, planned
    n_units, n_areas, n_rooms = _objects(hospital)
    # The summary comes first; the preview changed nothing on the platform.
    assert planned.stdout.startswith("Plan: "), planned
    assert 'Unit "Cancer Care" (cancer-care)' in planned.stdout
    assert platform.dump()["units"] == []

    applied = vcorg("apply", hospital, "--yes")
    assert applied.returncode == 0, applied
    assert "Applied " in applied.stderr
    done = applied.stderr.count("✓ [")
    assert done > 0
    assert f"[{done}/{done}]" in applied.stderr
    assert "New waiting-area links" in applied.stderr
    dump = platform.dump()
    assert len(dump["units"]) == n_units
    assert sum(len(u["waitingAreas"]) for u in dump["units"]) == n_areas
    assert sum(len(u["meetingRooms"]) for u in dump["units"]) == n_rooms

    again = vcorg("plan", hospital, "--detailed-exitcode")
    assert again.returncode == 0, again
    assert again.stdout.strip() == "No changes. The platform matches the configuration."

    # Without --detailed-exitcode a plan with changes still exits 0.
    (hospital / "org.yaml").write_text(
        (hospital / "org.yaml").read_text().replace("name: Dentistry", "name: Oral Health")
    )
    changed = vcorg("plan", hospital)
    assert changed.returncode == 0, changed
    assert 'name: "Dentistry" → "Oral Health"' in changed.stdout


def test_plan_formats(vcorg: Vcorg, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "org.yaml",
        {"housing": unit("Housing", [LEAD], waitingAreas=areas({"intake": "Intake"}))},
    )
    as_json = vcorg("plan", config, "--format", "json")
    assert as_json.returncode == 0, as_json
    doc = json.loads(as_json.stdout)
    assert doc["summary"]["creates"] >= 2
    markdown = vcorg("plan", config, "--format", "markdown", "--detailed-exitcode")
    assert markdown.returncode == 2, markdown
    assert "Housing" in markdown.stdout
    assert len(markdown.stdout) < 65_000


def test_apply_refuses_without_confirmation_when_not_a_terminal(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    refused = vcorg("apply", config)
    assert refused.returncode == 1, refused
    assert "vcorg: error: refusing to apply without confirmation" in refused.stderr
    assert "--yes" in refused.stderr
    assert platform.dump()["units"] == []


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("plan", "{config}", "--format", "yaml"), {}, "invalid choice"),
        (("apply", "{config}", "--max-delete-fraction", "2"), {}, "not between 0 and 1"),
        (("apply", "{config}", "--token", "x"), {}, "unrecognized arguments"),
        (("plan", "{config}"), {"VCORG_TOKEN": ""}, "VCORG_TOKEN is not set"),
        (("plan", "{config}"), {"VCORG_API_URL": ""}, "no platform URL"),
        (("apply", "{config}", "--plan", "p.json", "--refresh"), {}, "--refresh cannot"),
        (("apply", "{config}", "--plan", "p.json", "--no-refresh"), {}, "--no-refresh cannot"),
        (("drift", "{config}", "--format", "yaml"), {}, "invalid choice"),
        (("drift", "{config}"), {"VCORG_TOKEN": ""}, "VCORG_TOKEN is not set"),
    ],
)
def test_usage_errors_exit_64(
    vcorg: Vcorg, tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    run = vcorg(*(a.format(config=config) for a in args), env=env)
    assert run.returncode == 64, run
    assert message in run.stderr
    assert "vcorg: error:" in run.stderr


def test_bad_config_points_at_the_line_and_touches_nothing(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [])})
    run = vcorg("apply", config, "--yes")
    assert run.returncode == 1, run
    output = run.stdout + run.stderr
    lines = config.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "organisationAdministrators" in text)
    column = lines[line - 1].index("organisationAdministrators") + 1
    where = f"{config}:{line}:{column}: error: units.housing.roles.organisationAdministrators"
    assert where in output
    assert "has no organisation administrator" in output
    assert platform.dump()["units"] == []


def test_unreachable_platform_is_an_error_with_a_hint(vcorg: Vcorg, tmp_path: Path) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    run = vcorg("plan", config, env={"VCORG_API_URL": "http://127.0.0.1:9"})
    assert run.returncode == 1, run
    assert "vcorg: error:" in run.stderr
    assert "hint:" in run.stderr


def test_bad_token_is_an_error_that_never_echoes_it(vcorg: Vcorg, tmp_path: Path) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    secret = "not-a-real-token-7f3c9e"
    run = vcorg("plan", config, env={"VCORG_TOKEN": secret})
    assert run.returncode == 1, run
    assert "401" in run.stderr
    assert "hint: check that VCORG_TOKEN" in run.stderr
    assert secret not in run.stdout + run.stderr


def test_destroy_removes_everything_it_manages(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "org.yaml",
        {"housing": unit("Housing", [LEAD], waitingAreas=areas({"intake": "Intake"}))},
    )
    assert vcorg("apply", config, "--yes").returncode == 0
    refused = vcorg("destroy", config)
    assert refused.returncode == 1, refused
    assert len(platform.dump()["units"]) == 1
    destroyed = vcorg("destroy", config, "--yes")
    assert destroyed.returncode == 0, destroyed
    assert "Destroyed " in destroyed.stderr
    assert platform.dump()["units"] == []


def test_refreshed_plan_sees_accepted_invitations(
    vcorg: Vcorg, platform: PlatformServer, hospital: Path, hospital_v2: Path
) -> None:
    assert vcorg("apply", hospital, "--yes").returncode == 0
    assert platform.accept_invitations() > 0
    # Without a refresh the plan knows only what the last apply recorded.
    stale = vcorg("plan", hospital_v2, "--no-refresh")
    stale_line = next(ln for ln in stale.stdout.splitlines() if "ed.quality@" in ln)
    assert "pending" in stale_line, stale
    # Plans read the platform first by default.
    refreshed = vcorg("plan", hospital_v2)
    assert refreshed.returncode == 0, refreshed
    assert "after a refresh" in refreshed.stderr
    # Accepted since the last apply: removing them removes an active role, not an invitation.
    line = next(ln for ln in refreshed.stdout.splitlines() if "ed.quality@" in ln)
    assert "remove ed.quality@" in line, refreshed
    assert "pending" not in line, refreshed
    # Accepting an invitation is not drift: nobody changed what the config sets.
    assert " 0 drifted" in refreshed.stdout, refreshed.stdout


def test_default_state_lives_next_to_the_config(vcorg: Vcorg, tmp_path: Path) -> None:
    config = write_config(tmp_path / "org" / "org.yaml", {"housing": unit("Housing", [LEAD])})
    run = vcorg("plan", config, env={"PULUMI_BACKEND_URL": ""})
    assert run.returncode == 0, run
    state = tmp_path / "org" / ".vcorg" / "state"
    assert any(state.rglob("metro-health*")), sorted(state.rglob("*"))
    assert not any((vcorg.workdir / "state").iterdir())


def test_destroy_with_nothing_managed_is_a_no_op(vcorg: Vcorg, tmp_path: Path) -> None:
    config = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    run = vcorg("destroy", config)
    assert run.returncode == 0, run
    assert "No changes" in run.stdout
