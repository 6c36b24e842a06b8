"""`vcorg validate` and `--help` start without importing Pulumi.

Importing `pulumi.automation` costs a noticeable part of a second; only plan, apply and
destroy need the engine, so the CLI imports a subcommand's module only when it runs.
Each case runs in a fresh interpreter: the test process itself has long imported Pulumi.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOSPITAL = REPO / "examples" / "hospital"

_PROBE = """
import json, sys
from vcorg.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pulumi", "grpc", "httpx"))
print("\\n" + json.dumps({"code": code, "heavy": heavy}))
"""


def _run(*argv: str) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "provider"), env.get("PYTHONPATH")) if p
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", str(HOSPITAL)),
        ("--help",),
        ("validate", "--help"),
        ("plan", "--help"),
        ("apply", "--help"),
        ("destroy", "--help"),
        ("export", "--help"),
    ],
)
def test_validate_and_help_do_not_import_the_engine(argv: tuple[str, ...]) -> None:
    result = _run(*argv)
    assert result["code"] == 0
    assert result["heavy"] == []


def test_the_listing_names_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vcorg", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "provider")},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    from vcorg.cli import COMMANDS

    for name, summary in COMMANDS.items():
        assert name in done.stdout and summary in done.stdout


@pytest.mark.parametrize(
    "name", ["validate", "plan", "apply", "destroy", "drift", "report", "export"]
)
def test_the_listing_says_what_each_module_says(name: str) -> None:
    """The summaries `vcorg --help` shows without importing match the modules' own."""
    from vcorg.cli import COMMANDS, build_parser

    parser = build_parser([name])
    [subparsers] = [a for a in parser._actions if a.dest == "command"]
    helps = {a.dest: a.help for a in subparsers._choices_actions}
    assert helps[name] == COMMANDS[name]
