"""Keys and names: unique where the platform needs them, and references that resolve."""

from __future__ import annotations

from collections.abc import Iterator

from vcorg.config.models import OrgConfig
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem
from vcorg.config.rules.base import (
    Parts,
    area_path,
    did_you_mean,
    meeting_rooms,
    problem,
    room_path,
    waiting_areas,
    where,
)

IDS = {
    "duplicate-waiting-area-key": (
        "Waiting-area keys are unique across the organisation (an area keeps its key when "
        "it moves unit)."
    ),
    "duplicate-meeting-room-key": "Meeting-room keys are unique across the organisation.",
    "unknown-waiting-area": (
        "A meeting room's `waitingArea` names a waiting area of the same unit."
    ),
    "duplicate-unit-name": "Unit names are unique in the organisation.",
    "duplicate-waiting-area-name": "Waiting-area names are unique within their unit.",
    "duplicate-meeting-room-name": "Meeting-room names are unique within their unit.",
}


def unique_area_keys(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """A waiting area keeps its key when it moves unit, so keys are organisation-wide."""
    seen: dict[str, Parts] = {}
    for unit_key, _, key, _ in waiting_areas(config):
        here = area_path(unit_key, key)
        if key in seen:
            yield problem(
                sources,
                "duplicate-waiting-area-key",
                here,
                f"waiting area key {key!r} is also used in unit {seen[key][1]!r} at "
                f"{where(sources, seen[key])}; waiting-area keys must be unique across "
                "the organisation",
                at_key=True,
            )
        else:
            seen[key] = here


def unique_room_keys(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    seen: dict[str, Parts] = {}
    for unit_key, _, key, _ in meeting_rooms(config):
        here = room_path(unit_key, key)
        if key in seen:
            yield problem(
                sources,
                "duplicate-meeting-room-key",
                here,
                f"meeting room key {key!r} is also used in unit {seen[key][1]!r} at "
                f"{where(sources, seen[key])}; meeting-room keys must be unique across "
                "the organisation",
                at_key=True,
            )
        else:
            seen[key] = here


def room_area_exists(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """A room may belong to a waiting area of its own unit only (the platform says 422)."""
    owner = {key: unit_key for unit_key, _, key, _ in waiting_areas(config)}
    for unit_key, unit, key, room in meeting_rooms(config):
        target = room.waiting_area
        if target is None or unit.waiting_areas is None or target in unit.waiting_areas:
            continue
        if sources.exists(("units", unit_key, "waitingAreas", target)):
            continue  # written but invalid: already reported by the schema check
        if target in owner:
            message = (
                f"waiting area {target!r} is in unit {owner[target]!r}; a meeting room can "
                f"only belong to a waiting area of its own unit ({unit_key!r})"
            )
        else:
            message = (
                f"there is no waiting area {target!r} in unit {unit_key!r}"
                f"{did_you_mean(target, unit.waiting_areas)}"
            )
        yield problem(
            sources, "unknown-waiting-area", (*room_path(unit_key, key), "waitingArea"), message
        )


def unique_names(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """Names the platform refuses to duplicate (409): units org-wide, areas and rooms per unit."""
    units: dict[str, Parts] = {}
    for unit_key, unit in config.units.items():
        here: Parts = ("units", unit_key, "name")
        if unit.name is None:
            pass  # failed the schema (a hole, see vcorg.config.salvage)
        elif unit.name in units:
            yield problem(
                sources,
                "duplicate-unit-name",
                here,
                f"unit name {unit.name!r} is also used at {where(sources, units[unit.name])}; "
                "unit names must be unique in the organisation",
            )
        else:
            units[unit.name] = here
        areas: dict[str, Parts] = {}
        for key, area in (unit.waiting_areas or {}).items():
            here = (*area_path(unit_key, key), "name")
            if area.name is None:
                continue
            if area.name in areas:
                yield problem(
                    sources,
                    "duplicate-waiting-area-name",
                    here,
                    f"waiting area name {area.name!r} is also used at "
                    f"{where(sources, areas[area.name])}; names must be unique within a unit",
                )
            else:
                areas[area.name] = here
        rooms: dict[str, Parts] = {}
        for key, room in (unit.meeting_rooms or {}).items():
            here = (*room_path(unit_key, key), "name")
            if room.name is None:
                continue
            if room.name in rooms:
                yield problem(
                    sources,
                    "duplicate-meeting-room-name",
                    here,
                    f"meeting room name {room.name!r} is also used at "
                    f"{where(sources, rooms[room.name])}; names must be unique within a unit",
                )
            else:
                rooms[room.name] = here


RULES = (unique_area_keys, unique_room_keys, room_area_exists, unique_names)
