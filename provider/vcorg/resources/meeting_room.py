"""MeetingRoom: a permanent staff room, optionally owned by one waiting area's staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from vcorg.client import Collection
from vcorg.config import models
from vcorg.vocabulary import MEETING_ROOM_KIND

from .base import META_FIELDS, ObjectProvider, ObjectResource
from .validation import Checker


class MeetingRoomProvider(ObjectProvider):
    kind = "room"

    collection = Collection.MEETING_ROOMS
    settings_model = models.MeetingRoom
    # `waitingArea` (a key) reaches the API as the id of that area: waitingAreaId.
    not_settings = models.MeetingRoom.NOT_SETTINGS
    placement_fields = ("unitId", "waitingAreaId")
    local_fields = ("key", "unitKey", "waitingAreaKey", "adopt", "resourceUrn")
    # The API cannot move a room between units (unitId is immutable), so a move is a
    # replacement: the room gets a new staff link; no service-user link is involved.
    replace_fields = ("organisation", "unitId")

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        checker.key("unitKey")
        checker.object_id("unitId")
        checker.key("waitingAreaKey", required=False)
        checker.object_id("waitingAreaId", required=False)


MEETING_ROOM_PROVIDER = MeetingRoomProvider()


class MeetingRoom(ObjectResource, module="vcorg", name=MEETING_ROOM_KIND):
    """A meeting room. Moving it to another unit replaces it (delete first)."""

    link: pulumi.Output[str]
    output_slots = (*META_FIELDS, "link")
    read_back = frozenset({"link"})

    def __init__(
        self,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        unit_key: pulumi.Input[str],
        unit_id: pulumi.Input[str],
        settings: models.MeetingRoom,
        waiting_area_key: pulumi.Input[str] | None = None,
        waiting_area_id: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        placement = {
            "unitKey": unit_key,
            "unitId": unit_id,
            "waitingAreaKey": waiting_area_key,
            "waitingAreaId": waiting_area_id,
        }
        super().__init__(
            MEETING_ROOM_PROVIDER,
            resource_name,
            organisation=organisation,
            key=key,
            placement=placement,
            settings=settings,
            adopt=adopt,
            opts=opts,
        )
