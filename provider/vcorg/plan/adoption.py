"""Adoptions in the plan: the creates that will take over an object already on the platform.

A preview cannot call ``create()``, so with ``adopt`` the engine still plans a create for
every resource missing from the state. `adopt_steps` looks each of them up in a snapshot
of the platform (read by list, `vcorg.client.snapshot`), exactly as the providers'
``create()`` will at apply time:

- a unit by its name in the organisation;
- a waiting area or meeting room by its name within its unit (the unit's id is in the
  step when the unit is in the state, else it is the id of the unit adopted here);
- a role membership by its scope, when the platform holds grants of its role there.

A create that finds its object becomes an ``adopt`` step whose old inputs and outputs
are the object as the platform holds it, so the planner shows what would change in it as
for any update. Only resources whose ``adopt`` input is true are adopted (role
memberships always take over the grants on an existing scope). Pure: no network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .steps import MEETING_ROOM, ROLE_MEMBERS, UNIT, WAITING_AREA, Op, ResourceStep
from .values import UNKNOWN_PLACEHOLDER

if TYPE_CHECKING:
    from vcorg.client.snapshot import OrgSnapshot

# Outputs the resources reserve as empty input slots, and metadata: never settings.
_NOT_SETTINGS = frozenset({"id", "version", "createdAt", "updatedAt", "link"})
_LIVE = ("active", "pending", "expired")
_SCOPE_TYPES = {"unit": UNIT, "waiting-area": WAITING_AREA, "meeting-room": MEETING_ROOM}


def adopt_steps(steps: Sequence[ResourceStep], snapshot: OrgSnapshot) -> list[ResourceStep]:
    """The steps, with each create that finds its object on the platform made an adoption."""
    matcher = _Matcher(snapshot)
    out = {step.urn: step for step in steps}
    # Units first: their ids place the areas and rooms; then areas (the rooms' owners),
    # rooms, and last the role memberships of all of them.
    for type_name in (UNIT, WAITING_AREA, MEETING_ROOM):
        for step in steps:
            if step.type_name == type_name and step.op is Op.CREATE:
                adopted = matcher.object_step(step)
                if adopted is not None:
                    out[step.urn] = adopted
    for step in steps:
        if step.type_name == ROLE_MEMBERS and step.op is Op.CREATE:
            adopted = matcher.members_step(step)
            if adopted is not None:
                out[step.urn] = adopted
    return [out[step.urn] for step in steps]


def _known(value: Any) -> str | None:
    if isinstance(value, str) and value and value != UNKNOWN_PLACEHOLDER:
        return value
    return None


class _Matcher:
    def __init__(self, snapshot: OrgSnapshot) -> None:
        self.units = {str(u.get("name")): u for u in snapshot.units}
        self.areas = _by_unit_and_name(snapshot.waiting_areas)
        self.rooms = _by_unit_and_name(snapshot.meeting_rooms)
        self.grants: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for grant in snapshot.grants:
            if grant.get("state") in _LIVE:
                scope = (str(grant.get("scopeId")), str(grant.get("role")))
                self.grants.setdefault(scope, []).append(grant)
        # Platform ids of the objects adopted here, by (type, key), and the other way.
        self.ids: dict[tuple[str, str], str] = {}
        self.keys: dict[str, str] = {}
        self.taken: set[str] = set()

    def object_step(self, step: ResourceStep) -> ResourceStep | None:
        new = step.new_inputs or {}
        if new.get("adopt") is not True:
            return None
        name = str(new.get("name"))
        found: Mapping[str, Any] | None
        if step.type_name == UNIT:
            found = self.units.get(name)
        else:
            unit_id = _known(new.get("unitId")) or self.ids.get((UNIT, str(new.get("unitKey"))))
            pool = self.areas if step.type_name == WAITING_AREA else self.rooms
            found = pool.get((unit_id, name)) if unit_id else None
        if found is None or str(found.get("id")) in self.taken:
            return None
        object_id = str(found["id"])
        self.taken.add(object_id)
        key = str(new.get("key") or step.name)
        self.ids[(step.type_name, key)] = object_id
        self.keys[object_id] = key
        old = dict(new)
        for field, value in found.items():
            if field in new and field not in _NOT_SETTINGS:
                old[field] = value
        if step.type_name == MEETING_ROOM:
            owner = self._room_owner(new, found)
            # The engine leaves out inputs that are null: so does the platform's side.
            old.update({k: v for k, v in owner.items() if v is not None or k in new})
            for k in [k for k, v in owner.items() if v is None and k not in new]:
                old.pop(k, None)
        return replace(
            step,
            op=Op.ADOPT,
            old_inputs=old,
            old_outputs=dict(found),
            new_outputs=None,
        )

    def _room_owner(self, new: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, Any]:
        """The room's owner area as the platform has it, named by key where we can."""
        wanted_key = new.get("waitingAreaKey")
        wanted_id = _known(new.get("waitingAreaId"))
        if wanted_id is None and isinstance(wanted_key, str):
            wanted_id = self.ids.get((WAITING_AREA, wanted_key))
        current_id = found.get("waitingAreaId")
        if current_id is None:
            return {"waitingAreaId": None, "waitingAreaKey": None}
        if current_id == wanted_id:
            return {"waitingAreaId": current_id, "waitingAreaKey": wanted_key}
        key = (
            self.keys.get(str(current_id))
            or f"(a waiting area vcorg does not manage, id {current_id})"
        )
        return {"waitingAreaId": current_id, "waitingAreaKey": key}

    def members_step(self, step: ResourceStep) -> ResourceStep | None:
        new = step.new_inputs or {}
        scope_type = str(new.get("scopeType"))
        scope_id = _known(new.get("scopeId")) or self.ids.get(
            (_SCOPE_TYPES.get(scope_type, ""), str(new.get("scopeKey")))
        )
        if scope_id is None:
            return None
        grants = [
            g
            for g in self.grants.get((scope_id, str(new.get("role"))), [])
            if g.get("scopeType") == scope_type
        ]
        if not grants:
            return None  # nobody holds the role yet: a plain create says it best
        members = {
            str(g.get("email", "")).lower(): {"state": g.get("state"), "grantId": g.get("id")}
            for g in grants
        }
        live = sorted(e for e, m in members.items() if m["state"] != "expired")
        return replace(
            step,
            op=Op.ADOPT,
            old_inputs={**new, "scopeId": scope_id, "emails": live},
            old_outputs={"members": dict(sorted(members.items())), "unitId": new.get("unitId")},
            new_outputs=None,
        )


def _by_unit_and_name(
    objects: Iterable[Mapping[str, Any]],
) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(str(o.get("unitId")), str(o.get("name"))): o for o in objects}
