"""Where configuration problems go: stdout for `validate`, stderr for everything else.

`vcorg plan --format json > plan.json` must never leave problems in plan.json, so for
plan, apply and destroy the problems are diagnostics (stderr); for `validate` they are
the output itself (stdout). The config is checked before any platform or engine is
touched, so these run in-process without either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import unit, write_config
from vcorg.cli import main


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write_config(tmp_path / "org.yaml", {"housing": unit("Housing", [])})


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--format", "json"),
        ("plan", "--format", "markdown"),
        ("plan",),
        ("apply", "--yes"),
        ("destroy", "--yes"),
    ],
)
def test_problems_go_to_stderr_for_plan_apply_and_destroy(
    bad: Path, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{bad}:" in err
    assert "error: units.housing.roles.organisationAdministrators" in err


def test_validate_prints_problems_on_stdout(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "error: units.housing.roles.organisationAdministrators" in out
    assert "organisationAdministrators" not in err
