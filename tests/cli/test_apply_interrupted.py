"""An apply interrupted half-way (Ctrl-C, a cancelled CI job) resumes without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ORG, Vcorg, areas, unit, write_config
from tests.support.platform import PlatformServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def slow_platform(tmp_path: Path) -> Iterator[PlatformServer]:
    # Each request takes a while, so the apply is still running when it is interrupted.
    with PlatformServer(
        tmp_path / "platform",
        org=ORG,
        admin_email="ops@metro-health.example",
        serve_args=["--fault-latency-ms", "150"],
    ) as server:
        yield server


def test_interrupted_apply_resumes_without_duplicates(
    slow_platform: PlatformServer, tmp_path: Path
) -> None:
    vcorg = Vcorg(slow_platform, tmp_path / "work")
    vcorg.workdir.mkdir(parents=True, exist_ok=True)
    names = {f"clinic-{i:02d}": f"Clinic {i:02d}" for i in range(30)}
    config = write_config(
        tmp_path / "org.yaml",
        {"housing": unit("Housing", ["kim@metro-health.example"], waitingAreas=areas(names))},
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "vcorg", "apply", str(config), "--yes"],
        cwd=vcorg.workdir,
        env=vcorg.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # a process group of its own, like a terminal job
    )
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        seen += line
        if "✓ [" in line:
            # Ctrl-C reaches the whole foreground group: vcorg and the engine alike.
            os.killpg(proc.pid, signal.SIGINT)
            break
        assert time.monotonic() < deadline, seen
    seen += proc.stderr.read()
    rc = proc.wait(timeout=300)
    assert rc == 130, seen
    assert "Traceback" not in seen
    assert "interrupted" in seen, seen
    done_before = seen.count("✓ [")
    assert 0 < done_before < len(names) + 2, seen

    resumed = vcorg("apply", config, "--yes")
    assert resumed.returncode == 0, resumed
    created = [a["name"] for u in slow_platform.dump()["units"] for a in u["waitingAreas"]]
    assert sorted(created) == sorted(names.values())  # every one, none twice
    assert len(slow_platform.dump()["units"]) == 1
    assert vcorg("plan", config, "--detailed-exitcode").returncode == 0
