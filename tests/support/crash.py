"""SIGKILL a vcorg command at a chosen point, then check that a plain re-run heals.

Used by the crash tests (tests/e2e/test_crash_healing.py, small) and the crash bench
(bench/bench_crash.py, large). A kill point is a number of changes done, read from the
apply's progress lines (so kills land while objects are being written), or "end": once
every change is done, while the engine writes its final state.

The command runs in a session of its own and the kill takes its whole process group,
as a CI runner cancelling a job or `kill -9 -- -PGID` would. Processes the engine started
in groups of their own (the dynamic providers) are vcorg's to clean up: `leftovers()`
finds any that survived.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import re
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KillPoint:
    """Kill once this fraction of the run's changes is done (its own progress total), or
    (``fraction`` is None) once all are done: then the engine is writing its final state.

    A fraction, not a step count: a re-run after a kill may have far fewer changes left
    than the first run had (a refreshing plan sees what the killed run already did)."""

    fraction: float | None

    def __str__(self) -> str:
        if self.fraction is None:
            return "at the end (state write)"
        return f"after {self.fraction:.0%} of the steps"


def kill_points(rng: random.Random, count: int) -> list[KillPoint]:
    """``count`` points spread over a run, one of them at the end."""
    points = [KillPoint(None)] if count > 1 else []
    while len(points) < count:
        points.append(KillPoint(round(rng.uniform(0.05, 0.95), 2)))
    rng.shuffle(points)
    return points


@dataclass
class Outcome:
    killed: bool
    returncode: int | None
    seconds: float
    output: str


_PROGRESS = re.compile(r"\[(\d+)/(\d+)\]")
# One progress line per change, whatever the run's size (see vcorg.engine.progress).
STEP_LINES = {"VCORG_PROGRESS_STEPS_MAX": "1000000000"}


def run_and_kill(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    point: KillPoint | None,
    log: Path,
    timeout: float = 1800,
) -> Outcome:
    """Run ``args``; SIGKILL its whole process group at ``point`` (None: let it finish).

    The command's output is read line by line as it comes, so the kill follows the
    progress line that triggers it within milliseconds.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        list(args),
        env={**env, **STEP_LINES},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    killed = threading.Event()
    lines: list[str] = []

    def follow() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode(errors="replace")
            lines.append(line)
            if point is None or killed.is_set():
                continue
            mark = _PROGRESS.search(line)
            if mark and _reached(point, int(mark[1]), int(mark[2])):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                killed.set()

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise TimeoutError(f"{' '.join(args[:3])} ran longer than {timeout} s") from None
    reader.join(timeout=30)
    output = "".join(lines)
    log.write_text(output)
    # A kill that raced the command's own exit did not cut anything short.
    landed = killed.is_set() and proc.returncode == -signal.SIGKILL
    return Outcome(
        killed=landed,
        returncode=None if landed else proc.returncode,
        seconds=time.monotonic() - started,
        output=output,
    )


def _reached(point: KillPoint, done: int, total: int) -> bool:
    if point.fraction is None:
        return done >= total
    return done >= max(1, math.ceil(point.fraction * total))


def leftovers(tmpdir: Path, *, grace: float = 3.0) -> list[str]:
    """Processes still running that a command started with ``TMPDIR=tmpdir``.

    Every process a vcorg command starts inherits its TMPDIR (vcorg points it at a
    directory under the one it was given), so a private TMPDIR per command tells its
    processes apart from anyone else's. Waits up to ``grace`` seconds for a clean-up in
    progress to finish.
    """
    deadline = time.monotonic() + grace
    while True:
        found = _processes_under(tmpdir)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _processes_under(tmpdir: Path) -> list[str]:
    marker = f"TMPDIR={tmpdir}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0]
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError):
            continue
        if state != "Z" and any(v.startswith(marker) for v in environ.split(b"\0")):
            found.append(f"{entry}: {cmdline.decode(errors='replace').strip()[:160]}")
    return found


def kill_processes_under(tmpdir: Path) -> None:
    """SIGKILL what a killed plain Pulumi program left running (the engine starts its
    provider processes in groups of their own, so they outlive their engine; vcorg's own
    commands clean up after themselves, a program of a user's does not)."""
    for line in _processes_under(tmpdir):
        with contextlib.suppress(OSError):
            os.kill(int(line.partition(":")[0]), signal.SIGKILL)


def temp_leftovers(tmpdir: Path) -> list[Path]:
    """What a command left in its private TMPDIR."""
    return sorted(tmpdir.iterdir()) if tmpdir.is_dir() else []
