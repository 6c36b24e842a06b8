"""MeetingRoom: a permanent staff room, optionally owned by one waiting area's staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from vcorg.client import Collection

from .base import ObjectProvider, ObjectResource
from .validation import Checker, check_participants


class MeetingRoomProvider(ObjectProvider):
    collection = Collection.MEETING_ROOMS
    api_fields = ("unitId", "name", "description", "maxParticipants", "waitingAreaId")
    local_fields = ("key", "unitKey", "waitingAreaKey", "adopt", "resourceUrn")
    # The API cannot move a room between units (unitId is immutable), so a move is a
    # replacement: the room gets a new staff link; no service-user link is involved.
    replace_fields = ("organisation", "unitId")

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        checker.key("unitKey")
        checker.object_id("unitId")
        checker.key("waitingAreaKey", required=False)
        checker.object_id("waitingAreaId", required=False)
        check_participants(checker)


MEETING_ROOM_PROVIDER = MeetingRoomProvider()


class MeetingRoom(ObjectResource, module="vcorg", name="MeetingRoom"):
    """A meeting room. Moving it to another unit replaces it (delete first)."""

    link: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        unit_key: pulumi.Input[str],
        unit_id: pulumi.Input[str],
        name: pulumi.Input[str],
        description: pulumi.Input[str] = "",
        max_participants: pulumi.Input[int] = 6,
        waiting_area_key: pulumi.Input[str] | None = None,
        waiting_area_id: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        fields = {
            "unitKey": unit_key,
            "unitId": unit_id,
            "waitingAreaKey": waiting_area_key,
            "waitingAreaId": waiting_area_id,
            "name": name,
            "description": description,
            "maxParticipants": max_participants,
        }
        super().__init__(
            MEETING_ROOM_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            fields=fields,
            adopt=adopt,
            opts=opts,
            outputs=("link",),
        )
