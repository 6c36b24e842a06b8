"""The hospital example through its life, driven by the real engine against the platform.

The tests share one platform and one stack and run in file order: each step starts from
the state the previous one left, as an organisation's history would. Every step checks
the platform itself (`vcplatform dump`), not only what Pulumi reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import (
    HOSPITAL,
    OrgStack,
    assert_converged,
    find_area,
    find_unit,
    object_count,
    op_counts,
)
from vcorg.config import load_config

pytestmark = pytest.mark.e2e

Edit = Callable[[], dict[str, Any]]


class Memory:
    """What one step learns and a later step compares against."""

    doc: dict[str, Any]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def memory() -> Memory:
    return Memory()


def _up(org: OrgStack, doc: dict[str, Any], memory: Memory) -> dict[str, int]:
    memory.doc = doc
    result = org.up(doc)
    assert_converged(org.platform.dump(), load_config([org.config_path]))
    return op_counts(result.summary.resource_changes)


def test_create_hospital(hospital_stack: OrgStack, memory: Memory, edit: Edit) -> None:
    dump = hospital_stack.platform.dump()
    assert_converged(dump, load_config([HOSPITAL]))
    assert [u["name"] for u in dump["units"]] == [
        "Cancer Care",
        "Dentistry",
        "Emergency",
        "Internal Medicine",
    ]
    # Every person is invited once per role: nobody has an account yet.
    states = {g["state"] for u in dump["units"] for g in u["grants"]}
    assert states == {"pending"}
    # Pulumi's view agrees with the platform's: ids and links in state are the real ones.
    _, area = find_area(dump, "General Medicine Clinic")
    outputs = hospital_stack.outputs_of("general-clinic", "WaitingArea")
    assert outputs["link"] == area["link"]
    memory.doc = edit()
    memory.ids = {"general-clinic": area["id"], "link": area["link"]}


def test_noop_preview_shows_no_changes(hospital_stack: OrgStack) -> None:
    before = hospital_stack.platform.request_count()
    result = hospital_stack.preview(HOSPITAL)
    assert op_counts(result.change_summary) == {}
    assert result.change_summary.get("same", 0) == len(hospital_stack.resources()) - 1
    # Planning from state needs no platform reads at all.
    assert hospital_stack.platform.request_count() == before


def test_refresh_reads_by_list_not_one_request_per_resource(hospital_stack: OrgStack) -> None:
    custom = [r for r in hospital_stack.resources() if "dynamic/vcorg:" in r["type"]]
    before = hospital_stack.platform.request_count()
    refreshed = hospital_stack.refresh()
    requests = hospital_stack.platform.request_count() - before
    assert op_counts(refreshed.summary.resource_changes) == {}
    assert 0 < requests <= len(custom) // 2, f"{requests} requests for {len(custom)} resources"


def test_rename_unit_updates_in_place(hospital_stack: OrgStack, memory: Memory) -> None:
    before = find_unit(hospital_stack.platform.dump(), "Dentistry")
    doc = memory.doc
    doc["units"]["dentistry"]["name"] = "Oral Health"
    assert _up(hospital_stack, doc, memory) == {"update": 1}
    after = find_unit(hospital_stack.platform.dump(), "Oral Health")
    assert after["id"] == before["id"]
    assert after["version"] == before["version"] + 1
    assert [a["link"] for a in after["waitingAreas"]] == [a["link"] for a in before["waitingAreas"]]


def test_move_waiting_area_keeps_link_and_id(hospital_stack: OrgStack, memory: Memory) -> None:
    doc = memory.doc
    units = doc["units"]
    units["internal-medicine"]["waitingAreas"]["ed-follow-up"] = units["emergency"][
        "waitingAreas"
    ].pop("ed-follow-up")
    name = "Emergency Follow-up Clinic"
    unit_before, area_before = find_area(hospital_stack.platform.dump(), name)
    assert unit_before["name"] == "Emergency"
    urn_before = _urns(hospital_stack, "ed-follow-up")

    changes = _up(hospital_stack, doc, memory)
    # The area and its one role membership are updated; nothing is created or replaced.
    assert changes == {"update": 2}, changes

    unit_after, area_after = find_area(hospital_stack.platform.dump(), name)
    assert unit_after["name"] == "Internal Medicine"
    assert area_after["id"] == area_before["id"]
    assert area_after["link"] == area_before["link"]
    assert [g["email"] for g in area_after["grants"]] == [g["email"] for g in area_before["grants"]]
    assert _urns(hospital_stack, "ed-follow-up") == urn_before


def test_move_waiting_area_with_its_room(hospital_stack: OrgStack, memory: Memory) -> None:
    # The room cannot change unit in place, so it is replaced; the platform clears the
    # left-behind room's waitingAreaId as the area moves, and the replaced room's delete
    # must cope with that new version (it once failed with 412 on a stale If-Match).
    doc = memory.doc
    units = doc["units"]
    units["emergency"]["waitingAreas"]["diabetes-clinic"] = units["internal-medicine"][
        "waitingAreas"
    ].pop("diabetes-clinic")
    units["emergency"]["meetingRooms"]["diabetes-team"] = units["internal-medicine"][
        "meetingRooms"
    ].pop("diabetes-team")
    _, area_before = find_area(hospital_stack.platform.dump(), "Diabetes Education")

    changes = _up(hospital_stack, doc, memory)
    assert changes.get("replace") == 1, changes

    unit, area_after = find_area(hospital_stack.platform.dump(), "Diabetes Education")
    assert unit["name"] == "Emergency"
    assert (area_after["id"], area_after["link"]) == (area_before["id"], area_before["link"])
    (room,) = [r for r in unit["meetingRooms"] if r["name"] == "Diabetes Team Huddle"]
    assert room["waitingAreaId"] == area_after["id"]


def _urns(org: OrgStack, name: str) -> list[str]:
    return [r["urn"] for r in org.resources() if r["urn"].endswith(f"::{name}")]


def test_edit_access_hours(hospital_stack: OrgStack, memory: Memory) -> None:
    doc = memory.doc
    area_doc = doc["units"]["internal-medicine"]["waitingAreas"]["general-clinic"]
    area_doc["accessHours"]["open"] = [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:30", "to": "19:00"},
        {"days": ["sat"], "from": "09:00", "to": "12:00"},
    ]
    assert _up(hospital_stack, doc, memory) == {"update": 1}
    _, area = find_area(hospital_stack.platform.dump(), "General Medicine Clinic")
    assert area["accessHours"] == {
        "timezone": "Australia/Sydney",
        "open": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:30", "to": "19:00"},
            {"days": ["sat"], "from": "09:00", "to": "12:00"},
        ],
    }
    assert area["id"] == memory.ids["general-clinic"]
    assert area["link"] == memory.ids["link"]


def _grants(dump: dict[str, Any], area_name: str, role: str) -> dict[str, str]:
    _, area = find_area(dump, area_name)
    return {g["email"]: g["state"] for g in area["grants"] if g["role"] == role}


def test_add_and_remove_people(hospital_stack: OrgStack, memory: Memory) -> None:
    doc = memory.doc
    roles = doc["units"]["internal-medicine"]["waitingAreas"]["general-clinic"]["roles"]
    roles["serviceProviders"] = ["dr.khan@metro-health.example", "Dr.Osei@Metro-Health.example"]
    assert _up(hospital_stack, doc, memory) == {"update": 1}
    grants = _grants(hospital_stack.platform.dump(), "General Medicine Clinic", "service-provider")
    # dr.ng's pending invitation is revoked; the new person is invited (email lowercased).
    assert grants == {
        "dr.khan@metro-health.example": "pending",
        "dr.ng@metro-health.example": "revoked",
        "dr.osei@metro-health.example": "pending",
    }
    # A second run with the same people changes nothing: pending satisfies the config.
    assert op_counts(hospital_stack.preview().change_summary) == {}


def test_invitations_pending_accepted_expired_resent(
    hospital_stack: OrgStack, memory: Memory
) -> None:
    platform = hospital_stack.platform
    khan, osei = "dr.khan@metro-health.example", "dr.osei@metro-health.example"
    assert platform.accept_invitations(khan) >= 1
    assert platform.expire_invitations(osei) == 1
    grants = _grants(platform.dump(), "General Medicine Clinic", "service-provider")
    assert grants[khan] == "active" and grants[osei] == "expired"

    hospital_stack.refresh()
    members = hospital_stack.outputs_of("general-clinic.service-provider", "RoleMembers")
    assert members["members"][khan]["state"] == "active"
    # The expired invitation no longer satisfies the config: the next apply re-sends it.
    preview = hospital_stack.preview()
    assert op_counts(preview.change_summary) == {"update": 1}
    _up(hospital_stack, memory.doc, memory)
    _, area = find_area(platform.dump(), "General Medicine Clinic")
    resent = [g for g in area["grants"] if g["email"] == osei and g["state"] != "revoked"]
    assert len(resent) == 1
    assert resent[0]["state"] == "pending"
    assert resent[0]["sendCount"] == 2
    assert op_counts(hospital_stack.preview().change_summary) == {}

    # Someone who already has an account gets a new role at once, with no invitation.
    doc = memory.doc
    dental = doc["units"]["dentistry"]["waitingAreas"]["general-dental"]["roles"]
    dental["serviceProviders"] = [*dental["serviceProviders"], khan]
    _up(hospital_stack, doc, memory)
    assert _grants(platform.dump(), "General Dental Clinic", "service-provider")[khan] == "active"


def test_console_change_is_caught_by_refresh(hospital_stack: OrgStack, memory: Memory) -> None:
    platform = hospital_stack.platform
    _, area = find_area(platform.dump(), "General Dental Clinic")
    with platform.client() as api:
        response = api.patch(
            f"/waiting-areas/{area['id']}",
            json={"informationForCallers": "Changed in the console", "suspended": True},
        )
        assert response.status_code == 200, response.text
        # Someone also grants a role by hand.
        response = api.post(
            "/grants",
            json={
                "scopeType": "waiting-area",
                "scopeId": area["id"],
                "role": "service-provider",
                "email": "locum@metro-health.example",
            },
        )
        assert response.status_code == 201, response.text

    refreshed = hospital_stack.refresh()
    assert op_counts(refreshed.summary.resource_changes) == {"update": 2}
    state = hospital_stack.outputs_of("general-dental", "WaitingArea")
    assert state["informationForCallers"] == "Changed in the console"
    assert state["suspended"] is True
    # The drift shows up as a plan to put the config back, then the apply does it.
    assert op_counts(hospital_stack.preview().change_summary) == {"update": 2}
    _up(hospital_stack, memory.doc, memory)
    grants = _grants(platform.dump(), "General Dental Clinic", "service-provider")
    assert "locum@metro-health.example" not in {e for e, s in grants.items() if s != "revoked"}


def test_deleted_out_of_band_is_recreated(hospital_stack: OrgStack, memory: Memory) -> None:
    platform = hospital_stack.platform
    dump = platform.dump()
    unit = find_unit(dump, "Internal Medicine")
    (room,) = [r for r in unit["meetingRooms"] if r["name"] == "Case Review"]
    with platform.client() as api:
        response = api.delete(f"/meeting-rooms/{room['id']}")
        assert response.status_code == 204, response.text
    assert object_count(platform.dump()) == object_count(dump) - 1

    refreshed = hospital_stack.refresh()
    assert refreshed.summary.resource_changes.get("delete", 0) >= 1
    result = hospital_stack.up()
    assert result.summary.resource_changes.get("create", 0) >= 1
    dump = platform.dump()
    assert_converged(dump, load_config([hospital_stack.config_path]))
    (recreated,) = [
        r
        for r in find_unit(dump, "Internal Medicine")["meetingRooms"]
        if r["name"] == "Case Review"
    ]
    assert recreated["id"] != room["id"]
    assert op_counts(hospital_stack.preview().change_summary) == {}


def test_destroy_empties_the_platform(hospital_stack: OrgStack) -> None:
    hospital_stack.destroy()
    dump = hospital_stack.platform.dump()
    assert dump["units"] == []
    assert hospital_stack.resources() == []
