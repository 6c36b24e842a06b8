"""Session-wide checks: the test suite leaves no process of its own running.

Every process a test starts inherits VCORG_TEST_SESSION, so at the end of the session the
ones still running can be told apart from anyone else's on the machine: an engine, a
dynamic provider or a platform server that outlived its test is a failure (and is
killed), not a silent leak.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest

MARKER = "VCORG_TEST_SESSION"
os.environ.setdefault(MARKER, uuid.uuid4().hex)


def _ours() -> list[tuple[int, str]]:
    marker = f"{MARKER}={os.environ[MARKER]}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            state = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0]
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError):
            continue
        # The PostgreSQL server of the storage tests is stopped at exit, after this check.
        if state != "Z" and marker in environ and b"postgres" not in cmdline:
            found.append((int(entry), cmdline.decode(errors="replace").strip()[:160]))
    return found


# scripts/test hands whole files to its workers (pytest-xdist --dist loadfile) in collection
# order. The longest files go first, so that no worker is left running one of them alone
# at the end while the others idle.
LONGEST_FIRST = (
    "tests/e2e/test_crash_healing.py",
    "tests/e2e/test_crash_healing_changes.py",
    "tests/server/test_contract.py",
    "tests/cli/test_demo.py",
    "tests/e2e/test_pulumi_project.py",
    "tests/cli/test_interrupts.py",
    "tests/drift/test_drift_e2e.py",
    "tests/e2e/test_crash_recovery.py",
    "tests/cli/test_apply_saved_plan.py",
    "tests/cli/test_apply_rails.py",
    "tests/cli/test_state_healing.py",
    "tests/cli/test_plan_cli.py",
)


@pytest.fixture(autouse=True, scope="session")
def _session_tempdir(tmp_path_factory: pytest.TempPathFactory) -> object:
    # The Automation API leaves a workspace directory (`automation-*`) for every stack it
    # opens. The CLI removes its own (vcorg.engine.reaper); tests that open stacks in their
    # own process would leave hundreds in /tmp, so they go under pytest's rotated basetemp.
    previous = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("tmp"))
    yield
    tempfile.tempdir = previous


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    # A stable sort: tests keep their order within a file.
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Worker processes of pytest-xdist share the marker; only the controller judges.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    deadline = time.monotonic() + 5
    left = _ours()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = _ours()
    if not left:
        return
    for pid, _ in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = "\n".join(f"  {pid}: {cmd}" for pid, cmd in left)
    if reporter is not None:
        reporter.write_line(f"error: processes outlived the test session (killed now):\n{lines}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
