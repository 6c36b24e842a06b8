"""RoleMembers over gRPC: invitations, acceptance, expiry, removal and console drift."""

from __future__ import annotations

from typing import Any

import pytest

from tests.provider.harness import Providers
from tests.support.platform import PlatformServer

ADMIN = "organisation-administrator"


def grants_on(dump: dict[str, Any], scope_id: str) -> dict[str, str]:
    """email → state of the grants on a scope (unit, area or room) in a dump."""
    found: dict[str, str] = {}
    for unit in dump["units"]:
        scopes = [unit, *unit["waitingAreas"], *unit["meetingRooms"]]
        for scope in scopes:
            if scope["id"] == scope_id:
                for grant in scope.get("grants", []):
                    found[grant["email"]] = grant["state"]
    return found


def live_grants(platform: PlatformServer, scope_id: str, role: str) -> dict[str, dict]:
    with platform.client() as api:
        items = api.get("/grants", params={"scopeId": scope_id, "role": role}).json()["items"]
    return {g["email"]: g for g in items}


@pytest.fixture
def unit_id(providers: Providers, request: pytest.FixtureRequest) -> str:
    key = f"rm-{request.node.name.split('_', 1)[1].replace('_', '-')}"[:60]
    id_, _ = providers.units.create(key, providers.unit(key, key))
    return id_


def test_invite_accept_expire_resend_remove(providers: Providers, unit_id: str) -> None:
    p = providers
    name = "rm-a.organisation-administrator"
    inputs = p.role("unit", "rm-a", unit_id, ADMIN, ["Ana@Example.org", "bo@example.org"])
    checked, failures = p.members.check(name, inputs)
    assert failures == []
    assert checked["emails"] == ["ana@example.org", "bo@example.org"]

    id_, state = p.members.create(name, inputs)
    assert {e: m["state"] for e, m in state["members"].items()} == {
        "ana@example.org": "pending",
        "bo@example.org": "pending",
    }
    assert "unitId" not in state  # the scope's unit is not needed: reads list the org's grants
    assert set(live_grants(p.platform, unit_id, ADMIN)) == {"ana@example.org", "bo@example.org"}

    # Pending satisfies the config: no change, nobody re-invited.
    _, outs, read_inputs = p.members.read(name, id_, state)
    assert read_inputs["emails"] == ["ana@example.org", "bo@example.org"]
    assert p.members.diff(name, id_, outs, inputs).changes is False

    p.platform.accept_invitations("ana@example.org")
    p.platform.expire_invitations("bo@example.org")
    p.next_run()
    _, outs, read_inputs = p.members.read(name, id_, outs)
    assert outs["members"]["ana@example.org"]["state"] == "active"
    assert outs["members"]["bo@example.org"]["state"] == "expired"
    # The expired invitation no longer satisfies the config: drift, and the next
    # apply re-sends it.
    assert read_inputs["emails"] == ["ana@example.org"]
    assert p.members.diff(name, id_, outs, inputs).changes is True
    before = live_grants(p.platform, unit_id, ADMIN)["bo@example.org"]
    state = p.members.update(name, id_, outs, inputs)
    assert state["members"]["bo@example.org"]["state"] == "pending"
    after = live_grants(p.platform, unit_id, ADMIN)["bo@example.org"]
    assert after["id"] == before["id"]
    assert after["invitation"]["sendCount"] == before["invitation"]["sendCount"] + 1

    # Removing people: a pending invitation is revoked, an active grant removed.
    only_new = p.role("unit", "rm-a", unit_id, ADMIN, ["cy@example.org"])
    state = p.members.update(name, id_, state, only_new)
    assert set(state["members"]) == {"cy@example.org"}
    assert set(live_grants(p.platform, unit_id, ADMIN)) == {"cy@example.org"}

    p.members.delete(name, id_, state)
    assert live_grants(p.platform, unit_id, ADMIN) == {}


def test_console_grants_show_as_drift_and_are_removed(providers: Providers, unit_id: str) -> None:
    p = providers
    name = "rm-b.organisation-reporter"
    inputs = p.role("unit", "rm-b", unit_id, "organisation-reporter", ["ana@example.org"])
    id_, state = p.members.create(name, inputs)
    with p.platform.client() as api:
        api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": unit_id,
                "role": "organisation-reporter",
                "email": "extra@example.org",
            },
        ).raise_for_status()
    p.next_run()
    _, outs, read_inputs = p.members.read(name, id_, state)
    assert read_inputs["emails"] == ["ana@example.org", "extra@example.org"]
    assert p.members.diff(name, id_, outs, inputs).changes is True
    state = p.members.update(name, id_, outs, inputs)
    assert set(live_grants(p.platform, unit_id, "organisation-reporter")) == {"ana@example.org"}


def test_existing_invitations_are_adopted_not_duplicated(
    providers: Providers, unit_id: str
) -> None:
    p = providers
    with p.platform.client() as api:
        grant = api.post(
            "/grants",
            json={"scopeType": "unit", "scopeId": unit_id, "role": ADMIN, "email": "a@example.org"},
        ).json()
    inputs = p.role("unit", "rm-c", unit_id, ADMIN, ["a@example.org"])
    _, state = p.members.create("rm-c.organisation-administrator", inputs)
    assert state["members"]["a@example.org"]["grantId"] == grant["id"]
    # A create retried after a crash converges on the same grants.
    _, again = p.members.create("rm-c.organisation-administrator", inputs)
    assert again["members"] == state["members"]
    assert len(live_grants(p.platform, unit_id, ADMIN)) == 1


def test_empty_list_means_nobody(providers: Providers, unit_id: str) -> None:
    p = providers
    inputs = p.role("unit", "rm-d", unit_id, "organisation-reporter", ["x@example.org"])
    id_, state = p.members.create("rm-d.organisation-reporter", inputs)
    state = p.members.update(
        "rm-d.organisation-reporter",
        id_,
        state,
        p.role("unit", "rm-d", unit_id, "organisation-reporter", []),
    )
    assert state["members"] == {}
    assert live_grants(p.platform, unit_id, "organisation-reporter") == {}


def test_area_and_room_scopes_and_one_list_per_unit_on_refresh(
    providers: Providers, unit_id: str
) -> None:
    p = providers
    area_id, _ = p.areas.create("rm-area", p.area("rm-area", "RM Area", "rm-e", unit_id))
    room_id, _ = p.rooms.create("rm-room", p.room("rm-room", "RM Room", "rm-e", unit_id))
    bags = {
        "rm-area.service-provider": p.role(
            "waiting-area", "rm-area", area_id, "service-provider", ["doc@example.org"], "rm-e"
        ),
        "rm-area.service-administrator": p.role(
            "waiting-area",
            "rm-area",
            area_id,
            "service-administrator",
            ["boss@example.org"],
            "rm-e",
        ),
        "rm-room.meeting-room-member": p.role(
            "meeting-room", "rm-room", room_id, "meeting-room-member", ["doc@example.org"], "rm-e"
        ),
    }
    states = {name: p.members.create(name, bag) for name, bag in bags.items()}
    before = p.platform.request_count()
    for name, (id_, state) in states.items():
        _, _, read_inputs = p.members.read(name, id_, state)
        assert read_inputs["emails"] == bags[name]["emails"]
    assert p.platform.request_count() - before == 1


def test_role_must_fit_the_scope(providers: Providers) -> None:
    bag = providers.role("unit", "rm-f", "unit_x", "service-provider", ["not-an-email"])
    _, failures = providers.members.check("rm-f.service-provider", bag)
    assert sorted(f for f, _ in failures) == ["emails[0]", "role"]


def test_new_scope_id_moves_the_grants(providers: Providers, unit_id: str) -> None:
    # What happens when a meeting room is replaced: same RoleMembers, new scopeId.
    p = providers
    old_room, _ = p.rooms.create("rm-old", p.room("rm-old", "Old Room", "rm-g", unit_id))
    new_room, _ = p.rooms.create("rm-new", p.room("rm-new", "New Room", "rm-g", unit_id))
    name = "rm-room.meeting-room-administrator"
    role = "meeting-room-administrator"
    before = p.role("meeting-room", "rm-room", old_room, role, ["ann@example.org"], "rm-g")
    id_, state = p.members.create(name, before)
    after = {**before, "scopeId": new_room}
    outcome = p.members.diff(name, id_, state, after)
    assert (outcome.changes, outcome.replaces) == (True, [])
    state = p.members.update(name, id_, state, after)
    assert set(live_grants(p.platform, new_room, role)) == {"ann@example.org"}
    assert live_grants(p.platform, old_room, role) == {}
    assert state["members"]["ann@example.org"]["state"] == "pending"


def test_moving_to_another_organisation_replaces(providers: Providers, unit_id: str) -> None:
    p = providers
    bag = p.role("unit", "rm-h", unit_id, "organisation-reporter", [], "rm-h")
    id_, state = p.members.create("rm-h.organisation-reporter", bag)
    outcome = p.members.diff(
        "rm-h.organisation-reporter", id_, state, {**bag, "organisation": "other"}
    )
    assert outcome.replaces == ["organisation"]
