"""The organisation to export: platform objects with their keys, people and settings.

`build_tree` gives every unit, waiting area and meeting room its key (in creation order,
see `vcorg.export.keys`), files the role grants under their scopes, and notes every
platform setting the configuration cannot hold. The tree can then lose objects and roles
that turn out to be inexpressible (`drop_*`) before it is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from vcorg.client import JSONObject
from vcorg.client.snapshot import OrgSnapshot
from vcorg.config.models import (
    MeetingRoom,
    MeetingRoomRoles,
    Unit,
    UnitRoles,
    WaitingArea,
    WaitingAreaRoles,
)
from vcorg.report.platform import CONFIG_ROLES
from vcorg.vocabulary import TIMEZONE_PATTERN

from .fields import Unmapped, access_hours, config_fields
from .keys import KeyAllocator
from .losses import CHILDREN_LEFT_OUT, FIELD_LEFT_OUT, OBJECT_LEFT_OUT, ROLE_LEFT_OUT, Loss, show
from .yaml_writer import Commented

UNIT = "unit"
WAITING_AREA = "waiting-area"
MEETING_ROOM = "meeting-room"
KIND_WORDS = {UNIT: "unit", WAITING_AREA: "waiting area", MEETING_ROOM: "meeting room"}
_ROLE_MODELS: dict[str, type[BaseModel]] = {
    UNIT: UnitRoles,
    WAITING_AREA: WaitingAreaRoles,
    MEETING_ROOM: MeetingRoomRoles,
}
_TIMEZONE = re.compile(TIMEZONE_PATTERN)


class UnknownUnits(Exception):
    """``--unit`` named keys that no unit on the platform has."""

    def __init__(self, missing: Sequence[str], known: Sequence[str]) -> None:
        self.missing = tuple(missing)
        self.known = tuple(known)
        super().__init__(", ".join(missing))


@dataclass(frozen=True)
class Member:
    email: str
    state: str


@dataclass
class Entry:
    """One unit, waiting area or meeting room of the export."""

    kind: str
    id: str
    key: str
    name: str
    unit_key: str
    raw: JSONObject
    order: int
    # YAML role key (organisationAdministrators, ...) → people, sorted by email.
    roles: dict[str, list[Member]] = field(default_factory=dict)
    unit_name: str = ""

    @property
    def title(self) -> str:
        where = f" in unit {_quote(self.unit_name)}" if self.kind != UNIT else ""
        return f"{KIND_WORDS[self.kind]} {_quote(self.name)}{where} (key {self.key}, id {self.id})"

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (self.name.casefold(), self.name, self.order)


@dataclass
class ExportTree:
    organisation: str
    units: dict[str, Entry]
    areas: dict[str, Entry]
    rooms: dict[str, Entry]
    # Waiting-area key of each room's area, by room key (None: the room has none).
    room_areas: dict[str, str | None]
    losses: list[Loss] = field(default_factory=list)
    # Keys of every area and room on the platform by id, exported or not.
    area_keys_by_id: dict[str, str] = field(default_factory=dict)
    # Time zones the configuration rejects as the default (their areas say why).
    bad_timezones: set[str] = field(default_factory=set)

    # -- what is written --------------------------------------------------------------

    def timezone(self) -> str | None:
        """The most common time zone of the exported waiting areas (first seen wins ties)."""
        zones = Counter(
            tz
            for area in self.areas.values()
            if isinstance(tz := (area.raw.get("accessHours") or {}).get("timezone"), str)
            and _TIMEZONE.match(tz)
            and tz not in self.bad_timezones
        )
        return zones.most_common(1)[0][0] if zones else None

    def units_in_order(self) -> list[Entry]:
        return sorted(self.units.values(), key=lambda e: e.sort_key)

    def children(self, unit_key: str, kind: str) -> list[Entry]:
        pool = self.areas if kind == WAITING_AREA else self.rooms
        return sorted(
            (e for e in pool.values() if e.unit_key == unit_key), key=lambda e: e.sort_key
        )

    def unit_document(self, unit: Entry, timezone: str | None) -> dict[str, Any]:
        areas = {a.key: self._area(a, timezone) for a in self.children(unit.key, WAITING_AREA)}
        rooms = {r.key: self._room(r) for r in self.children(unit.key, MEETING_ROOM)}
        fields, _ = config_fields(Unit, unit.raw)
        return _in_model_order(
            Unit, fields, roles=_roles(unit), waitingAreas=areas, meetingRooms=rooms
        )

    def _area(self, area: Entry, timezone: str | None) -> dict[str, Any]:
        hours, _ = access_hours(area.raw.get("accessHours"), timezone)
        fields, _ = config_fields(
            WaitingArea, area.raw, special={"accessHours": hours}, consumed=frozenset()
        )
        return _in_model_order(WaitingArea, fields, roles=_roles(area))

    def _room(self, room: Entry) -> dict[str, Any]:
        fields, _ = config_fields(
            MeetingRoom,
            room.raw,
            special={"waitingArea": self.room_areas.get(room.key)},
            consumed=frozenset({"waitingAreaId"}),
        )
        return _in_model_order(MeetingRoom, fields, roles=_roles(room))

    # -- leaving things out -----------------------------------------------------------

    def drop(self, entry: Entry, what: str) -> None:
        """Leave an object out (and whatever cannot exist without it), saying why."""
        pool = {UNIT: self.units, WAITING_AREA: self.areas, MEETING_ROOM: self.rooms}[entry.kind]
        if pool.pop(entry.key, None) is None:
            return
        self.losses.append(Loss(entry.title, what, OBJECT_LEFT_OUT))
        if entry.kind == UNIT:
            for kind in (WAITING_AREA, MEETING_ROOM):
                for child in self.children(entry.key, kind):
                    pool = self.areas if kind == WAITING_AREA else self.rooms
                    pool.pop(child.key, None)
                    self.losses.append(
                        Loss(
                            child.title,
                            f"its unit {_quote(entry.name)} is left out",
                            CHILDREN_LEFT_OUT,
                        )
                    )
        elif entry.kind == WAITING_AREA:
            for room in list(self.rooms.values()):
                if self.room_areas.get(room.key) == entry.key:
                    self.drop(
                        room,
                        f"it belongs to waiting area {_quote(entry.name)}, which is left out "
                        "(its owner would otherwise be cleared)",
                    )

    def drop_role(self, entry: Entry, role_key: str, what: str) -> None:
        if entry.roles.pop(role_key, None) is not None:
            self.losses.append(Loss(entry.title, what, ROLE_LEFT_OUT))

    def entry_at(self, kind: str, key: str) -> Entry | None:
        return {UNIT: self.units, WAITING_AREA: self.areas, MEETING_ROOM: self.rooms}[kind].get(key)

    # -- counts -----------------------------------------------------------------------

    def people(self) -> Counter[str]:
        """Grants written, by state."""
        entries: Iterable[Entry] = (
            *self.units.values(),
            *self.areas.values(),
            *self.rooms.values(),
        )
        return Counter(m.state for e in entries for members in e.roles.values() for m in members)


def build_tree(snapshot: OrgSnapshot, *, unit_keys: Sequence[str] | None = None) -> ExportTree:
    """Keys for everything (so they are the same whatever is selected), then the selection."""
    kinds = ((UNIT, "unit", snapshot.units), (WAITING_AREA, "area", snapshot.waiting_areas),
             (MEETING_ROOM, "room", snapshot.meeting_rooms))  # fmt: skip
    everything = sorted(
        (
            (str(obj.get("createdAt", "")), rank, str(obj.get("id", "")), kind, word, obj)
            for rank, (kind, word, objects) in enumerate(kinds)
            for obj in objects
        ),
        key=lambda t: t[:3],
    )
    keys = KeyAllocator()
    pools: dict[str, dict[str, Entry]] = {UNIT: {}, WAITING_AREA: {}, MEETING_ROOM: {}}
    by_unit_id: dict[str, Entry] = {}
    for order, (_, _, object_id, kind, word, obj) in enumerate(everything):
        name = str(obj.get("name", ""))
        unit = by_unit_id.get(str(obj.get("unitId"))) if kind != UNIT else None
        key = keys.allocate(name, kind=word, within=unit.key if unit else None)
        entry = Entry(kind, object_id, key, name, key if kind == UNIT else "", obj, order)
        if kind == UNIT:
            entry.unit_name = name
            by_unit_id[object_id] = entry
        elif unit is not None:
            entry.unit_key, entry.unit_name = unit.key, unit.name
        pools[kind][key] = entry
    unit_entries, area_entries, room_entries = (
        pools[k] for k in (UNIT, WAITING_AREA, MEETING_ROOM)
    )
    area_keys_by_id = {e.id: e.key for e in area_entries.values()}

    if unit_keys is not None:
        missing = [k for k in unit_keys if k not in unit_entries]
        if missing:
            raise UnknownUnits(missing, sorted(unit_entries))
        chosen = set(unit_keys)
        unit_entries = {k: e for k, e in unit_entries.items() if k in chosen}
    # Areas and rooms of units the token cannot see cannot be written under a unit.
    area_entries = {k: e for k, e in area_entries.items() if e.unit_key in unit_entries}
    room_entries = {k: e for k, e in room_entries.items() if e.unit_key in unit_entries}

    tree = ExportTree(
        snapshot.organisation,
        unit_entries,
        area_entries,
        room_entries,
        room_areas={},
        area_keys_by_id=area_keys_by_id,
    )
    for room in room_entries.values():
        area_id = room.raw.get("waitingAreaId")
        tree.room_areas[room.key] = area_keys_by_id.get(str(area_id)) if area_id else None
    _file_grants(tree, snapshot.grants)
    _note_unmapped(tree)
    return tree


def _file_grants(tree: ExportTree, grants: Iterable[JSONObject]) -> None:
    by_id: dict[tuple[str, str], Entry] = {}
    for kind, pool in ((UNIT, tree.units), (WAITING_AREA, tree.areas), (MEETING_ROOM, tree.rooms)):
        for pooled in pool.values():
            by_id[(kind, pooled.id)] = pooled
    role_keys = {
        kind: {role: _role_alias(kind, attribute) for attribute, role in pairs}
        for kind, pairs in CONFIG_ROLES.items()
    }
    unknown: dict[tuple[str, str], list[str]] = {}
    for grant in grants:
        kind = str(grant.get("scopeType"))
        entry = by_id.get((kind, str(grant.get("scopeId"))))
        if entry is None:
            continue  # a scope that is not exported (another unit, or not visible)
        role = str(grant.get("role"))
        email = str(grant.get("email", "")).lower()
        role_key = role_keys.get(kind, {}).get(role)
        if role_key is None:
            unknown.setdefault((entry.key, role), []).append(email)
            continue
        entry.roles.setdefault(role_key, []).append(Member(email, str(grant.get("state"))))
    for entry in by_id.values():
        for members in entry.roles.values():
            members.sort(key=lambda m: m.email)
    for (key, role), emails in sorted(unknown.items()):
        entry = next(e for e in by_id.values() if e.key == key)
        tree.losses.append(
            Loss(
                entry.title,
                f"role {role!r} held by {', '.join(sorted(emails))}",
                "the configuration has no such role: left out, and vcorg will not manage it",
            )
        )


def _role_alias(kind: str, attribute: str) -> str:
    model = _ROLE_MODELS[kind]
    return model.model_fields[attribute].alias or attribute


def _note_unmapped(tree: ExportTree) -> None:
    for entry in (*tree.units.values(), *tree.areas.values(), *tree.rooms.values()):
        lost: list[Unmapped]
        if entry.kind == UNIT:
            _, lost = config_fields(Unit, entry.raw)
        elif entry.kind == WAITING_AREA:
            _, lost = config_fields(WaitingArea, entry.raw, special={"accessHours": None})
            _, hours_lost = access_hours(entry.raw.get("accessHours"), None)
            lost = [*lost, *hours_lost]
        else:
            _, lost = config_fields(
                MeetingRoom,
                entry.raw,
                special={"waitingArea": None},
                consumed=frozenset({"waitingAreaId"}),
            )
        for item in lost:
            tree.losses.append(
                Loss(entry.title, f"{item.path} = {show(item.value)}", FIELD_LEFT_OUT)
            )


def _roles(entry: Entry) -> dict[str, Any]:
    model = _ROLE_MODELS[entry.kind]
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        members = entry.roles.get(info.alias or name)
        if not members:
            continue
        out[info.alias or name] = [
            Commented(m.email, "invitation expired: the next apply re-sends it")
            if m.state == "expired"
            else m.email
            for m in members
        ]
    return out


def _in_model_order(
    model: type[BaseModel], fields: Mapping[str, Any], **nested: Any
) -> dict[str, Any]:
    """Fields and non-empty nested parts (roles, areas, rooms) in the model's field order."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in nested:
            if nested[key]:
                out[key] = nested[key]
        elif key in fields:
            out[key] = fields[key]
    return out


def _quote(text: str) -> str:
    return '"' + text.replace("\n", " ") + '"'
