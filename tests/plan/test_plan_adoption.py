"""`plan --adopt`: creates that find their object on the platform become adoptions.

Built from steps as a preview gives them (every resource a create, the ids of objects
not yet created unknown) and a platform snapshot, without an engine or a platform.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.plan.plan_scenario import meeting_room, role_members, step, unit, waiting_area
from vcorg.client.snapshot import OrgSnapshot
from vcorg.plan import MemberAction, Op, build_plan
from vcorg.plan.adoption import adopt_steps

UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
HOURS = {"timezone": "Europe/London", "open": [{"days": ["mon"], "from": "08:00", "to": "12:00"}]}


def _platform_area(**over: object) -> dict:
    area = {
        "id": "wa_1",
        "unitId": "unit_1",
        "name": "Clinic",
        "description": "",
        "type": "consult-now",
        "accessHours": HOURS,
        "callerDetails": [],
        "informationForCallers": "",
        "suspended": False,
        "suspendedMessageForCallers": "",
        "suspendedMessageForStaff": "",
        "reportingTags": [],
        "link": "https://video.example/wait/tok",
        "version": 3,
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
    }
    area.update(over)
    return area


SNAPSHOT = OrgSnapshot(
    "st-elsewhere",
    units=({"id": "unit_1", "name": "Cardiology", "description": "", "reportingTags": []},),
    waiting_areas=(_platform_area(),),
    meeting_rooms=(
        {
            "id": "room_1",
            "unitId": "unit_1",
            "name": "Huddle",
            "description": "",
            "maxParticipants": 6,
            "waitingAreaId": "wa_1",
            "link": "https://video.example/room/r",
        },
    ),
    grants=(
        {
            "id": "g1",
            "scopeType": "waiting-area",
            "scopeId": "wa_1",
            "role": "service-provider",
            "email": "a@x.example",
            "state": "active",
        },
        {
            "id": "g2",
            "scopeType": "waiting-area",
            "scopeId": "wa_1",
            "role": "service-provider",
            "email": "b@x.example",
            "state": "expired",
        },
    ),
)


def preview(
    area_type: str = "consult-now", providers: tuple[str, ...] = ("a@x.example", "b@x.example")
):
    """The creates a preview of `--adopt` gives for Cardiology, its clinic and room."""
    unknown = {"unitId": UNKNOWN_WIRE}
    return [
        step("OrganisationalUnit", "cardiology", "create", None,
             {**unit("cardiology", "Cardiology"), "adopt": True}),
        step("WaitingArea", "clinic", "create", None,
             waiting_area("clinic", "cardiology", "Clinic", type=area_type, accessHours=HOURS,
                          adopt=True, **unknown)),
        step("MeetingRoom", "huddle", "create", None,
             meeting_room("huddle", "cardiology", "Huddle", waitingAreaKey="clinic",
                          waitingAreaId=UNKNOWN_WIRE, adopt=True, **unknown)),
        step("RoleMembers", "clinic.service-provider", "create", None,
             {**role_members("cardiology", "waiting-area", "clinic", "service-provider",
                             list(providers)), "scopeId": UNKNOWN_WIRE}),
    ]  # fmt: skip


def test_a_round_trip_is_only_adoptions_and_re_sends() -> None:
    plan = build_plan(adopt_steps(preview(), SNAPSHOT))
    s = plan.summary
    assert (s.creates, s.updates, s.deletes, s.people_invited, s.people_removed) == (0, 0, 0, 0, 0)
    assert (s.adopts, s.people_resent) == (4, 1)
    text = plan.to_text()
    assert text.splitlines()[0] == (
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 drifted, 4 to adopt; "
        "0 people to invite, 0 to remove, 1 invitation to re-send; 0 unchanged."
    )
    assert '  = adopt waiting area "Clinic" (clinic) (id wa_1, link unchanged)\n' in text
    assert '  = adopt unit "Cardiology" (cardiology) (id unit_1)\n' in text
    assert (
        '  = adopt service providers of waiting area "Clinic" (clinic) '
        "(2 people: 1 active, 1 expired)\n"
        '    ~ re-send the expired invitation of b@x.example as service provider of "Clinic"\n'
    ) in text
    data = json.loads(plan.to_json())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    resources = [r for u in data["units"] for r in u["resources"]]
    assert {r["op"] for r in resources} == {"adopt"}
    area = next(r for r in resources if r["type"] == "WaitingArea")
    assert area["adopt"] == {"id": "wa_1", "link": "https://video.example/wait/tok", "people": None}
    assert data["summary"]["adopts"] == 4 and data["summary"]["peopleResent"] == 1
    assert "= adopt waiting area" in plan.to_markdown()


def test_an_adopted_object_whose_settings_differ_is_adopted_and_updated() -> None:
    # A console-made consult-now area whose config left `type` out (so: regular).
    plan = build_plan(adopt_steps(preview(area_type="regular"), SNAPSHOT))
    assert (plan.summary.adopts, plan.summary.updates, plan.summary.creates) == (4, 1, 0)
    [area] = [r for g in plan.units for r in g.resources if r.type_name == "WaitingArea"]
    assert area.op is Op.UPDATE and area.adoption is not None
    assert [(p.path, p.old, p.new) for p in area.properties] == [("type", "consult-now", "regular")]
    text = plan.to_text()
    assert (
        '  = adopt waiting area "Clinic" (clinic) (id wa_1, link unchanged)\n'
        '  ~ update waiting area "Clinic" (clinic)\n'
        '    ~ type: "consult-now" → "regular"\n'
    ) in text
    data = json.loads(plan.to_json())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_people_the_config_adds_or_drops_are_invited_and_removed() -> None:
    plan = build_plan(adopt_steps(preview(providers=("a@x.example", "c@x.example")), SNAPSHOT))
    [members] = [r for g in plan.units for r in g.resources if r.type_name == "RoleMembers"]
    assert members.op is Op.UPDATE
    assert [(m.action, m.email) for m in members.members] == [
        (MemberAction.INVITE, "c@x.example"),
        (MemberAction.REMOVE, "b@x.example"),
    ]
    assert (plan.summary.people_invited, plan.summary.people_removed) == (1, 1)


def test_what_is_not_on_the_platform_stays_a_create() -> None:
    steps = preview()
    steps[1] = step("WaitingArea", "clinic", "create", None,
                    waiting_area("clinic", "cardiology", "New Clinic", adopt=True,
                                 unitId=UNKNOWN_WIRE))  # fmt: skip
    plan = build_plan(adopt_steps(steps, SNAPSHOT))
    ops = {r.key: r.op for g in plan.units for r in g.resources}
    assert ops["clinic"] is Op.CREATE
    # Its role list has no scope on the platform yet: a create that invites.
    assert ops["clinic.service-provider"] is Op.CREATE
    # The room adopted keeps its platform owner, which the config changes to the new area.
    room = next(r for g in plan.units for r in g.resources if r.key == "huddle")
    assert room.op is Op.UPDATE
    assert [(p.path, p.new) for p in room.properties] == [("waitingAreaKey", "clinic")]


def test_nothing_is_adopted_without_adopt() -> None:
    steps = preview()
    steps[0] = step(
        "OrganisationalUnit", "cardiology", "create", None, unit("cardiology", "Cardiology")
    )
    ops = [s.op for s in adopt_steps(steps, SNAPSHOT)]
    # Without the unit, nothing inside it can be placed either.
    assert ops == [Op.CREATE] * 4


def test_an_adopted_object_never_drifts_on_its_adoption_flags() -> None:
    """After an adopt apply the outputs keep `adopt: true`; later configs leave `adopt`
    out (false is not stored) and a refresh reads the inputs back from the outputs. None
    of that is a change on the platform (found by scripts/demo-onboarding)."""
    from vcorg.plan.drift import differs, judged_outputs

    platform = {"key": "dentistry", "name": "Dentistry", "organisation": "metro-health"}
    recorded = judged_outputs(platform, {**platform, "adopt": True, "version": 1})
    refreshed = judged_outputs(
        {**platform, "adopt": True},
        {**platform, "adopt": True, "adopted": "unchanged", "version": 2},
    )
    assert not differs(recorded, refreshed)
    renamed = judged_outputs({**platform, "adopt": True}, {**platform, "name": "Oral Health"})
    assert differs(recorded, renamed)
