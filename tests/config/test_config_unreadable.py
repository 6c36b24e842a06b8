"""A directory config never drops a YAML entry it cannot read (issue 12, item 5).

Each case used to give exit 0, and the unit in the unreadable file was then planned for
deletion. Now the whole configuration fails, naming the path and the reason.

The permission cases need a process that file permissions actually stop. Tests run as
root here, and root reads a chmod-000 file anyway (CAP_DAC_OVERRIDE), so `vcorg validate`
is run under ``setpriv`` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH removed from its
bounding set: still uid 0, but bound by the mode bits like any user. As a normal user
the command runs as it is. `test_the_permission_check_is_real` proves the setup bites.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vcorg.config import check_config

REPO = Path(__file__).resolve().parents[2]
HEAD = "apiVersion: vcorg/v1\norganisation: metro-health\n"


def unit_file(key: str) -> str:
    return (
        HEAD + f"units:\n  {key}:\n    name: Unit {key}\n"
        "    roles: {organisationAdministrators: [a@m.example]}\n"
    )


@pytest.fixture
def config_dir(tmp_path: Path) -> Iterator[Path]:
    """A valid two-unit directory config; modes are restored so tmp_path can be removed."""
    root = tmp_path / "org"
    (root / "units").mkdir(parents=True)
    (root / "org.yaml").write_text(HEAD + "defaults: {timezone: UTC}\n", encoding="utf-8")
    (root / "units" / "aa.yaml").write_text(unit_file("aa"), encoding="utf-8")
    (root / "units" / "bb.yaml").write_text(unit_file("bb"), encoding="utf-8")
    assert check_config([root]).ok
    yield root
    for path in (root, *root.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o755)


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` in a process that the mode bits bind, even when the test runs as root."""
    if os.geteuid() != 0:
        return argv
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", "--", *argv]


def validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "provider"))
    return subprocess.run(
        unprivileged([sys.executable, "-m", "vcorg", "validate", *map(str, paths)]),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO,
    )


def ids_and_reasons(root: Path) -> set[tuple[str, str, str]]:
    return {
        (p.id, str(Path(p.file).relative_to(root.parent)), p.message)
        for p in check_config([root]).problems
    }


def test_dangling_symlink_fails_with_its_target(config_dir):
    (config_dir / "units" / "cc.yaml").symlink_to("gone.yaml")
    assert ids_and_reasons(config_dir) == {
        (
            "unreadable-file",
            "org/units/cc.yaml",
            "cannot read this file: it is a symbolic link to 'gone.yaml', which does not exist",
        )
    }


def test_symlink_loop_and_self_link_fail(config_dir):
    (config_dir / "units" / "cc.yaml").symlink_to("dd.yaml")
    (config_dir / "units" / "dd.yaml").symlink_to("cc.yaml")
    (config_dir / "units" / "self.yml").symlink_to("self.yml")
    loop = "cannot read this file: it is a loop of symbolic links that never reaches a file"
    assert ids_and_reasons(config_dir) == {
        ("unreadable-file", "org/units/cc.yaml", loop),
        ("unreadable-file", "org/units/dd.yaml", loop),
        ("unreadable-file", "org/units/self.yml", loop),
    }


def test_a_yaml_entry_that_is_not_a_file_fails(config_dir):
    os.mkfifo(config_dir / "units" / "pipe.yaml")
    assert ids_and_reasons(config_dir) == {
        (
            "unreadable-file",
            "org/units/pipe.yaml",
            "cannot read this file: it is not a regular file",
        )
    }


def test_a_symlinked_directory_is_read_not_skipped(config_dir, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "cc.yaml").write_text(unit_file("cc"), encoding="utf-8")
    (config_dir / "shared").symlink_to(shared)
    (config_dir / "units" / "again").symlink_to(config_dir / "units")  # a cycle
    result = check_config([config_dir])
    assert result.ok, result.problems
    assert result.config is not None and sorted(result.config.units) == ["aa", "bb", "cc"]


def test_a_dangling_symlink_given_as_config_says_so(tmp_path):
    link = tmp_path / "org.yaml"
    link.symlink_to("nowhere.yaml")
    [problem] = check_config([link]).problems
    assert (problem.id, problem.message) == (
        "unreadable-file",
        "cannot read this file: it is a symbolic link to 'nowhere.yaml', which does not exist",
    )


def test_the_permission_check_is_real(config_dir):
    """Without the dropped capabilities, root would read these files and pass."""
    (config_dir / "units" / "bb.yaml").chmod(0)
    result = validate(config_dir)
    assert result.returncode == 1, result
    # The unprivileged process really was refused: the same read as a plain open().
    probe = subprocess.run(
        unprivileged([sys.executable, "-c", f"open({str(config_dir / 'units/bb.yaml')!r})"]),
        capture_output=True,
        text=True,
    )
    assert "PermissionError" in probe.stderr


def test_chmod_000_file_fails_with_permission_denied(config_dir):
    (config_dir / "units" / "bb.yaml").chmod(0)
    result = validate(config_dir)
    assert result.returncode == 1, result
    assert result.stdout.splitlines() == [
        f"{config_dir}/units/bb.yaml:1:1: error: cannot read this file: permission denied"
    ]


def test_chmod_000_subdirectory_fails_with_permission_denied(config_dir):
    (config_dir / "units").chmod(0)
    result = validate(config_dir)
    assert result.returncode == 1, result
    assert result.stdout.splitlines() == [
        f"{config_dir}/units:1:1: error: cannot list this directory: permission denied"
    ]


def test_chmod_000_config_directory_says_permission_denied(config_dir):
    config_dir.chmod(0)
    result = validate(config_dir)
    assert result.returncode == 1, result
    assert "holds no .yaml" not in result.stdout
    assert result.stdout.splitlines() == [
        f"{config_dir}:1:1: error: cannot list this directory: permission denied"
    ]


def test_unsearchable_directory_fails_per_entry(config_dir):
    """Readable but not searchable (r--): the names are listed, the files cannot be opened."""
    (config_dir / "units").chmod(0o444)
    result = validate(config_dir)
    assert result.returncode == 1, result
    assert sorted(result.stdout.splitlines()) == [
        f"{config_dir}/units/{key}.yaml:1:1: error: cannot read this file: permission denied"
        for key in ("aa", "bb")
    ]


def test_plan_refuses_instead_of_planning_a_deletion(config_dir):
    """The unit in the unreadable file is not planned for deletion: nothing is planned."""
    (config_dir / "units" / "bb.yaml").unlink()
    (config_dir / "units" / "bb.yaml").symlink_to("moved-away.yaml")
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO / "provider"),
        VCORG_API_URL="http://127.0.0.1:9",  # never reached: the config fails first
        VCORG_TOKEN="unused",
    )
    result = subprocess.run(
        [sys.executable, "-m", "vcorg", "plan", str(config_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert f"{config_dir}/units/bb.yaml:1:1: error: cannot read this file" in result.stderr
