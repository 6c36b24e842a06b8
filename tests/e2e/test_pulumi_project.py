"""The example Pulumi project, run with the plain `pulumi` CLI exactly as the README says.

This is the path the README gives users who call `vcorg.Organisation` from their own
Pulumi program. The test takes the README's shell block and runs it line for line in
bash, without a terminal, against the reference platform on loopback: a real
`python3 -m venv` and `pip install -r requirements.txt`, a real `pulumi login`,
`stack init`, `preview` and `up`. Only two placeholders are filled in: the token (`...`)
and the platform URL (the README's fixed port may be taken on a shared machine).

The copy of the repository it runs in is a temporary directory, so nothing is written
next to the real example, and `PULUMI_HOME` is temporary, so `pulumi login` does not
change the machine's login.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.platform import PlatformServer
from vcorg.engine.language_host import SHIM_NAME, shim_script
from vcorg.engine.pulumi_cli import engine_env, install_language_host_shim, pulumi_bin_dir

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "examples" / "pulumi-project"
README_URL = "http://127.0.0.1:8750"

pytestmark = pytest.mark.e2e


def readme_steps() -> str:
    """The shell block that follows the README's pointer to examples/pulumi-project/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"examples/pulumi-project/\)[^`]*```sh\n(.*?)```", readme, re.S)
    assert match, "README.md lost the example project's shell block"
    return match.group(1)


def _repository_copy(target: Path) -> Path:
    """What a clone holds that the steps use: the packages and the two examples."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "venv", ".state")
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    for part in ("provider", "server", "examples/pulumi-project", "examples/hospital"):
        shutil.copytree(ROOT / part, target / part, ignore=ignore)
    return target


def _private_pulumi(tmp_path: Path) -> Path:
    """The engine and this branch's stand-in host, in a bin directory of the test's own.

    The shared build cache's stand-in host is rewritten by whichever checkout of vcorg
    ran last (another branch may hold another version), so the test installs its own
    beside a hard link of the same engine binary: what a user's install looks like.
    """
    shared = pulumi_bin_dir()
    private = tmp_path / "pulumi-bin"
    private.mkdir()
    for item in shared.iterdir():
        if item.name == SHIM_NAME:
            continue
        try:
            os.link(item, private / item.name)
        except OSError:
            shutil.copy2(item, private / item.name)
    install_language_host_shim(private)
    return private


def _env(tmp_path: Path) -> dict[str, str]:
    env = engine_env(_private_pulumi(tmp_path))  # `pulumi` on PATH, as when installed
    for key in (
        "PULUMI_PYTHON_CMD",  # the project's venv must be what runs the program
        "PULUMI_BACKEND_URL",  # the README logs in instead
        "PULUMI_CONFIG_PASSPHRASE",  # the README exports it
        "VCORG_API_URL",
        "VCORG_TOKEN",
        "VIRTUAL_ENV",
        "PYTHONPATH",
    ):
        env.pop(key, None)
    # Our own venv's bin must not make `python3` find vcorg by accident.
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT / ".venv"))
    )
    env["PULUMI_HOME"] = str(tmp_path / "pulumi-home")
    return env


def _bash(script: str, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def test_the_readme_steps_work_verbatim(tmp_path: Path) -> None:
    steps = readme_steps()
    assert "..." in steps and README_URL in steps
    repo = _repository_copy(tmp_path / "clone")
    project = repo / "examples" / "pulumi-project"
    env = _env(tmp_path)

    with PlatformServer(tmp_path / "platform", org="metro-health") as platform:
        script = steps.replace("VCORG_TOKEN=...", f"VCORG_TOKEN={platform.token}").replace(
            README_URL, platform.url
        )
        run = _bash(script, cwd=repo, env=env)
        output = run.stdout + run.stderr
        assert run.returncode == 0, f"the README steps failed:\n{output[-8000:]}"
        assert platform.token not in output

        dump = platform.dump()
        names = sorted(unit["name"] for unit in dump["units"])
        assert names == ["Cancer Care", "Dentistry", "Emergency", "Internal Medicine"]

        # The steps made the virtualenv and the state where the README says, and the
        # program ran in that virtualenv without it being activated.
        assert (project / "venv" / "bin" / "python").exists()
        assert any((project / ".state").rglob("dev.json")), "no stack in .state"
        assert not (project / "Pulumi.dev.yaml").read_text().count(platform.token)

        # Going on from where the README stops, in the same shell state.
        again = _bash(
            steps.splitlines()[0]  # cd examples/pulumi-project
            + "\nexport PULUMI_CONFIG_PASSPHRASE=choose-a-passphrase"
            + f"\nexport VCORG_TOKEN={platform.token}"
            + "\npulumi stack output waitingAreaLinks --json | grep -q /wait/"
            + "\npulumi preview --expect-no-changes"
            + "\npulumi destroy --yes",
            cwd=repo,
            env=env,
        )
        assert again.returncode == 0, (again.stdout + again.stderr)[-8000:]
        assert platform.dump()["units"] == []
        for path in (project / ".state").rglob("*.json"):
            assert platform.token not in path.read_text()


def test_a_missing_virtualenv_is_a_clear_error(tmp_path: Path) -> None:
    """Pulumi.yaml says `virtualenv: venv`; without it the host says how to make it."""
    repo = _repository_copy(tmp_path / "clone")
    env = _env(tmp_path)
    env["PULUMI_CONFIG_PASSPHRASE"] = "x"
    env["PULUMI_BACKEND_URL"] = (tmp_path / "state").as_uri()
    (tmp_path / "state").mkdir()
    run = _bash(
        "cd examples/pulumi-project && pulumi stack init dev && pulumi preview",
        cwd=repo,
        env=env,
    )
    assert run.returncode != 0
    assert "venv/bin/python is missing" in run.stdout + run.stderr, run.stdout + run.stderr
    assert "python3 -m venv venv" in run.stdout + run.stderr


def test_the_example_keeps_its_venv_and_state_out_of_git() -> None:
    for made in ("venv/", ".state/", "venv/bin/python", ".state/.pulumi/stacks/x.json"):
        path = f"{PROJECT.relative_to(ROOT)}/{made}"
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, capture_output=True)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


def test_the_private_engine_is_the_one_on_path(tmp_path: Path) -> None:
    path = _env(tmp_path)["PATH"]
    assert shutil.which("pulumi", path=path) == str(tmp_path / "pulumi-bin" / "pulumi")
    host = Path(shutil.which(SHIM_NAME, path=path) or "")
    assert host.read_text() == shim_script()
