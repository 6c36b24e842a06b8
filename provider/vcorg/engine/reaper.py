"""Nothing a vcorg command starts outlives it: processes and temporary files.

The engine starts each dynamic provider in a process group of its own, so killing
vcorg's group (Ctrl-C in a shell that then dies, a CI runner cancelling a job, `kill -9`)
leaves the providers running under PID 1; and the Automation API leaves a workspace
directory in the system temp directory on every run. :func:`command_scope` fixes both:

- every temporary file of the command (vcorg's, the Automation API's and the engine's,
  through ``TMPDIR``) lives under one directory, removed when the command ends;
- a small watcher process, in a session of its own, holds a pipe from vcorg. It follows
  vcorg's descendants as they start; when the pipe closes, because vcorg exited or was
  killed, it kills those still running and removes the directory, then exits.

The watcher imports only the standard library, so it starts in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

SCAN_SECONDS = 0.25


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                tree.setdefault(stat[0], []).append(int(entry))
    return tree


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time in clock ticks) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
        return int(fields[1]), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _descendants(root: int) -> set[tuple[int, int]]:
    tree = _children()
    found: set[tuple[int, int]] = set()
    todo = list(tree.get(root, ()))
    while todo:
        pid = todo.pop()
        stat = _stat(pid)
        if stat is not None and pid != os.getpid():
            found.add((pid, stat[1]))
            todo.extend(tree.get(pid, ()))
    return found


def kill_engine(*, exclude: str = "vcorg.engine.reaper") -> int:
    """SIGKILL every process this one started (the engine and its plugins), now.

    For a stop that cannot wait: a Ctrl-C during a preview, which changes nothing, or a
    second Ctrl-C. The watcher itself is spared. Returns how many processes were killed.
    """
    killed = 0
    for pid, started in sorted(_descendants(os.getpid())):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        stat = _stat(pid)
        if exclude.encode() in cmdline or stat is None or stat[1] != started:
            continue
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            killed += 1
    return killed


def watch(parent: int, directory: str) -> int:
    """The watcher's loop: follow ``parent``'s descendants until stdin closes."""
    stdin = cast(io.BufferedReader, sys.stdin.buffer)  # typed BinaryIO, which lacks read1
    # The parent's first line lists the processes it had before the command began: not
    # the command's to kill (a test process, say, running vcorg next to its own servers).
    first = stdin.readline().split()
    before = {(int(p), int(t)) for p, t in (item.split(b":") for item in first)}
    known: set[tuple[int, int]] = set()
    while True:
        known |= _descendants(parent) - before
        ready, _, _ = select.select([stdin], [], [], SCAN_SECONDS)
        if ready and not stdin.read1(4096):
            break
    for pid, started in sorted(known):
        stat = _stat(pid)
        # Only the very process we saw: a pid reused since is someone else's.
        if stat is not None and stat[1] == started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(directory, ignore_errors=True)
    return 0


@contextlib.contextmanager
def command_scope(prefix: str = "vcorg-") -> Iterator[Path]:
    """Run the body with a private temp directory and a watcher that cleans up after it."""
    directory = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    previous_tempdir, previous_env = tempfile.tempdir, os.environ.get("TMPDIR")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "vcorg.engine.reaper", str(os.getpid()), str(directory)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    if watcher.stdin is not None:
        baseline = " ".join(f"{pid}:{started}" for pid, started in _descendants(os.getpid()))
        watcher.stdin.write(baseline.encode() + b"\n")
        watcher.stdin.flush()
    tempfile.tempdir = str(directory)
    os.environ["TMPDIR"] = str(directory)
    try:
        yield directory
    finally:
        tempfile.tempdir = previous_tempdir
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env
        shutil.rmtree(directory, ignore_errors=True)
        if watcher.stdin is not None:
            with contextlib.suppress(OSError):
                watcher.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            watcher.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(watch(int(sys.argv[1]), sys.argv[2]))
