"""On a terminal, `vcorg apply` asks before changing anything (driven through a pty)."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Vcorg, unit, write_config
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e

PROMPT = b"Type 'yes' to continue"


def _apply_on_a_terminal(vcorg: Vcorg, config: Path, answer: bytes) -> tuple[int, str]:
    """Run `vcorg apply CONFIG` on a pseudo-terminal, answer the prompt, return (rc, output)."""
    env = vcorg.env({"COLUMNS": "200", "TERM": "xterm"})
    pid, fd = pty.fork()
    if pid == 0:  # the child: become `vcorg apply`
        os.chdir(vcorg.workdir)
        os.execve(sys.executable, [sys.executable, "-m", "vcorg", "apply", str(config)], env)
    output = b""
    answered = False
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if not answered and PROMPT in output:
                os.write(fd, answer + b"\n")
                answered = True
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    text = output.decode(errors="replace")
    assert answered, f"no confirmation prompt:\n{text}"
    return os.waitstatus_to_exitcode(status), text


def test_apply_asks_and_honours_no_then_yes(
    vcorg: Vcorg, platform: PlatformServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "org.yaml", {"housing": unit("Housing", ["kim.lead@metro-health.example"])}
    )
    vcorg.workdir.mkdir(parents=True, exist_ok=True)

    rc, text = _apply_on_a_terminal(vcorg, config, b"no")
    assert rc == 1, text
    assert "apply cancelled; nothing was changed" in text
    assert "Traceback" not in text
    assert platform.dump()["units"] == []

    rc, text = _apply_on_a_terminal(vcorg, config, b"yes")
    assert rc == 0, text
    assert "Applied " in text
    assert [u["name"] for u in platform.dump()["units"]] == ["Housing"]
