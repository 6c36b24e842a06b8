"""A re-run heals what a killed run left in the state backend, and refuses what it cannot prove.

- A zero-byte `<stack>.json.attrs` (a kill during the engine's final write) made every
  command fail with "failed to load checkpoint: EOF"; vcorg removes it and says so.
- A lock left by a process of this host that no longer runs is cleared, in one line.
- A lock held by a process that still runs is "another vcorg run holds the stack".
- A lock from another host cannot be proven stale: refused, naming the owner and its age,
  with the exact command that clears it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg
from vcorg.engine.pulumi_cli import engine_env, pulumi_bin_dir

pytestmark = pytest.mark.e2e

STACK = "metro-health"


@pytest.fixture
def applied(vcorg: Vcorg, hospital: Path) -> Path:
    vcorg.workdir.mkdir(parents=True, exist_ok=True)
    result = vcorg("apply", hospital, "--yes")
    assert result.returncode == 0, result
    return hospital


def _state_dir(vcorg: Vcorg) -> Path:
    return Path(vcorg.backend.removeprefix("file://")) / ".pulumi"


def _lock(vcorg: Vcorg, *, pid: int, host: str, minutes_ago: float = 5) -> Path:
    directory = _state_dir(vcorg) / "locks" / "organization" / "vcorg" / STACK
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4()}.json"
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    path.write_text(
        json.dumps({"pid": pid, "username": "ci", "hostname": host, "timestamp": when.isoformat()})
    )
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_an_empty_metadata_file_is_repaired(vcorg: Vcorg, applied: Path) -> None:
    attrs = _state_dir(vcorg) / "stacks" / "vcorg" / f"{STACK}.json.attrs"
    assert attrs.is_file()
    attrs.write_bytes(b"")
    planned = vcorg("plan", applied, "--detailed-exitcode")
    assert planned.returncode == 0, planned
    assert "failed to load checkpoint" not in planned.stderr
    assert f"removed {attrs.name}" in planned.stderr, planned


def test_a_lock_of_a_process_that_is_gone_is_cleared(
    vcorg: Vcorg, applied: Path, hospital_v2: Path
) -> None:
    lock = _lock(vcorg, pid=_dead_pid(), host=socket.gethostname())
    changed = vcorg("apply", hospital_v2, "--yes")
    assert changed.returncode == 0, changed
    assert "cleared the lock of stack 'metro-health'" in changed.stderr, changed
    assert not lock.exists()


def test_a_lock_of_a_running_process_is_another_run(
    vcorg: Vcorg, applied: Path, hospital_v2: Path
) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = _lock(vcorg, pid=sleeper.pid, host=socket.gethostname(), minutes_ago=0)
        refused = vcorg("apply", hospital_v2, "--yes")
        assert refused.returncode == 1, refused
        assert "another vcorg run holds the stack 'metro-health'" in refused.stderr, refused
        assert f"pid {sleeper.pid}" in refused.stderr
        assert lock.exists(), "a live run's lock must never be taken"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_lock_from_another_host_is_refused_with_the_command(
    vcorg: Vcorg, applied: Path, hospital_v2: Path
) -> None:
    lock = _lock(vcorg, pid=4242, host="ci-runner-7", minutes_ago=130)
    refused = vcorg("apply", hospital_v2, "--yes")
    assert refused.returncode == 1, refused
    message = refused.stderr
    assert "pid 4242 on ci-runner-7 by ci, 2.2 h ago" in message, message
    assert "pulumi cancel --yes --stack organization/vcorg/metro-health" in message, message
    assert lock.exists()
    # The command it gives works, and the next apply goes ahead.
    command = message.split("clear the lock with: ")[1].splitlines()[0].split()
    env = dict(os.environ, **dict(a.split("=", 1) for a in command if "=" in a))
    pulumi = [a for a in command if "=" not in a]
    bin_dir = pulumi_bin_dir()
    env = {**engine_env(bin_dir), **env, "PULUMI_CONFIG_PASSPHRASE": ""}
    done = subprocess.run(
        [str(bin_dir / "pulumi"), *pulumi[1:]],
        env=env,
        cwd=vcorg.workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not lock.exists()
    assert vcorg("apply", hospital_v2, "--yes").returncode == 0
