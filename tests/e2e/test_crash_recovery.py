"""SIGKILL the engine mid-apply, recover as docs/operations.md says, and converge.

Run as a script (`python -m tests.e2e.test_crash_recovery ...`), this module is the
child process that applies a config; the test kills its whole process group (the
Automation API driver, the `pulumi` CLI and the provider processes) while the apply is
under way, then recovers the way the operations guide tells a user to.
"""

from __future__ import annotations

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


def test_recover_by_editing_the_exported_state(crashed: OrgStack) -> None:
    org = crashed
    _assert_crashed(org)
    # docs/operations.md, the manual way: pulumi cancel; export; drop pending_operations; import
    org.stack.cancel()
    state = org.stack.export_stack()
    state.deployment["pending_operations"] = []
    org.stack.import_stack(state)
    _assert_recovers(org)


if __name__ == "__main__":
    _child(*sys.argv[1:5])
