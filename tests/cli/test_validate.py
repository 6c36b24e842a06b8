"""`vcorg validate`: exit codes, the three output formats, and no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vcorg.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
LINE = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): [^\n]*$")

BAD = """\
apiVersion: vcorg/v1
organisation: metro-health
units:
  im:
    name: Internal Medicine
    meetingRooms:
      tumour-board: {name: Tumour Board, maxParticipants: 8}
"""


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_valid_examples_exit_0(capsys):
    assert (
        main(["validate", str(EXAMPLES / "hospital"), str(EXAMPLES / "hospital" / "org.yaml")]) == 0
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "valid" in captured.err and "4 units" in captured.err


def test_errors_exit_1_with_one_line_each(bad, capsys):
    assert main(["validate", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{bad}:4:3: error: units.im.roles.organisationAdministrators: unit 'im' has no "
        "organisation administrator; list at least one under roles.organisationAdministrators "
        "so the unit is never locked out",
        f"{bad}:7:59: error: units.im.meetingRooms.tumour-board.maxParticipants: "
        "8 is greater than the maximum of 6",
    ]
    assert all(LINE.match(line) for line in lines)


def test_json_format(bad, capsys):
    assert main(["validate", "--format", "json", str(bad)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["valid"] is False and document["errorCount"] == 2
    assert document["problems"][1] == {
        "id": "too-large",
        "file": str(bad),
        "line": 7,
        "column": 59,
        "path": "units.im.meetingRooms.tumour-board.maxParticipants",
        "message": "8 is greater than the maximum of 6",
        "severity": "error",
    }


def test_json_format_when_valid(capsys):
    assert main(["validate", "--format", "json", str(EXAMPLES / "social-services")]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "valid": True,
        "errorCount": 0,
        "warningCount": 0,
        "problems": [],
    }


def test_github_format(bad, capsys):
    assert main(["validate", "--format=github", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        f"::error file={bad},line=7,col=59,title=vcorg too-large::"
        "units.im.meetingRooms.tumour-board.maxParticipants: 8 is greater than the maximum of 6"
    )


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["validate", "--format", "xml", "x"], ["frobnicate"], ["--bogus"]],
)
def test_usage_errors_exit_64(argv, capsys):
    assert main(argv) == 64
    assert "vcorg: error:" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert main(["validate", "--help"]) == 0
    assert "--format" in capsys.readouterr().out


def test_unexpected_exception_is_one_line_without_traceback(bad, capsys, monkeypatch):
    import vcorg.config.load

    def explode(paths):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(vcorg.config.load, "check_config", explode)
    monkeypatch.delenv("VCORG_DEBUG", raising=False)
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "vcorg: error: unexpected RuntimeError: disk on fire (set VCORG_DEBUG=1 for details)\n"
    )
    monkeypatch.setenv("VCORG_DEBUG", "1")
    assert main(["validate", str(bad)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_installed_entry_points(bad):
    for argv in (["-m", "vcorg"], ["-m", "vcorg.cli"]):
        done = subprocess.run(
            [sys.executable, *argv, "validate", str(bad)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert len(done.stdout.splitlines()) == 2


def test_a_broken_subcommand_module_is_one_line_not_a_traceback(capsys, monkeypatch):
    import vcorg.cli

    commands = {**vcorg.cli.COMMANDS, "no_such_command_module": "broken"}
    monkeypatch.setattr(vcorg.cli, "COMMANDS", commands)
    monkeypatch.delenv("VCORG_DEBUG", raising=False)
    # Only the command being run is imported, so the others still work.
    assert main(["validate", str(EXAMPLES / "hospital")]) == 0
    capsys.readouterr()
    assert main(["no_such_command_module", "x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("vcorg: error: unexpected ModuleNotFoundError")
    assert "Traceback" not in err
