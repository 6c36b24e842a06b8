"""Saved-plan files and engine-message cleaning, without the engine (fast unit tests)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.cli.conftest import unit, write_config
from vcorg.cli.arguments import fraction
from vcorg.config import load_config
from vcorg.engine.progress import count_changes, summary_line
from vcorg.engine.run import EngineFailure, _unique, clean_diagnostic
from vcorg.engine.saved_plan import (
    SavedPlan,
    SavedPlanError,
    SavedPlanOutdated,
    config_digest,
    describe_moves,
)
from vcorg.plan import ResourceStep

URN = "urn:pulumi:metro-health::vcorg::vcorg:index:Organisation$pulumi-python:dynamic/vcorg:"


def _saved(**overrides: object) -> SavedPlan:
    fields: dict[str, object] = {
        "organisation": "metro-health",
        "stack": "metro-health",
        "api_url": "http://127.0.0.1:8080",
        "refresh": False,
        "config_digest": "sha256:abc",
        "platform": {"units/unit_1": "v1", "grants/grant_1": "v2:pending"},
        "steps": [
            ResourceStep(
                urn=URN + "WaitingArea::intake",
                type_name="WaitingArea",
                name="intake",
                op="create",
                new_inputs={"name": "Intake"},
            )
        ],
        "pulumi_plan": {"resourcePlans": {}},
    }
    fields.update(overrides)
    return SavedPlan(**fields)  # type: ignore[arg-type]


def test_saved_plan_round_trip(tmp_path: Path) -> None:
    saved = _saved()
    saved.write(tmp_path / "p.json")
    again = SavedPlan.read(tmp_path / "p.json")
    assert again == saved
    assert again.steps[0].op == "create"
    doc = json.loads((tmp_path / "p.json").read_text())
    assert doc["platformDigest"] == saved.platform_digest


def test_check_current_accepts_an_unmoved_world() -> None:
    saved = _saved()
    saved.check_current(config_digest="sha256:abc", platform=dict(saved.platform))


def test_check_current_refuses_a_moved_config() -> None:
    with pytest.raises(SavedPlanOutdated, match="configuration changed"):
        _saved().check_current(config_digest="sha256:def", platform=_saved().platform)


def test_check_current_refuses_a_moved_platform_and_says_what_moved() -> None:
    now = {"units/unit_1": "v2", "grants/grant_1": "v2:pending", "units/unit_9": "v1"}
    with pytest.raises(SavedPlanOutdated) as moved:
        _saved().check_current(config_digest="sha256:abc", platform=now)
    assert "1 object changed, 1 object added" in str(moved.value)
    assert "units/unit_1" in str(moved.value)


def test_describe_moves_counts_removals() -> None:
    assert describe_moves({"a": "v1", "b": "v1"}, {"a": "v1"}) == "1 object removed (e.g. b)"
    assert describe_moves({"a": "v1"}, {"a": "v1"}) == ""


def test_check_target_names_the_mismatch() -> None:
    with pytest.raises(SavedPlanError, match="made for stack 'metro-health', not 'dev'"):
        _saved().check_target(
            organisation="metro-health", stack="dev", api_url="http://127.0.0.1:8080"
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "cannot be read"),
        ('{"kind": "something-else"}', "is not a plan saved by"),
        ('{"kind": "vcorg-saved-plan", "formatVersion": 99}', "plan format 99"),
        ('{"kind": "vcorg-saved-plan", "formatVersion": 1}', "incomplete or damaged"),
    ],
)
def test_unusable_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(SavedPlanError, match=message):
        SavedPlan.read(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SavedPlanError, match="does not exist"):
        SavedPlan.read(tmp_path / "nope.json")


def test_config_digest_ignores_layout_but_not_meaning(tmp_path: Path) -> None:
    a = write_config(tmp_path / "a" / "org.yaml", {"housing": unit("Housing", ["a@x.example"])})
    b = tmp_path / "b" / "org.yaml"
    b.parent.mkdir()
    b.write_text("# a comment\n" + a.read_text().replace("\n", "\n\n"))
    c = write_config(tmp_path / "c" / "org.yaml", {"housing": unit("Homes", ["a@x.example"])})
    digests = [config_digest(load_config([p])) for p in (a, b, c)]
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_clean_diagnostic_strips_wrappers_and_tracebacks() -> None:
    assert clean_diagnostic("error: Exception calling application: boom") == "boom"
    trace = (
        "Traceback (most recent call last):\n  File 'x.py', line 1\n"
        "vcorg.resources.errors.ResourceError: the platform refused it"
    )
    assert clean_diagnostic(trace) == "the platform refused it"


def test_clean_diagnostic_keeps_every_line_of_the_final_exception() -> None:
    # What the platform said comes first and what to do after it: both must survive.
    trace = (
        "Traceback (most recent call last):\n  File 'x.py', line 1\n"
        "ValueError: an earlier one\n\nDuring handling of the above exception, another "
        "exception occurred:\n\nTraceback (most recent call last):\n  File 'y.py', line 2\n"
        "vcorg.resources.errors.ResourceError: the platform answered 409 (taken).\n"
        "Rename it in the config."
    )
    assert clean_diagnostic(trace) == "the platform answered 409 (taken). Rename it in the config."


def test_consequential_plan_failures_are_dropped() -> None:
    cause = EngineFailure("name already exists", URN + "OrganisationalUnit::housing")
    knock_on = EngineFailure(
        f"expected resource operations for {URN}WaitingArea::intake but none were seen",
        URN + "WaitingArea::intake",
    )
    generic = EngineFailure("update failed")
    assert _unique([cause, knock_on, generic]) == [cause]
    assert cause.resource_title == "unit housing"


def test_fraction_accepts_zero_to_one() -> None:
    assert fraction("0.5") == 0.5
    for bad in ("1.5", "-0.1", "half"):
        with pytest.raises(argparse.ArgumentTypeError):
            fraction(bad)


def test_counts_and_summary_skip_components_and_unchanged() -> None:
    steps = [
        ResourceStep(urn=URN + "WaitingArea::a", type_name="WaitingArea", name="a", op="create"),
        ResourceStep(urn=URN + "WaitingArea::b", type_name="WaitingArea", name="b", op="delete"),
        ResourceStep(urn=URN + "MeetingRoom::c", type_name="MeetingRoom", name="c", op="same"),
        ResourceStep(
            urn="urn:pulumi:s::vcorg::vcorg:index:Organisation::o",
            type_name="vcorg:index:Organisation",
            name="o",
            op="create",
        ),
    ]
    assert count_changes(steps) == 2
    assert summary_line(steps, 1.25) == "Applied 2 changes in 1.2 s: 1 created, 1 deleted."
    assert summary_line(steps[2:3], 0.5) == "Nothing to change (0.5 s)."
