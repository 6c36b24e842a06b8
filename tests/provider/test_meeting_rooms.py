"""MeetingRoom over gRPC: owner waiting area, limits, replacement on a unit move."""

from __future__ import annotations

from typing import Any

from tests.provider.harness import Providers


def room_in(dump: dict[str, Any], room_id: str) -> dict[str, Any] | None:
    for unit in dump["units"]:
        for room in unit["meetingRooms"]:
            if room["id"] == room_id:
                return room
    return None


def test_room_lifecycle_with_owner_area(providers: Providers) -> None:
    p = providers
    unit_id, _ = p.units.create("mr-unit", p.unit("mr-unit", "Rooms Unit"))
    area_id, _ = p.areas.create("mr-area", p.area("mr-area", "Rooms Area", "mr-unit", unit_id))
    inputs = p.room(
        "case-review",
        "Case Review",
        "mr-unit",
        unit_id,
        maxParticipants=4,
        waitingAreaKey="mr-area",
        waitingAreaId=area_id,
    )
    id_, state = p.rooms.create("case-review", inputs)
    live = room_in(p.platform.dump(), id_)
    assert live is not None
    assert (live["maxParticipants"], live["waitingAreaId"]) == (4, area_id)
    assert state["link"]

    _, outs, _ = p.rooms.read("case-review", id_, state)
    assert p.rooms.diff("case-review", id_, outs, inputs).changes is False

    detached = {**inputs, "waitingAreaKey": None, "waitingAreaId": None, "maxParticipants": 6}
    detached = {k: v for k, v in detached.items() if v is not None}
    outcome = p.rooms.diff("case-review", id_, outs, detached)
    assert (outcome.changes, outcome.replaces) == (True, [])
    state = p.rooms.update("case-review", id_, outs, detached)
    live = room_in(p.platform.dump(), id_)
    assert live is not None
    assert (live["maxParticipants"], live["waitingAreaId"]) == (6, None)

    p.rooms.delete("case-review", id_, state)
    assert room_in(p.platform.dump(), id_) is None


def test_moving_a_room_to_another_unit_replaces_it(providers: Providers) -> None:
    p = providers
    first, _ = p.units.create("mr-a", p.unit("mr-a", "Rooms A"))
    second, _ = p.units.create("mr-b", p.unit("mr-b", "Rooms B"))
    inputs = p.room("huddle", "Huddle", "mr-a", first)
    id_, state = p.rooms.create("huddle", inputs)
    outcome = p.rooms.diff("huddle", id_, state, {**inputs, "unitKey": "mr-b", "unitId": second})
    assert outcome.replaces == ["unitId"]
    assert outcome.delete_before_replace is True


def test_participant_limit_is_checked(providers: Providers) -> None:
    inputs = providers.room("big", "Big Room", "u", "unit_x", maxParticipants=7)
    _, failures = providers.rooms.check("big", inputs)
    assert failures == [("maxParticipants", "7 is greater than the maximum of 6")]
