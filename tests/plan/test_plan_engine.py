"""What `steps_from_engine_events` gets from the real Pulumi engine (Automation API).

A network-free dynamic provider stands in for the platform: the point is the shape of
the engine's events (ops, `__provider`, secrets, unknowns, replacements), not the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pulumi
import pytest
from pulumi.automation import events as pe

from tests.plan.plan_engine_provider import WaitingArea
from vcorg.engine.stack import StackTarget, open_stack
from vcorg.plan import SECRET, UNKNOWN, Op, build_plan, steps_from_engine_events

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _area(key: str, unit_key: str, name: str, **extra: object) -> dict[str, object]:
    return {"key": key, "unitKey": unit_key, "name": name, "description": "", **extra}


def _program(version: int) -> Callable[[], None]:
    def program() -> None:
        org = pulumi.ComponentResource("vcorg:index:Organisation", "org")
        opts = pulumi.ResourceOptions(parent=org)
        secret = pulumi.Output.secret("front desk code 1234")
        WaitingArea("kept", _area("kept", "a", "Kept"), opts)
        WaitingArea("secretive", _area("secretive", "a", "S", informationForCallers=secret), opts)
        if version == 1:
            WaitingArea("renamed", _area("renamed", "a", "Cardiology"), opts)
            WaitingArea("moved", _area("moved", "a", "Moved"), opts)
            WaitingArea("gone", _area("gone", "a", "Gone"), opts)
        else:
            WaitingArea("renamed", _area("renamed", "a", "Cardiac Services"), opts)
            WaitingArea("moved", _area("moved", "b", "Moved"), opts)
            fresh = WaitingArea("fresh", _area("fresh", "b", "Fresh"), opts)
            WaitingArea("follower", _area("follower", "b", "F", description=fresh.link), opts)

    return program


def test_preview_events_become_the_expected_steps(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    target = StackTarget(
        stack_name="plan-events",
        backend_url=state.as_uri(),
        program=_program(1),
        extra_env={"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    stack = open_stack(target)
    stack.up(color="never")
    stack.workspace.program = _program(2)
    events: list[pe.EngineEvent] = []
    stack.preview(on_event=events.append, color="never")

    steps = {s.name: s for s in steps_from_engine_events(events)}
    assert {n: s.op for n, s in steps.items()} == {
        "kept": Op.SAME,
        "secretive": Op.SAME,
        "renamed": Op.UPDATE,
        "moved": Op.REPLACE,
        "gone": Op.DELETE,
        "fresh": Op.CREATE,
        "follower": Op.CREATE,
    }
    assert {s.type_name for s in steps.values()} == {"WaitingArea"}

    plan = build_plan(steps.values())
    changes = {r.key: r for g in plan.units for r in g.resources}
    assert [(p.path, p.old, p.new) for p in changes["renamed"].properties] == [
        ("name", "Cardiology", "Cardiac Services")
    ]
    follower = {p.path: p.new for p in changes["follower"].properties}
    assert follower["description"] == UNKNOWN
    assert changes["moved"].move is not None
    assert plan.summary.replaces == 1 and plan.summary.unchanged == 2

    # The engine blinds secrets in events; the plan shows "(secret)" and never the value.
    secretive = steps["secretive"].new_inputs or {}
    assert "front desk" not in repr(secretive)
    rendered = plan.to_text() + plan.to_markdown() + plan.to_json()
    assert "front desk" not in rendered and "__provider" not in rendered
    # Shown as a create, the blinded secret input reads "(secret)".
    created = build_plan([replace(steps["secretive"], op=Op.CREATE, old_inputs=None)])
    [change] = created.units[0].resources
    assert {p.path: p.new for p in change.properties}["informationForCallers"] == SECRET
    assert "(secret)" in created.to_text()
