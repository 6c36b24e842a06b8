"""The organisation as the platform holds it now: every object, read by paged lists.

One paged list per collection (units, waiting areas, meeting rooms, grants) serves the
whole drift check: the refresh of every managed resource and the search for objects no
configuration manages. So a check costs a few requests per thousand objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from vcorg.client import Collection, JSONObject, PlatformClient


@dataclass
class PlatformSnapshot:
    """Objects by id, per collection, and how many requests reading them took."""

    units: dict[str, JSONObject] = field(default_factory=dict)
    waiting_areas: dict[str, JSONObject] = field(default_factory=dict)
    meeting_rooms: dict[str, JSONObject] = field(default_factory=dict)
    grants: dict[str, JSONObject] = field(default_factory=dict)

    def collection(self, collection: Collection) -> dict[str, JSONObject]:
        return {
            Collection.UNITS: self.units,
            Collection.WAITING_AREAS: self.waiting_areas,
            Collection.MEETING_ROOMS: self.meeting_rooms,
            Collection.GRANTS: self.grants,
        }[collection]

    def unit_of(self, obj: JSONObject) -> JSONObject | None:
        """The unit an area, room or grant is in (a unit is its own)."""
        if "unitId" in obj:
            return self.units.get(str(obj.get("unitId")))
        scope = self.scope(obj)
        if scope is None:
            return None
        return scope if str(obj.get("scopeType")) == "unit" else self.unit_of(scope)

    def scope(self, grant: JSONObject) -> JSONObject | None:
        """The unit, waiting area or meeting room a grant is on."""
        scope_id = str(grant.get("scopeId"))
        kind = str(grant.get("scopeType"))
        if kind == "unit":
            return self.units.get(scope_id)
        if kind == "waiting-area":
            return self.waiting_areas.get(scope_id)
        if kind == "meeting-room":
            return self.meeting_rooms.get(scope_id)
        return None

    def name_of(self, object_id: str | None) -> str | None:
        """The name of a unit, waiting area or meeting room, by id."""
        if not object_id:
            return None
        for objects in (self.units, self.waiting_areas, self.meeting_rooms):
            if object_id in objects:
                return str(objects[object_id].get("name"))
        return None


def read_platform(client: PlatformClient, org: str) -> PlatformSnapshot:
    """Every unit, waiting area, meeting room and live grant the token can see."""
    snapshot = PlatformSnapshot()
    for collection in Collection:
        snapshot.collection(collection).update(_by_id(client.iter_objects(org, collection)))
    return snapshot


def _by_id(objects: Iterable[JSONObject]) -> dict[str, JSONObject]:
    return {str(obj["id"]): obj for obj in objects}
