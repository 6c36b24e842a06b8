"""The Pulumi CLI pin, the SDK pin in pyproject.toml and the installed SDK agree."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from vcorg.engine.pulumi_cli import _version_tuple
from vcorg.engine.versions import PULUMI_CLI_MINIMUM, PULUMI_CLI_VERSION, PULUMI_SDK_VERSION

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_pulumi_pin() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [d for d in data["project"]["dependencies"] if re.match(r"pulumi\b", d)]
    assert len(pins) == 1, f"expected one pulumi dependency in pyproject.toml, got {pins}"
    match = re.fullmatch(r"pulumi\s*==\s*(\d+\.\d+\.\d+)", pins[0])
    assert match, f"pulumi must be pinned exactly (==X.Y.Z) in pyproject.toml, got {pins[0]!r}"
    return match.group(1)


def test_pyproject_pins_the_sdk_version_the_engine_expects() -> None:
    assert _pyproject_pulumi_pin() == PULUMI_SDK_VERSION


def test_installed_sdk_is_the_pinned_one() -> None:
    assert importlib.metadata.version("pulumi") == PULUMI_SDK_VERSION


def test_cli_pin_is_at_least_the_sdk_and_the_same_major() -> None:
    cli, sdk = _version_tuple(PULUMI_CLI_VERSION), _version_tuple(PULUMI_SDK_VERSION)
    # A newer engine drives an older SDK; the reverse is not guaranteed.
    assert cli >= sdk
    assert cli[0] == sdk[0]
    assert _version_tuple(PULUMI_CLI_MINIMUM) <= cli


def test_pins_are_kept_in_one_place() -> None:
    # The versions must not be repeated (and so drift) in the scripts or the docs' setup.
    for path in (ROOT / "scripts").glob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert PULUMI_CLI_VERSION not in text, f"{path} repeats the CLI pin"
