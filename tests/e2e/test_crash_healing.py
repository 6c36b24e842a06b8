"""SIGKILL `vcorg apply` at random points; a plain re-run heals and converges.

vcorg saves state only when a run ends (docs/operations.md), so a killed apply leaves the
state of the run before, a stale lock and whatever it had already done on the platform.
The re-run must converge with no manual step: 0 duplicates, 0 missing objects (judged from
`vcplatform dump`), and a refreshed `vcorg plan --detailed-exitcode` of 0, also when the
configuration changed between the crash and the re-run (a renamed unit, a changed setting,
a person swapped). After every kill, no process and no temp file of the killed command may
survive it.

Each lineage kills the same apply KILLS times in a row (every re-run but the last is killed
again, at another point of what that run has left to do) and checks the platform after
each kill. The bench
(bench/bench_crash.py) runs the same at 1,000 and 5,000 resources.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from examples.generate import generate

from tests.support.converged import LIVE_STATES, assert_converged
from tests.support.crash import KillPoint, kill_points, leftovers, run_and_kill, temp_leftovers
from tests.support.platform import PlatformServer
from tests.support.s3 import CREDENTIALS, S3Server
from vcorg.config import load_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ORG = "synthetic-health"
UNITS = 1
KILLS = 5
SEED = int(os.environ.get("VCORG_CRASH_SEED", "8"))
VCORG = [sys.executable, "-m", "vcorg.cli"]


class Lineage:
    """One platform, one stack, and the commands a user would type."""

    def __init__(
        self, workdir: Path, *, backend: str | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.workdir = workdir
        self.platform = PlatformServer(workdir / "platform", org=ORG).start()
        if backend is None:
            (workdir / "state").mkdir()
            backend = (workdir / "state").as_uri()
        # As the docs tell a team: the backend comes from PULUMI_BACKEND_URL.
        self.backend = backend
        self.extra_env = env or {}
        self.runs = 0

    def close(self) -> None:
        self.platform.stop()

    def write(self, data: dict[str, Any]) -> Path:
        self.runs += 1
        path = self.workdir / f"config-{self.runs}" / "org.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    def env(self, tmpdir: Path) -> dict[str, str]:
        tmpdir.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            **self.extra_env,
            "VCORG_TOKEN": self.platform.token,
            "VCORG_API_URL": self.platform.url,
            "PULUMI_BACKEND_URL": self.backend,
            "TMPDIR": str(tmpdir),
        }

    def vcorg(self, *args: str, config: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*VCORG, *args, str(config)],
            env=self.env(self.workdir / "tmp-plain"),
            capture_output=True,
            text=True,
            timeout=900,
        )

    def apply(self, config: Path, point: KillPoint | None) -> bool:
        """Apply, killed at ``point``; True when the kill landed before the apply ended."""
        return self._run("apply", config, point)

    def destroy(self, config: Path, point: KillPoint | None) -> bool:
        """Destroy, killed at ``point``; True when the kill landed before it ended."""
        return self._run("destroy", config, point)

    def _run(self, command: str, config: Path, point: KillPoint | None) -> bool:
        self.runs += 1
        tmpdir = self.workdir / f"tmp-{self.runs}-{point}".replace(" ", "_")
        outcome = run_and_kill(
            [*VCORG, command, "--yes", str(config)],
            env=self.env(tmpdir),
            point=point,
            log=self.workdir / f"{command}-{self.runs}.log",
        )
        if not outcome.killed:
            assert outcome.returncode == 0, f"{command} failed:\n{outcome.output[-3000:]}"
        # Nothing of the killed command survives it: no engine, no provider, no temp file.
        assert leftovers(tmpdir) == [], f"processes outlived the killed {command}"
        assert temp_leftovers(tmpdir) == [], f"temp files outlived the killed {command}"
        assert_no_duplicates(self.platform.dump())
        return outcome.killed

    def assert_converged(self, config: Path) -> None:
        assert_converged(self.platform.dump(), load_config([config]))
        plan = self.vcorg("plan", "--refresh", "--detailed-exitcode", config=config)
        assert plan.returncode == 0, f"the re-planned platform differs:\n{plan.stdout}{plan.stderr}"

    def planned_changes(self, config: Path) -> int:
        """How many changes the apply of ``config`` makes (its plan's progress total)."""
        plan = self.vcorg("plan", "--format", "json", config=config)
        assert plan.returncode == 0, plan.stderr
        summary = json.loads(plan.stdout)["summary"]
        return sum(int(summary.get(k) or 0) for k in ("creates", "updates", "deletes", "replaces"))


def assert_no_duplicates(dump: dict[str, Any]) -> None:
    """Whatever the platform holds mid-recovery, it holds nothing twice."""
    units = Counter(u["name"] for u in dump["units"])
    assert [n for n, c in units.items() if c > 1] == [], "duplicate units"
    for unit in dump["units"]:
        for kind in ("waitingAreas", "meetingRooms"):
            names = Counter(x["name"] for x in unit[kind])
            assert [n for n, c in names.items() if c > 1] == [], f"duplicate {kind}"
        scopes = [unit, *unit["waitingAreas"], *unit["meetingRooms"]]
        for scope in scopes:
            live = Counter(
                (g["role"], g["email"]) for g in scope["grants"] if g["state"] in LIVE_STATES
            )
            assert [k for k, c in live.items() if c > 1] == [], "duplicate grants"


def changed(data: dict[str, Any], step: int) -> dict[str, Any]:
    """The configuration someone edits between a crash and the re-run."""
    data = copy.deepcopy(data)
    keys = sorted(data["units"])
    unit = data["units"][keys[step % len(keys)]]
    unit["name"] = f"{unit['name'].split(' (')[0]} (renamed {step})"
    area = next(iter(unit["waitingAreas"].values()))
    area["informationForCallers"] = f"Changed setting, edit {step}."
    providers = area["roles"]["serviceProviders"]
    providers[-1:] = [f"swapped.{step}@synthetic-health.example"]
    return data


def change_set(data: dict[str, Any]) -> dict[str, Any]:
    """A change set touching every kind: renames, settings, people, a deleted room."""
    data = copy.deepcopy(data)
    for i, (key, unit) in enumerate(sorted(data["units"].items())):
        unit["description"] = f"Reorganised {i}"
        for area in unit["waitingAreas"].values():
            area["informationForCallers"] = "New arrival instructions."
            area["roles"]["serviceProviders"].append(f"new.{key}@synthetic-health.example")
        if i % 4 == 0:
            # A room in every fourth unit: under the deletion cap (a quarter of a kind)
            # at any size, so the change set is one an admin could apply as it is.
            rooms = sorted(unit["meetingRooms"])
            unit["meetingRooms"].pop(rooms[-1])
        unit["roles"]["organisationReporters"] = [f"reporter.{key}@synthetic-health.example"]
    return data


def kill_lineage(
    lineage: Lineage,
    rng: random.Random,
    base: dict[str, Any],
    *,
    change: bool,
    edit: bool,
    kills: int,
) -> list[KillPoint]:
    """Kill ``kills`` applies in a row, each re-run cut again, then let one finish.

    A first-apply lineage starts on an empty platform; a change-set lineage applies
    ``base`` first and then cuts the change set. With ``edit`` the configuration changes
    between every kill and its re-run. Returns the points that landed (all of them, or
    the test fails).
    """
    if change:
        lineage.apply(lineage.write(base), None)
    forward = change
    target = change_set(base) if change else copy.deepcopy(base)
    config = lineage.write(target)
    landed: list[KillPoint] = []
    misses = 0
    for step, point in enumerate(kill_points(rng, kills), start=1):
        while not lineage.apply(config, point):
            # The run finished before the kill: the re-run before it had healed all that
            # was left (a refreshing plan sees what a killed run had done, so little may
            # be). Cut a new change set instead, back the other way.
            misses += 1
            assert misses <= kills, f"kills keep missing: runs too short to cut ({landed})"
            forward = not forward
            target = change_set(base) if forward else copy.deepcopy(base)
            config = lineage.write(target)
        landed.append(point)
        if edit:
            target = changed(target, step)
        config = lineage.write(target)
    lineage.apply(config, None)
    lineage.assert_converged(config)
    return landed


def run_lineage(
    tmp_path: Path, *, change: bool, edit: bool, kills: int = KILLS, s3: S3Server | None = None
) -> None:
    rng = random.Random(f"{SEED}-{change}-{edit}-{s3 is not None}")
    if s3 is None:
        lineage = Lineage(tmp_path)
    else:
        lineage = Lineage(tmp_path, backend=s3.backend_url, env=CREDENTIALS)
    try:
        base = generate(UNITS, organisation=ORG, seed=SEED)
        landed = kill_lineage(lineage, rng, base, change=change, edit=edit, kills=kills)
        assert len(landed) == kills
    finally:
        lineage.close()


def test_killed_first_apply_heals_on_rerun(tmp_path: Path) -> None:
    run_lineage(tmp_path, change=False, edit=False)


def test_killed_first_apply_heals_after_config_changes(tmp_path: Path) -> None:
    run_lineage(tmp_path, change=False, edit=True)


def test_killed_destroy_heals_on_rerun(tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-destroy")
    lineage = Lineage(tmp_path)
    try:
        config = lineage.write(generate(UNITS, organisation=ORG, seed=SEED))
        lineage.apply(config, None)
        points = kill_points(rng, 3)
        landed = sum(lineage.destroy(config, point) for point in points)
        lineage.destroy(config, None)
        assert lineage.platform.dump()["units"] == []
        assert landed == len(points), f"only {landed} of {len(points)} kills landed"
    finally:
        lineage.close()
