"""SIGKILL a Pulumi program that uses vcorg (per-step checkpoints) and converge.

`vcorg` itself saves state once per run (test_crash_healing.py). A Pulumi project that
declares `vcorg.Organisation` runs with the engine's default, a checkpoint after every
step, so a kill leaves pending operations in its state as well as the lock. These tests
kill such a program mid-apply and recover the two ways docs/operations.md gives: the
Pulumi commands in a project, and a plain re-run of `vcorg apply`, which heals the lock
and the pending operations itself.

Run as a script (`python -m tests.e2e.test_crash_recovery ...`), this module is the
child process that applies a config.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from tests.e2e.conftest import (
    HOSPITAL,
    STACK,
    OrgStack,
    assert_converged,
    object_count,
    op_counts,
    start_platform,
)
from tests.support.crash import kill_processes_under
from tests.support.platform import PlatformServer
from vcorg.config import load_config
from vcorg.engine.stack import StackTarget, open_stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Slow every request down so the apply is surely in flight when it is killed.
LATENCY_MS = "300"
# The engine's default for Pulumi projects: a checkpoint after every step.
CHECKPOINTS = {"PULUMI_SKIP_CHECKPOINTS": "false"}


def _child(backend_url: str, api_url: str, config_path: str, stack_name: str) -> None:
    import vcorg

    stack = open_stack(
        StackTarget(
            stack_name,
            backend_url=backend_url,
            api_url=api_url,
            program=lambda: vcorg.Organisation("org", config_path=Path(config_path)),
            extra_env={"VCORG_TOKEN": os.environ["VCORG_TOKEN"], **CHECKPOINTS},
        )
    )
    stack.up(on_output=lambda line: print(line, end="", flush=True), color="never")


def _apply_in_child_until(
    org: OrgStack, config: Path, killed_when: Callable[[dict[str, Any]], bool]
) -> None:
    """Apply `config` in a child process; SIGKILL its process group once the dump says so."""
    tmpdir = org.workdir / f"child-tmp-{time.monotonic_ns()}"
    tmpdir.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(tmpdir),
        "VCORG_TOKEN": org.platform.token,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    args = [org.backend_dir.as_uri(), org.platform.url, str(config), STACK]
    with (org.workdir / "child.log").open("w") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.test_crash_recovery", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while not killed_when(org.platform.dump()):
                assert child.poll() is None, "the apply ended before it could be killed"
                assert time.monotonic() < deadline, "the apply made no progress"
                time.sleep(0.2)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            kill_processes_under(tmpdir)


def _kill_mid_apply(tmp_path: Path) -> OrgStack:
    """Start an apply of the hospital in a child and SIGKILL it part-way through."""
    platform = start_platform(tmp_path / "platform", "--fault-latency-ms", LATENCY_MS)
    org = OrgStack(platform, tmp_path, env=CHECKPOINTS)
    # Kill once a third of the units, areas and rooms exist (the hospital has 22).
    _apply_in_child_until(org, HOSPITAL, lambda dump: object_count(dump) >= 7)
    assert object_count(platform.dump()) < 22, "the apply had finished: nothing was interrupted"
    return org


@pytest.fixture
def crashed(tmp_path: Path) -> Iterator[OrgStack]:
    org = _kill_mid_apply(tmp_path)
    try:
        yield org
    finally:
        org.platform.stop()


def _locks(org: OrgStack) -> list[Path]:
    return sorted((org.backend_dir / ".pulumi" / "locks").rglob("*.json"))


def _pending(org: OrgStack) -> list[dict[str, Any]]:
    return org.stack.export_stack().deployment.get("pending_operations") or []


def _assert_crashed(org: OrgStack) -> None:
    assert _locks(org), "the killed apply left no lock"
    assert _pending(org), "the kill landed between operations; nothing to recover"
    with pytest.raises(auto.errors.CommandError, match="locked"):
        org.up(HOSPITAL)


def _assert_recovers(org: OrgStack) -> None:
    assert _pending(org) == []
    assert _locks(org) == []
    org.up(HOSPITAL)
    # Creates cut off by the kill are re-sent with the same Idempotency-Key: no duplicates.
    assert_converged(org.platform.dump(), load_config([HOSPITAL]))
    assert op_counts(org.preview().change_summary) == {}
    assert _pending(org) == []


def test_recover_with_cancel_and_clear_pending_creates(crashed: OrgStack) -> None:
    org = crashed
    # The killed apply left its lock and the creates it had in flight.
    _assert_crashed(org)
    # docs/operations.md, "After a crash": pulumi cancel; pulumi refresh --clear-pending-creates
    org.stack.cancel()
    org.stack.refresh(clear_pending_creates=True, on_output=org.output.append, color="never")
    _assert_recovers(org)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(args[:3])} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def test_a_plain_vcorg_apply_heals_a_killed_program(crashed: OrgStack, tmp_path: Path) -> None:
    """docs/operations.md: after any crash, run the same apply again. vcorg clears the
    dead run's lock and resolves its pending operations by reading the platform."""
    org = crashed
    _assert_crashed(org)
    env = {**os.environ, "VCORG_TOKEN": org.platform.token, "PULUMI_CONFIG_PASSPHRASE": ""}
    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()
    vcorg = [sys.executable, "-m", "vcorg.cli"]
    target = [str(HOSPITAL), "--stack", STACK, "--backend", org.backend_dir.as_uri(),
              "--api-url", org.platform.url]  # fmt: skip
    out = _run([*vcorg, "apply", *target, "--yes"], env, anywhere)
    assert "cleared the lock" in out
    assert "left pending" in out
    assert _pending(org) == []
    assert _locks(org) == []
    assert_converged(org.platform.dump(), load_config([HOSPITAL]))
    _run([*vcorg, "plan", *target, "--refresh", "--detailed-exitcode"], env, anywhere)


if __name__ == "__main__":
    _child(*sys.argv[1:5])


def test_recover_after_a_kill_mid_update(tmp_path: Path, hospital_yaml: dict[str, Any]) -> None:
    """Updates cut off by the kill re-run with a stale If-Match; they must still converge."""
    fast = start_platform(tmp_path / "platform")
    org = OrgStack(fast, tmp_path, env=CHECKPOINTS)
    org.up(HOSPITAL)
    doc = copy.deepcopy(hospital_yaml)
    text = "Updated while the engine was killed."
    for unit in doc["units"].values():
        unit["roles"]["organisationReporters"] = ["night.reporter@metro-health.example"]
        for area in unit["waitingAreas"].values():
            area["informationForCallers"] = text
    config = org.write_config(doc)
    fast.stop()
    # The same database behind a slow server: the updates take long enough to be cut off.
    platform = PlatformServer(
        tmp_path / "slow",
        org=fast.org,
        db_url=fast.db_url,
        serve_args=["--fault-latency-ms", "1000"],
    ).start()
    try:
        org = OrgStack(platform, tmp_path, env=CHECKPOINTS)

        def changed(dump: dict[str, Any]) -> int:
            areas = [a for u in dump["units"] for a in u["waitingAreas"]]
            return sum(a["informationForCallers"] == text for a in areas)

        _apply_in_child_until(org, config, lambda dump: changed(dump) >= 1)
        assert changed(platform.dump()) < 9, "the apply had finished: nothing was interrupted"
        platform.stop()
        # Recover at full speed, again on the same database.
        platform = PlatformServer(tmp_path / "again", org=fast.org, db_url=fast.db_url).start()
        org = OrgStack(platform, tmp_path, env=CHECKPOINTS)

        org.stack.cancel()
        state = org.stack.export_stack()
        assert any(op["type"] == "updating" for op in state.deployment["pending_operations"])
        state.deployment["pending_operations"] = []
        org.stack.import_stack(state)
        org.up(config)
        assert_converged(platform.dump(), load_config([config]))
        assert op_counts(org.preview().change_summary) == {}
    finally:
        platform.stop()
