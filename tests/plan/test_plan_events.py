"""`steps_from_engine_events` on real `pulumi.automation.events` objects."""

from __future__ import annotations

from typing import Any

from pulumi.automation import events as pe

from tests.plan.plan_scenario import (
    PROVIDER,
    meeting_room,
    members_out,
    role_members,
    unit,
    urn,
    waiting_area,
)
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


def _event(
    kind: str,
    op: str,
    type_name: str,
    name: str,
    old: dict | None,
    new: dict | None,
    old_out: dict | None,
    new_out: dict | None,
) -> pe.EngineEvent:
    """An EngineEvent of *kind* as the Automation API parses it from the engine's JSON."""
    u = urn(type_name, name)
    md: dict[str, Any] = {"op": op, "urn": u, "type": TOKEN + type_name, "provider": ""}
    if old is not None:
        md["old"] = _state(TOKEN + type_name, u, old, old_out, delete=op == "delete-replaced")
    if new is not None:
        md["new"] = _state(TOKEN + type_name, u, new, new_out)
    return pe.EngineEvent.from_json(
        {"sequence": next(_seq), "timestamp": 0, kind: {"metadata": md}}
    )


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
    """A `resource_pre_event`, as the engine sends before a step."""
    return _event("resourcePreEvent", op, type_name, name, old, new, old_out, new_out)


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


def outputs(
    op: str,
    type_name: str,
    name: str,
    old: dict | None,
    new: dict | None,
    *,
    old_out: dict | None = None,
    new_out: dict | None = None,
) -> pe.EngineEvent:
    """A `res_outputs_event`, as the engine sends after a step (or a refresh) finishes."""
    return _event("resOutputsEvent", op, type_name, name, old, new, old_out, new_out)


REPORTERS = ("emergency", "unit", "emergency", "organisation-reporter")


def _refreshed_preview(
    name: str, recorded: dict, recorded_out: dict, refreshed_out: dict, program: list
) -> list[pe.EngineEvent]:
    """A refreshed preview's events for one resource, in the order the real engine sends.

    The refresh pre-event carries the recorded state as both old and new; only its
    outputs event shows what the platform returned. The program's step follows, with the
    refreshed state as old (seen with pulumi 3 and `vcorg plan --refresh`).
    """
    type_name = "RoleMembers" if "." in name else "OrganisationalUnit"
    return [
        pre(
            "refresh",
            type_name,
            name,
            recorded,
            recorded,
            old_out=recorded_out,
            new_out=recorded_out,
        ),
        outputs(
            "refresh",
            type_name,
            name,
            recorded,
            recorded,
            old_out=recorded_out,
            new_out=refreshed_out,
        ),
        *program,
    ]


def test_refreshed_preview_uses_the_refreshed_state_as_old() -> None:
    # Both invitations were pending at the last apply and have since been accepted.
    kept = role_members(*REPORTERS, ["a@x.example", "b@x.example"])
    wanted = role_members(*REPORTERS, ["a@x.example"])
    pending = members_out({"a@x.example": "pending", "b@x.example": "pending"})
    active = members_out({"a@x.example": "active", "b@x.example": "active"})
    name = "emergency.organisation-reporter"
    events = _refreshed_preview(
        name,
        kept,
        pending,
        active,
        [pre("update", "RoleMembers", name, kept, wanted, old_out=active, new_out={})],
    )
    [s] = steps_from_engine_events(events)
    assert s.op is Op.UPDATE
    assert s.old_outputs == active
    plan = build_plan([s])
    [member] = plan.units[0].resources[0].members
    assert (member.email, member.action.value, member.previous_state) == (
        "b@x.example",
        "remove",
        "active",
    )
    assert "pending" not in plan.to_text()


def test_refresh_drift_is_seen_on_the_outputs_event() -> None:
    props = unit("u", "Urology")
    recorded = {"name": "Urology", "description": "", "version": 1}
    refreshed = {"name": "Urology", "description": "changed on the platform", "version": 2}
    drifted = _refreshed_preview(
        "u",
        props,
        recorded,
        refreshed,
        [pre("same", "OrganisationalUnit", "u", props, props, old_out=refreshed)],
    )
    still = _refreshed_preview(
        "v",
        unit("v", "V"),
        recorded,
        recorded,
        [pre("same", "OrganisationalUnit", "v", unit("v", "V"), unit("v", "V"), old_out=recorded)],
    )
    steps = {s.name: s for s in steps_from_engine_events(drifted + still)}
    assert {n: s.op for n, s in steps.items()} == {"u": Op.REFRESH_DRIFT, "v": Op.SAME}
    # The drift is from what the last apply recorded to what the platform holds now.
    assert steps["u"].old_outputs == recorded
    assert steps["u"].new_outputs == refreshed
    assert steps["u"].drift == "changed" and steps["v"].drift is None
    plan = build_plan(steps.values())
    assert plan.summary.drifted == 1
    # Drift is kept apart from what apply does: nothing, here, but record it.
    assert plan.units == ()
    [drift] = plan.drift
    assert [(p.path, p.old, p.new) for p in drift.properties] == [
        ("description", "", "changed on the platform")
    ]
    assert drift.reverted is False


def test_accepted_invitations_and_new_versions_are_not_drift() -> None:
    # Between applies, people accept invitations and the platform bumps versions: nobody
    # edited anything the config sets, so a refreshed plan must stay quiet about it.
    name = "emergency.organisation-reporter"
    props = role_members(*REPORTERS, ["a@x.example"])
    pending = {**props, **members_out({"a@x.example": "pending"}), "version": 1}
    active = {**props, **members_out({"a@x.example": "active"}), "version": 2}
    quiet = _refreshed_preview(
        name, props, pending, active, [pre("same", "RoleMembers", name, props, props)]
    )
    assert [s.op for s in steps_from_engine_events(quiet)] == [Op.SAME]
    # A person added in the console changes the managed email set: that is drift.
    console = {**active, "emails": ["a@x.example", "c@x.example"]}
    loud = _refreshed_preview(
        name, props, active, console, [pre("same", "RoleMembers", name, props, props)]
    )
    assert [s.op for s in steps_from_engine_events(loud)] == [Op.REFRESH_DRIFT]


def test_a_new_provider_pickle_is_not_drift() -> None:
    props = unit("u", "U")
    events = _refreshed_preview(
        "u",
        props,
        {"name": "U", "__provider": "old pickle"},
        {"name": "U", "__provider": "new pickle"},
        [pre("same", "OrganisationalUnit", "u", props, props)],
    )
    assert [s.op for s in steps_from_engine_events(events)] == [Op.SAME]


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
