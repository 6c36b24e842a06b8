"""`steps_from_engine_events` on real `pulumi.automation.events` objects."""

from __future__ import annotations

from typing import Any

from pulumi.automation import events as pe

from tests.plan.plan_scenario import PROVIDER, meeting_room, unit, urn, waiting_area
from vcorg.plan import SECRET, UNKNOWN, Op, ResourceStep, build_plan, steps_from_engine_events

STACK = "urn:pulumi:prod::vcorg::pulumi:pulumi:Stack::vcorg-prod"
ORG_COMPONENT = "urn:pulumi:prod::vcorg::vcorg:index:Organisation::st-elsewhere"
TOKEN = "pulumi-python:dynamic/vcorg:"
_seq = iter(range(1, 10_000))


def _state(
    type_: str,
    u: str,
    inputs: dict | None,
    outputs: dict | None = None,
    *,
    custom: bool = True,
    delete: bool = False,
) -> dict[str, Any]:
    return {
        "type": type_,
        "urn": u,
        "id": "",
        "parent": ORG_COMPONENT,
        "provider": "",
        "custom": custom,
        "delete": delete,
        "inputs": inputs,
        "outputs": outputs or {},
    }


def pre(
    op: str,
    type_name: str,
    name: str,
    old: dict | None,
    new: dict | None,
    *,
    old_out: dict | None = None,
    new_out: dict | None = None,
) -> pe.EngineEvent:
    """An EngineEvent as the Automation API parses it from the engine's JSON stream."""
    u = urn(type_name, name)
    md: dict[str, Any] = {"op": op, "urn": u, "type": TOKEN + type_name, "provider": ""}
    if old is not None:
        md["old"] = _state(TOKEN + type_name, u, old, old_out, delete=op == "delete-replaced")
    if new is not None:
        md["new"] = _state(TOKEN + type_name, u, new, new_out)
    return pe.EngineEvent.from_json(
        {"sequence": next(_seq), "timestamp": 0, "resourcePreEvent": {"metadata": md}}
    )


def test_ops_are_normalised_and_stack_component_and_providers_dropped() -> None:
    stack = pe.EngineEvent(
        0,
        0,
        resource_pre_event=pe.ResourcePreEvent(
            pe.StepEventMetadata(
                op=pe.OpType.SAME,
                urn=STACK,
                type="pulumi:pulumi:Stack",
                provider="",
                new=pe.StepEventStateMetadata(
                    "pulumi:pulumi:Stack", STACK, "", "", "", custom=False
                ),
            )
        ),
    )
    component = pe.EngineEvent(
        0,
        0,
        resource_pre_event=pe.ResourcePreEvent(
            pe.StepEventMetadata(
                op=pe.OpType.CREATE,
                urn=ORG_COMPONENT,
                type="vcorg:index:Organisation",
                provider="",
                # The engine omits `custom` for components.
                new=pe.StepEventStateMetadata(
                    "vcorg:index:Organisation", ORG_COMPONENT, "", "", "", inputs={}
                ),
            )
        ),
    )
    provider_urn = "urn:pulumi:prod::vcorg::pulumi:providers:pulumi-python::default"
    provider = pe.EngineEvent(
        0,
        0,
        resource_pre_event=pe.ResourcePreEvent(
            pe.StepEventMetadata(
                op=pe.OpType.SAME,
                urn=provider_urn,
                type="pulumi:providers:pulumi-python",
                provider="",
            )
        ),
    )
    note = pe.DiagnosticEvent(message="hello", color="never", severity="info")
    diag = pe.EngineEvent(0, 0, diagnostic_event=note)
    events = [
        stack,
        component,
        provider,
        diag,
        pre("create", "OrganisationalUnit", "dentistry", None, unit("dentistry", "Dentistry")),
        pre(
            "same",
            "OrganisationalUnit",
            "emergency",
            unit("emergency", "E"),
            unit("emergency", "E"),
        ),
        pre(
            "update",
            "OrganisationalUnit",
            "cardiology",
            unit("cardiology", "Cardiology"),
            unit("cardiology", "Cardiac Services"),
        ),
        pre("delete", "MeetingRoom", "case-review", meeting_room("case-review", "c", "CR"), None),
        pre("read", "OrganisationalUnit", "x", unit("x", "X"), unit("x", "X")),
        pre("discard", "OrganisationalUnit", "y", unit("y", "Y"), None),
    ]
    steps = steps_from_engine_events(events)
    assert [(s.type_name, s.name, s.op) for s in steps] == [
        ("MeetingRoom", "case-review", Op.DELETE),
        ("OrganisationalUnit", "cardiology", Op.UPDATE),
        ("OrganisationalUnit", "dentistry", Op.CREATE),
        ("OrganisationalUnit", "emergency", Op.SAME),
        ("OrganisationalUnit", "x", Op.READ),
    ]
    delete = steps[0]
    assert delete.new_inputs is None and delete.old_inputs is not None
    assert steps[2].old_inputs is None


def test_a_replacements_three_events_collapse_into_one_replace() -> None:
    old = waiting_area("w", "u", "W")
    new = waiting_area("w", "u", "W", type="consult-now")
    events = [
        pre("create-replacement", "WaitingArea", "w", old, new),
        pre("replace", "WaitingArea", "w", old, new),
        pre("delete-replaced", "WaitingArea", "w", old, None),
    ]
    steps = steps_from_engine_events(events)
    assert len(steps) == 1
    s = steps[0]
    assert s.op is Op.REPLACE
    assert s.old_inputs is not None and s.old_inputs["type"] == "regular"
    assert s.new_inputs is not None and s.new_inputs["type"] == "consult-now"
    plan = build_plan(steps)
    assert plan.summary.replaces == 1 and plan.summary.deletes == 0
    assert [f.id.value for f in plan.risk_flags] == ["service-user-link-change"]


def test_delete_before_replace_order_also_collapses() -> None:
    old = meeting_room("r", "u", "R")
    events = [
        pre("delete-replaced", "MeetingRoom", "r", old, None),
        pre("replace", "MeetingRoom", "r", old, {**old, "unitKey": "v"}),
        pre("create-replacement", "MeetingRoom", "r", old, {**old, "unitKey": "v"}),
    ]
    [s] = steps_from_engine_events(events)
    assert s.op is Op.REPLACE and s.new_inputs is not None and s.new_inputs["unitKey"] == "v"


def test_secrets_unknowns_and_provider_survive_conversion_as_markers() -> None:
    new = {
        **waiting_area("w", "u", "W"),
        "informationForCallers": PROVIDER,
        "unitId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    }
    [s] = steps_from_engine_events([pre("create", "WaitingArea", "w", None, new)])
    plan = build_plan([s])
    [change] = plan.units[0].resources
    props = {p.path: p.new for p in change.properties}
    assert props["informationForCallers"] is not None
    assert props["informationForCallers"] == SECRET
    assert "__provider" not in props and "unitId" not in props
    # The raw step keeps what the engine sent; cleaning happens in the planner.
    assert isinstance(s, ResourceStep) and s.new_inputs is not None
    assert "(secret)" in plan.to_text()


def test_unknown_marker_renders_as_known_after_apply() -> None:
    old = unit("u", "U")
    new = {**unit("u", "U"), "description": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
    plan = build_plan(
        steps_from_engine_events([pre("update", "OrganisationalUnit", "u", old, new)])
    )
    assert plan.units[0].resources[0].properties[0].new == UNKNOWN
    assert 'description: "" → (known after apply)' in plan.to_text()


def test_refresh_with_changed_outputs_is_drift_and_without_is_same() -> None:
    props = unit("u", "U")
    events = [
        pre(
            "refresh",
            "OrganisationalUnit",
            "u",
            props,
            props,
            old_out={"name": "U"},
            new_out={"name": "U2"},
        ),
        pre(
            "refresh",
            "OrganisationalUnit",
            "v",
            props,
            props,
            old_out={"name": "U"},
            new_out={"name": "U"},
        ),
    ]
    ops = {s.name: s.op for s in steps_from_engine_events(events)}
    assert ops == {"u": Op.REFRESH_DRIFT, "v": Op.SAME}


def test_outputs_event_supplies_new_outputs() -> None:
    u = urn("MeetingRoom", "r")
    props = meeting_room("r", "u", "R")
    done = pe.EngineEvent.from_json(
        {
            "sequence": 99,
            "timestamp": 0,
            "resOutputsEvent": {
                "metadata": {
                    "op": "create",
                    "urn": u,
                    "type": TOKEN + "MeetingRoom",
                    "provider": "",
                    "new": _state(
                        TOKEN + "MeetingRoom",
                        u,
                        props,
                        {"id": "room_1", "link": "https://vc.example/room/x"},
                    ),
                }
            },
        }
    )
    [s] = steps_from_engine_events([pre("create", "MeetingRoom", "r", None, props), done])
    assert s.new_outputs == {"id": "room_1", "link": "https://vc.example/room/x"}
