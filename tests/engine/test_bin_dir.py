"""`pulumi_bin_dir()` gives a working engine of the pinned version, with or without PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vcorg.engine import PulumiNotAvailable, pulumi_bin_dir
from vcorg.engine.pulumi_cli import EXEC_SHIM, LAUNCHER, _version_tuple, build_pinned
from vcorg.engine.versions import PULUMI_CLI_VERSION

ROOT = Path(__file__).resolve().parents[2]


def _path_without_pulumi() -> str:
    """PATH with every directory that holds a `pulumi` removed (keeps go, sh, python)."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(d for d in dirs if d and not (Path(d) / "pulumi").exists())


def _version_of(pulumi: Path) -> str:
    out = subprocess.run(
        [str(pulumi), "version"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        check=True,
    )
    return out.stdout.strip()


def _fake_pulumi(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi"
    script.write_text(f"#!/bin/sh\necho v{version}\n")
    script.chmod(0o755)
    return script


def _assert_working_engine(bin_dir: Path, tmp_path: Path) -> None:
    pulumi = bin_dir / "pulumi"
    assert _version_tuple(_version_of(pulumi)) == _version_tuple(PULUMI_CLI_VERSION)
    for helper in (LAUNCHER, EXEC_SHIM):
        assert os.access(bin_dir / helper, os.X_OK), f"{helper} missing beside pulumi"
    # It can log into a file backend and create a stack: a real command, not just --version.
    backend = tmp_path / "state"
    backend.mkdir()
    env = {
        **os.environ,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_CONFIG_PASSPHRASE": "",
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_HOME": str(tmp_path / "home"),
    }
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: pintest\nruntime: python\n")
    subprocess.run(
        [str(pulumi), "stack", "init", "dev", "--non-interactive"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    listed = subprocess.run(
        [str(pulumi), "stack", "ls", "--non-interactive"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "dev" in listed.stdout


def test_without_pulumi_on_path_the_pinned_build_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", _path_without_pulumi())
    assert shutil.which("pulumi") is None
    bin_dir = pulumi_bin_dir()
    _assert_working_engine(bin_dir, tmp_path)


def test_ensure_pulumi_script_prints_a_working_engine(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": _path_without_pulumi()}
    out = subprocess.run(
        [str(ROOT / "scripts" / "ensure-pulumi")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    _assert_working_engine(Path(out.stdout.strip().splitlines()[-1]), tmp_path)


def test_a_usable_pulumi_on_path_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = _fake_pulumi(tmp_path / "onpath", "3.999.0")
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{_path_without_pulumi()}")
    assert pulumi_bin_dir() == fake.parent.resolve()


def test_a_too_old_pulumi_on_path_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = _fake_pulumi(tmp_path / "onpath", "3.100.0")
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{_path_without_pulumi()}")
    bin_dir = pulumi_bin_dir()
    assert bin_dir != fake.parent.resolve()
    _assert_working_engine(bin_dir, tmp_path)


def test_no_engine_and_no_build_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", _path_without_pulumi())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(PulumiNotAvailable) as caught:
        pulumi_bin_dir(build=False)
    message = str(caught.value)
    assert PULUMI_CLI_VERSION in message
    assert "ensure-pulumi" in message


def test_no_go_and_no_pulumi_fails_with_an_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only python's own directory on PATH: neither pulumi nor go can be found.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(PulumiNotAvailable) as caught:
        build_pinned(log=lambda _msg: None)
    assert "install Pulumi" in str(caught.value)


@pytest.mark.slow
def test_build_from_the_go_module_proxy_into_an_empty_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Go keeps its module and build caches under XDG_CACHE_HOME/HOME by default; pin them
    # to the machine's, so this exercises vcorg's build recipe (module resolution, replace
    # directives, ldflags, launchers, stand-in host) without recompiling the world (~8 min).
    go = shutil.which("go")
    assert go is not None, "Go is needed to build the pinned engine"
    for var in ("GOCACHE", "GOMODCACHE"):
        value = subprocess.run([go, "env", var], capture_output=True, text=True, check=True)
        monkeypatch.setenv(var, value.stdout.strip())
    monkeypatch.setenv("PATH", _path_without_pulumi())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bin_dir = pulumi_bin_dir(log=lambda _msg: None)
    assert bin_dir.is_relative_to(tmp_path / "cache")
    _assert_working_engine(bin_dir, tmp_path)


def test_pulumi_version_runs_once_per_binary_not_once_per_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from vcorg.engine import pulumi_cli
    from vcorg.engine.stack import _CheckedPulumi

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(pulumi_cli, "_VERSIONS_SEEN", {})
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(f'#!/bin/sh\necho "$@" >> {calls}\necho v3.999.1\n')
    script.chmod(0o755)
    first = _CheckedPulumi(bin_dir)
    # A new process: only the cache file remembers the version.
    monkeypatch.setattr(pulumi_cli, "_VERSIONS_SEEN", {})
    second = _CheckedPulumi(bin_dir)
    assert calls.read_text().splitlines() == ["version"]
    assert str(first.version) == str(second.version) == "3.999.1"
    assert second.command == str(script)
