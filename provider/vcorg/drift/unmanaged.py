"""Objects on the platform that no configuration manages, and the coverage they leave.

An object is managed when the last apply recorded it: a unit, waiting area or meeting
room by its id, a grant by its scope and role (a person added in the console to a role
vcorg manages is drift of that role, not an unmanaged grant). `drift.ignoreUnmanaged`
rules (kind and name pattern) mark known console-only objects as ignored: still listed
and counted, but not drift.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vcorg.client import JSONObject
from vcorg.config.models import IgnoreUnmanaged, OrgConfig
from vcorg.vocabulary import (
    MEETING_ROOM_KIND,
    ROLE_MEMBERS_KIND,
    UNIT_KIND,
    UNMANAGED_KINDS,
    WAITING_AREA_KIND,
)

from .platform import PlatformSnapshot
from .state import RecordedState

_COLLECTION_OF_KIND = {
    "unit": "units",
    "waiting-area": "waiting_areas",
    "meeting-room": "meeting_rooms",
    "grant": "grants",
}
_TYPE_OF_KIND = {
    "unit": UNIT_KIND,
    "waiting-area": WAITING_AREA_KIND,
    "meeting-room": MEETING_ROOM_KIND,
}
KIND_WORDS = {
    "unit": ("unit", "units"),
    "waiting-area": ("waiting area", "waiting areas"),
    "meeting-room": ("meeting room", "meeting rooms"),
    "grant": ("grant", "grants"),
}


@dataclass(frozen=True)
class Ignored:
    """The `drift.ignoreUnmanaged` rule that matched: its pattern and reason."""

    pattern: str
    reason: str


@dataclass(frozen=True)
class Unmanaged:
    """One object on the platform that no configuration manages."""

    kind: str  # unit | waiting-area | meeting-room | grant
    id: str
    name: str  # a grant's: its email
    unit_id: str | None
    unit_name: str | None
    created_at: str | None
    ignored: Ignored | None = None
    # The configuration declares an object of this kind and name that is not applied yet.
    config_key: str | None = None
    # Grants only.
    role: str | None = None
    scope_type: str | None = None
    scope_id: str | None = None
    scope_name: str | None = None
    state: str | None = None
    granted_by: str | None = None

    @property
    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (
            UNMANAGED_KINDS.index(self.kind),
            self.unit_name or "",
            self.scope_name or "",
            self.name,
            self.id,
        )


@dataclass(frozen=True)
class Coverage:
    """Managed objects ÷ all objects of one kind on the platform."""

    kind: str
    managed: int
    unmanaged: int
    ignored: int

    @property
    def total(self) -> int:
        return self.managed + self.unmanaged + self.ignored

    @property
    def percent(self) -> float:
        """Share managed, 0–100, one decimal; 100 when there is nothing at all."""
        return round(100.0 * self.managed / self.total, 1) if self.total else 100.0


def find_unmanaged(
    state: RecordedState, snapshot: PlatformSnapshot, config: OrgConfig
) -> tuple[list[Unmanaged], list[Coverage]]:
    """Every unmanaged object (sorted by kind, unit, name) and the coverage per kind."""
    managed_ids = {r.id for r in state.resources if r.type_name != ROLE_MEMBERS_KIND}
    managed_roles = {
        (str(r.outputs.get("scopeId")), str(r.outputs.get("role")))
        for r in state.of_kind(ROLE_MEMBERS_KIND)
    }
    rules = config.drift.ignore_unmanaged
    declared = _declared(config)
    found: list[Unmanaged] = []
    coverage: list[Coverage] = []
    for kind in UNMANAGED_KINDS:
        objects: dict[str, JSONObject] = getattr(snapshot, _COLLECTION_OF_KIND[kind])
        managed = 0
        mine: list[Unmanaged] = []
        for object_id, obj in objects.items():
            if kind == "grant":
                is_managed = (str(obj.get("scopeId")), str(obj.get("role"))) in managed_roles
            else:
                is_managed = object_id in managed_ids
            if is_managed:
                managed += 1
                continue
            item = _describe(kind, obj, snapshot)
            ignored = match(rules, item)
            key = declared.get((kind, item.unit_name or "", item.name)) if kind != "grant" else None
            mine.append(replace(item, ignored=ignored, config_key=key))
        ignored_count = sum(1 for u in mine if u.ignored is not None)
        coverage.append(Coverage(kind, managed, len(mine) - ignored_count, ignored_count))
        found.extend(mine)
    found.sort(key=lambda u: u.sort_key)
    return found, coverage


def _describe(kind: str, obj: JSONObject, snapshot: PlatformSnapshot) -> Unmanaged:
    unit = snapshot.unit_of(obj)
    unit_id = str(unit["id"]) if unit is not None else None
    unit_name = str(unit.get("name")) if unit is not None else None
    if kind == "unit":
        unit_id, unit_name = None, None
    if kind != "grant":
        return Unmanaged(
            kind=kind,
            id=str(obj["id"]),
            name=str(obj.get("name", "")),
            unit_id=unit_id,
            unit_name=unit_name,
            created_at=_text(obj.get("createdAt")),
        )
    scope = snapshot.scope(obj)
    return Unmanaged(
        kind=kind,
        id=str(obj["id"]),
        name=str(obj.get("email", "")).lower(),
        unit_id=unit_id,
        unit_name=unit_name,
        created_at=_text(obj.get("invitedAt") or obj.get("createdAt")),
        role=_text(obj.get("role")),
        scope_type=_text(obj.get("scopeType")),
        scope_id=_text(obj.get("scopeId")),
        scope_name=str(scope.get("name")) if scope is not None else None,
        state=_text(obj.get("state")),
        granted_by=_text(obj.get("grantedBy")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def match(rules: Sequence[IgnoreUnmanaged], item: Unmanaged) -> Ignored | None:
    """The first rule of the item's kind whose pattern matches its whole name."""
    for rule in rules:
        if rule.kind != item.kind:
            continue
        if item.kind == "grant":
            hit = fnmatch.fnmatchcase(item.name.lower(), rule.name.lower())
        else:
            hit = fnmatch.fnmatchcase(item.name, rule.name)
        if hit:
            return Ignored(rule.name, rule.reason)
    return None


def _declared(config: OrgConfig) -> dict[tuple[str, str, str], str]:
    """(kind, unit name, name) → config key, for every object the configuration declares."""
    found: dict[tuple[str, str, str], str] = {}
    for unit_key, unit in config.units.items():
        found[("unit", "", unit.name)] = unit_key
        for key, area in unit.waiting_areas.items():
            found[("waiting-area", unit.name, area.name)] = key
        for key, room in unit.meeting_rooms.items():
            found[("meeting-room", unit.name, room.name)] = key
    return found


def kind_words(kind: str, count: int | None = None) -> str:
    one, many = KIND_WORDS[kind]
    if count is None:
        return one
    return f"{count:,} {one if count == 1 else many}"


def type_of_kind(kind: str) -> str | None:
    return _TYPE_OF_KIND.get(kind)


def total(coverage: Iterable[Coverage]) -> Coverage:
    items = list(coverage)
    return Coverage(
        "all",
        sum(c.managed for c in items),
        sum(c.unmanaged for c in items),
        sum(c.ignored for c in items),
    )
