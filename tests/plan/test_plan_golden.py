"""Golden files for the three renderings of a rich change set.

Regenerate after an intended change with:
    VCORG_UPDATE_GOLDEN=1 .venv/bin/pytest tests/plan/test_plan_golden.py
and review the diff of tests/plan/golden/ before committing.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from tests.plan.plan_scenario import (
    CONSOLE_OWNED,
    TOKEN_EMAIL,
    drift_change_set,
    rich_change_set,
)
from vcorg.plan import Plan, build_plan

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parents[2] / "schemas" / "plan.schema.json"
UPDATE = os.environ.get("VCORG_UPDATE_GOLDEN") == "1"


def _plan() -> Plan:
    return build_plan(rich_change_set(), token_email=TOKEN_EMAIL)


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with VCORG_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("rich_change_set.txt", Plan.to_text),
        ("rich_change_set.md", Plan.to_markdown),
        ("rich_change_set.json", Plan.to_json),
    ],
)
def test_rich_change_set_matches_golden(name: str, render: object) -> None:
    _check(name, render(_plan()))  # type: ignore[operator]


def _drift_plan() -> Plan:
    return build_plan(drift_change_set(), token_email=TOKEN_EMAIL, console_owned=CONSOLE_OWNED)


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("drift_change_set.txt", Plan.to_text),
        ("drift_change_set.md", Plan.to_markdown),
        ("drift_change_set.json", Plan.to_json),
    ],
)
def test_refreshed_plan_with_drift_matches_golden(name: str, render: object) -> None:
    _check(name, render(_drift_plan()))  # type: ignore[operator]


def test_no_change_plan_is_one_line_in_text_and_markdown() -> None:
    plan = build_plan([])
    assert plan.to_text() == "No changes. The platform matches the configuration.\n"
    assert plan.to_markdown() == plan.to_text()
    _check("no_changes.json", plan.to_json())


def test_json_rendering_validates_against_committed_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for plan in (_plan(), _drift_plan(), build_plan([])):
        jsonschema.Draft202012Validator(schema).validate(json.loads(plan.to_json()))


def test_rich_console_output_has_the_same_lines_as_plain_text() -> None:
    console = Console(record=True, width=400, force_terminal=True, color_system="truecolor")
    plan = _plan()
    console.print(plan)
    exported = [line.rstrip() for line in console.export_text().splitlines()]
    assert exported == plan.to_text().splitlines()


def test_rich_console_styles_the_plan_on_a_terminal() -> None:
    out = io.StringIO()
    Console(file=out, width=200, force_terminal=True, color_system="standard").print(_plan())
    assert "\x1b[31m" in out.getvalue()  # red: deletions and risk flags
    assert "\x1b[" not in _plan().to_text()
