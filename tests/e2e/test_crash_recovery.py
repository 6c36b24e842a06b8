"""SIGKILL the engine mid-apply, recover as docs/operations.md says, and converge.

Run as a script (`python -m tests.e2e.test_crash_recovery ...`), this module is the
child process that applies a config; the test kills its whole process group (the
Automation API driver, the `pulumi` CLI and the provider processes) while the apply is
under way, then recovers the way the operations guide tells a user to.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
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
from vcorg.config import load_config
from vcorg.engine.pulumi_cli import engine_env, pulumi_bin_dir
from vcorg.engine.stack import StackTarget, open_stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Slow every request down so the apply is surely in flight when it is killed.
LATENCY_MS = "300"


def _child(backend_url: str, api_url: str, config_path: str, stack_name: str) -> None:
    import vcorg

    stack = open_stack(
        StackTarget(
            stack_name,
            backend_url=backend_url,
            api_url=api_url,
            program=lambda: vcorg.Organisation("org", config_path=Path(config_path)),
            extra_env={"VCORG_TOKEN": os.environ["VCORG_TOKEN"]},
        )
    )
    stack.up(on_output=lambda line: print(line, end="", flush=True), color="never")


def _kill_mid_apply(tmp_path: Path) -> OrgStack:
    """Start an apply of the hospital in a child and SIGKILL it part-way through."""
    platform = start_platform(tmp_path / "platform", "--fault-latency-ms", LATENCY_MS)
    backend = tmp_path / "state"
    backend.mkdir()
    env = {
        **os.environ,
        "VCORG_TOKEN": platform.token,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    log = (tmp_path / "child.log").open("w")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.e2e.test_crash_recovery",
            backend.as_uri(),
            platform.url,
            str(HOSPITAL),
            STACK,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        created = 0
        # Kill once a third of the units, areas and rooms exist (the hospital has 22).
        while created < 7:
            assert child.poll() is None, "the apply ended before it could be killed"
            assert time.monotonic() < deadline, "the apply made no progress"
            time.sleep(0.3)
            created = object_count(platform.dump())
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        log.close()
    created = object_count(platform.dump())
    assert created < 22, "the apply had finished: nothing was interrupted"
    return OrgStack(platform, tmp_path)


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


def test_recover_with_the_documented_cli_commands(crashed: OrgStack, tmp_path: Path) -> None:
    """docs/operations.md, "Recovering with the vcorg CLI", command by command."""
    org = crashed
    _assert_crashed(org)
    pulumi = str(pulumi_bin_dir() / "pulumi")
    env = {
        **engine_env(),
        "PULUMI_BACKEND_URL": org.backend_dir.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "",
        "VCORG_TOKEN": org.platform.token,
    }
    stack = f"organization/vcorg/{STACK}"
    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()
    state = anywhere / "state.json"

    _run([pulumi, "cancel", "--yes", "--stack", stack], env, anywhere)
    _run([pulumi, "stack", "export", "--stack", stack, "--file", str(state)], env, anywhere)
    data = json.loads(state.read_text())
    data["deployment"].pop("pending_operations", None)
    state.write_text(json.dumps(data))
    _run([pulumi, "stack", "import", "--stack", stack, "--file", str(state)], env, anywhere)
    assert _pending(org) == []
    assert _locks(org) == []

    vcorg = [sys.executable, "-m", "vcorg.cli"]
    target = [str(HOSPITAL), "--stack", STACK, "--backend", org.backend_dir.as_uri(),
              "--api-url", org.platform.url]  # fmt: skip
    _run([*vcorg, "apply", *target, "--yes"], env, anywhere)
    assert_converged(org.platform.dump(), load_config([HOSPITAL]))
    _run([*vcorg, "plan", *target, "--refresh", "--detailed-exitcode"], env, anywhere)
    assert _pending(org) == []


if __name__ == "__main__":
    _child(*sys.argv[1:5])
