"""Ctrl-C and concurrent runs: stop within seconds, never a traceback, nothing left behind.

- The first Ctrl-C stops a large `vcorg plan` at once (a preview changes nothing).
- A second Ctrl-C stops an apply at once; the plain re-run heals it.
- Two first applies at once: one creates the stack, the other loses the race and says so
  ("another vcorg run holds the stack (pid, host, age)"), exit 1; its summary claims
  nothing it did not do.

Every command runs with a private TMPDIR, so the processes and files it leaves can be
told apart from anything else on the machine (tests/support/crash.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from examples.generate import generate, write

from tests.cli.conftest import Vcorg
from tests.support.crash import leftovers, temp_leftovers
from tests.support.platform import PlatformServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ORG = "synthetic-health"


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """About 300 resources: long enough to interrupt in the middle."""
    return write(generate(10, organisation=ORG), tmp_path / "big" / "org.yaml")[0]


@pytest.fixture
def synthetic(tmp_path: Path) -> Vcorg:
    platform = PlatformServer(tmp_path / "platform", org=ORG).start()
    try:
        yield Vcorg(platform, tmp_path / "work")
    finally:
        platform.stop()


def _start(vcorg: Vcorg, tmpdir: Path, *args: str) -> subprocess.Popen[str]:
    tmpdir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "vcorg", *args],
        cwd=vcorg.workdir,
        env=vcorg.env({"TMPDIR": str(tmpdir), "VCORG_PROGRESS_STEPS_MAX": "100000"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # a process group of its own, like a terminal job
    )


def _wait_for(proc: subprocess.Popen[str], text: str, seen: list[str]) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + 300
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return
        assert time.monotonic() < deadline, "".join(seen)
    raise AssertionError(f"{text!r} never appeared:\n{''.join(seen)}")


def _finish(proc: subprocess.Popen[str], seen: list[str], timeout: float) -> tuple[int, str]:
    # communicate(), not wait(): a plan fills the pipe, and a full pipe blocks its writer.
    out, _ = proc.communicate(timeout=timeout)
    seen.append(out or "")
    return proc.returncode, "".join(seen)


def test_first_ctrl_c_stops_a_large_plan_within_seconds(
    synthetic: Vcorg, big: Path, tmp_path: Path
) -> None:
    synthetic.workdir.mkdir(parents=True, exist_ok=True)
    tmpdir = tmp_path / "tmp-plan"
    proc = _start(synthetic, tmpdir, "plan", str(big))
    seen: list[str] = []
    _wait_for(proc, "Planning organisation", seen)
    time.sleep(3)  # into the preview: program registering, engine diffing
    assert proc.poll() is None, "the plan ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    interrupted = time.monotonic()
    rc, output = _finish(proc, seen, timeout=60)
    assert time.monotonic() - interrupted < 8, (
        f"stopped only after {time.monotonic() - interrupted:.0f} s"
    )
    assert rc == 130, output
    assert "Traceback" not in output, output
    assert "nothing was changed" in output, output
    assert leftovers(tmpdir) == []
    assert temp_leftovers(tmpdir) == []


def test_second_ctrl_c_stops_an_apply_at_once_and_the_rerun_heals(
    synthetic: Vcorg, big: Path, tmp_path: Path
) -> None:
    synthetic.workdir.mkdir(parents=True, exist_ok=True)
    tmpdir = tmp_path / "tmp-apply"
    proc = _start(synthetic, tmpdir, "apply", str(big), "--yes")
    seen: list[str] = []
    _wait_for(proc, "✓ [", seen)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    interrupted = time.monotonic()
    rc, output = _finish(proc, seen, timeout=60)
    assert time.monotonic() - interrupted < 8, output
    assert rc == 130, output
    assert "Traceback" not in output, output
    assert leftovers(tmpdir) == []
    assert temp_leftovers(tmpdir) == []
    again = synthetic("apply", big, "--yes")
    assert again.returncode == 0, again
    assert synthetic("plan", big, "--refresh", "--detailed-exitcode").returncode == 0


def test_two_first_runs_at_once_both_open_the_stack(
    synthetic: Vcorg, big: Path, tmp_path: Path
) -> None:
    """Both create the stack at the same moment: the loser of that race just selects it."""
    synthetic.workdir.mkdir(parents=True, exist_ok=True)
    runs = [_start(synthetic, tmp_path / f"tmp-{i}", "plan", str(big)) for i in (1, 2)]
    for rc, output in (_finish(proc, [], timeout=600) for proc in runs):
        assert rc == 0, output
        assert "already exists" not in output, output


def test_an_apply_started_during_another_says_who_holds_the_stack(
    tmp_path: Path, big: Path
) -> None:
    platform = PlatformServer(
        tmp_path / "platform", org=ORG, serve_args=["--fault-latency-ms", "150"]
    ).start()
    try:
        vcorg = Vcorg(platform, tmp_path / "work")
        vcorg.workdir.mkdir(parents=True, exist_ok=True)
        first = _start(vcorg, tmp_path / "tmp-1", "apply", str(big), "--yes")
        seen: list[str] = []
        _wait_for(first, "✓ [", seen)  # the first run holds the stack's lock now
        second = _start(vcorg, tmp_path / "tmp-2", "apply", str(big), "--yes")
        rc, loser = _finish(second, [], timeout=600)
        assert first.poll() is None, "the first apply ended before the second one tried"
        assert rc == 1, loser
        assert "another vcorg run holds the stack" in loser, loser
        assert "pid " in loser and "ago" in loser, loser
        # It did nothing, and says nothing else: no "Applied", no "invited".
        assert "Applied" not in loser and "invited" not in loser.split("Plan:")[-1], loser
        assert "Traceback" not in loser, loser
        rc, winner = _finish(first, seen, timeout=900)
        assert rc == 0, winner
        assert vcorg("plan", big, "--refresh", "--detailed-exitcode").returncode == 0
    finally:
        platform.stop()
