"""Safety rails of `vcorg apply`, through the real engine against the reference platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import ADMIN, Vcorg, areas, grants_of, unit, write_config
from tests.support.platform import PlatformServer
from vcorg.cli.target import Target, open_org_stack
from vcorg.config import load_config
from vcorg.plan import UnitWithoutAdministrator, build_plan

pytestmark = pytest.mark.e2e

LEAD = "kim.lead@metro-health.example"


def _area_names(platform: PlatformServer) -> set[str]:
    return {a["name"] for u in platform.dump()["units"] for a in u["waitingAreas"]}


def _error_lines(stderr: str, start: str = "vcorg: error:") -> list[str]:
    """The line starting with *start* and the hint lines after it."""
    lines = stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    rest = [line for line in lines[first + 1 :] if line.startswith("  hint:")]
    return [lines[first], *rest]


def test_deletion_cap_refuses_and_force_overrides(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    twelve = {f"clinic-{i:02d}": f"Clinic {i:02d}" for i in range(12)}
    config = tmp_path / "org.yaml"
    write_config(config, {"housing": unit("Housing", [LEAD], waitingAreas=areas(twelve))})
    assert vcorg("apply", config, "--yes").returncode == 0
    assert len(_area_names(platform)) == 12

    eight = dict(list(twelve.items())[:8])
    write_config(config, {"housing": unit("Housing", [LEAD], waitingAreas=areas(eight))})
    refused = vcorg("apply", config, "--yes")
    assert refused.returncode == 1, refused
    # Said once: the refusal with its numbers, then one hint.
    assert _error_lines(refused.stderr) == [
        "vcorg: error: refusing to apply: the plan deletes 4 of 12 waiting areas (33%), "
        "more than the limit of 25% (--max-delete-fraction 0.25)",
        "  hint: check the plan; if the deletions are intended, re-run with --force",
    ]
    assert len(_area_names(platform)) == 12  # nothing deleted

    # `plan` warns a reviewer that apply will refuse.
    warned = vcorg("plan", config, "--detailed-exitcode", "--format", "markdown")
    assert warned.returncode == 2, warned
    assert _error_lines(warned.stderr, "vcorg: warning:") == [
        "vcorg: warning: apply will refuse this plan: the plan deletes 4 of 12 waiting "
        "areas (33%), more than the limit of 25% (--max-delete-fraction 0.25)",
        "  hint: check the plan; if the deletions are intended, re-run with --force",
    ]
    assert "**`vcorg apply` will refuse this plan:** the plan deletes 4 of 12" in warned.stdout
    assert warned.stdout.count("refus") == 1 and warned.stdout.count("force") == 1
    forced = vcorg("apply", config, "--yes", "--force")
    assert forced.returncode == 0, forced
    assert (
        "vcorg: warning: --force given; applying although the plan deletes 4 of 12 waiting "
        "areas (33%)" in forced.stderr
    )
    assert _area_names(platform) == set(eight.values())


def test_deletion_cap_is_adjustable(vcorg: Vcorg, platform: PlatformServer, tmp_path: Path) -> None:
    twelve = {f"clinic-{i:02d}": f"Clinic {i:02d}" for i in range(12)}
    config = tmp_path / "org.yaml"
    write_config(config, {"housing": unit("Housing", [LEAD], waitingAreas=areas(twelve))})
    assert vcorg("apply", config, "--yes").returncode == 0
    nine = dict(list(twelve.items())[:9])
    write_config(config, {"housing": unit("Housing", [LEAD], waitingAreas=areas(nine))})
    strict = vcorg("apply", config, "--yes", "--max-delete-fraction", "0.2")
    assert strict.returncode == 1, strict
    assert "deletes 3 of 12 waiting areas" in strict.stderr
    relaxed = vcorg("apply", config, "--yes", "--max-delete-fraction", "0.5")
    assert relaxed.returncode == 0, relaxed
    assert len(_area_names(platform)) == 9


def test_self_lockout_refused_unless_forced(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = tmp_path / "org.yaml"
    write_config(config, {"housing": unit("Housing", [ADMIN, LEAD])})
    assert vcorg("apply", config, "--yes").returncode == 0
    assert set(grants_of(platform.dump(), "Housing", "organisation-administrator")) == {
        ADMIN,
        LEAD,
    }

    write_config(config, {"housing": unit("Housing", [LEAD])})
    refused = vcorg("apply", config, "--yes")
    assert refused.returncode == 1, refused
    assert _error_lines(refused.stderr) == [
        f"vcorg: error: refusing to apply: the API token's own account {ADMIN} would stop "
        'being organisation administrator of unit "Housing" (housing) and could lock itself '
        "out",
        "  hint: re-run with --force if that is intended",
    ]
    assert ADMIN in grants_of(platform.dump(), "Housing", "organisation-administrator")

    forced = vcorg("apply", config, "--yes", "--force")
    assert forced.returncode == 0, forced
    assert set(grants_of(platform.dump(), "Housing", "organisation-administrator")) == {LEAD}


def test_unit_without_administrator_is_refused_even_with_force(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config loader already rejects an empty list; the rail guards programs too.

    The Organisation is built in code (as a Pulumi program could) and previewed by the
    real engine; the plan must refuse whatever --force says.
    """
    config_file = write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [LEAD])})
    assert vcorg("apply", config_file, "--yes").returncode == 0

    good = load_config([config_file])
    housing = good.units["housing"]
    emptied = housing.model_copy(
        update={"roles": housing.roles.model_copy(update={"organisation_administrators": []})}
    )
    bad = good.model_copy(update={"units": {"housing": emptied}})
    for key, value in vcorg.env().items():
        monkeypatch.setenv(key, value)
    target = Target(
        config=bad,
        paths=[config_file],
        stack_name="metro-health",
        backend_url=vcorg.backend,
        api_url=platform.url,
        token=platform.token,
    )
    preview = open_org_stack(target).preview()
    plan = build_plan(preview.steps, token_email=ADMIN)
    for force in (False, True):
        with pytest.raises(UnitWithoutAdministrator) as refused:
            plan.raise_if_unsafe(force=force)
        assert "housing" in str(refused.value)
    assert LEAD in grants_of(platform.dump(), "Housing", "organisation-administrator")
