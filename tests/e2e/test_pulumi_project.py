"""The example Pulumi project, run with the plain `pulumi` CLI as a user would.

This is the path the README gives users who call `vcorg.Organisation` from their own
Pulumi program: `pulumi stack init`, `pulumi config set`, `pulumi up`, `pulumi destroy`
in the project directory, against the reference platform on loopback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.platform import PlatformServer
from vcorg.engine.pulumi_cli import engine_env, pulumi_bin_dir

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "examples" / "pulumi-project"
HOSPITAL = ROOT / "examples" / "hospital"

pytestmark = pytest.mark.e2e


def _pulumi(project: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [str(pulumi_bin_dir() / "pulumi"), *args, "--non-interactive"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"pulumi {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def test_example_project_up_preview_destroy(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("venv", ".state"))
    # What `python -m venv venv && pip install -r requirements.txt` gives a user.
    (project / "venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    state = tmp_path / "state"
    state.mkdir()

    with PlatformServer(tmp_path / "platform", org="metro-health") as platform:
        env = engine_env()
        env.update(
            PULUMI_BACKEND_URL=state.as_uri(),
            PULUMI_CONFIG_PASSPHRASE="project-test-passphrase",
            VCORG_TOKEN=platform.token,
        )
        env.pop("VCORG_API_URL", None)
        env.pop("PULUMI_PYTHON_CMD", None)  # the project's venv must be what runs it
        env["PATH"] = f"{project / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"

        _pulumi(project, env, "stack", "init", "dev")
        _pulumi(project, env, "config", "set", "vcorg:apiUrl", platform.url)
        _pulumi(project, env, "config", "set", "configPath", str(HOSPITAL))
        out = _pulumi(project, env, "up", "--yes", "--skip-preview")
        assert platform.token not in out

        dump = platform.dump()
        names = sorted(unit["name"] for unit in dump["units"])
        assert names == ["Cancer Care", "Dentistry", "Emergency", "Internal Medicine"]
        links = _pulumi(project, env, "stack", "output", "waitingAreaLinks", "--json")
        assert "/wait/" in links

        _pulumi(project, env, "preview", "--expect-no-changes")

        _pulumi(project, env, "destroy", "--yes", "--skip-preview")
        assert platform.dump()["units"] == []
        for path in state.rglob("*.json"):
            assert platform.token not in path.read_text()
